/**
 * The connector's REST API ({@code connector-rest-api-address}): its status as JSON and its
 * metrics in the Prometheus text format, behind Basic authentication with
 * {@code rest-api-admin-user} / {@code rest-api-admin-password}.
 *
 * <p>Threading: served by the JDK's HTTP server on a thread of its own, never on an event loop; it
 * reads only thread-safe state (the topology snapshot, meters, counters). Everything is non-null
 * unless annotated.
 */
@NullMarked
package dev.turnout.connector.admin;

import org.jspecify.annotations.NullMarked;
