/**
 * The accounts of the primary server, loaded with the connector's service account so that any
 * account the primary accepts logs in through the connector too: {@link
 * dev.turnout.connector.accounts.ServerAccounts} keeps an immutable snapshot, refreshed on a
 * schedule and after a login miss.
 */
@NullMarked
package dev.turnout.connector.accounts;

import org.jspecify.annotations.NullMarked;
