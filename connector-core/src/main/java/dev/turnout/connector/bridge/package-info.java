/**
 * Bridge mode ({@code connector-bridge-mode=true}): the connector does not speak the MySQL protocol
 * but relays each client connection, byte for byte, to one datasource chosen when the client
 * connects ({@link dev.turnout.connector.bridge.BridgeTargets}). The client and the server talk end
 * to end (greeting, authentication, TLS, compression).
 *
 * <p>Threading: a bridged connection and its datasource connection are confined to the client
 * channel's event loop; only {@link dev.turnout.connector.bridge.BridgeTargets} implementations are
 * shared between loops and must be thread-safe. Everything is non-null unless annotated.
 */
@NullMarked
package dev.turnout.connector.bridge;

import org.jspecify.annotations.NullMarked;
