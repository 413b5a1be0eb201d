/**
 * The REST APIs: the connector's ({@code connector-rest-api-address}: its status as JSON and its
 * metrics in the Prometheus text format) and, through {@link dev.turnout.connector.admin.RestServer},
 * the hardening the manager's shares: Basic authentication that is never optional
 * ({@code rest-api-admin-user} / {@code rest-api-admin-password}), failed logins rate-limited per
 * client address and logged, a cross-site request check on state changes, HTTPS with
 * {@code rest-api-ssl-certificate} / {@code rest-api-ssl-key}, and a bounded time to read a request.
 *
 * <p>Threading: served by the JDK's HTTP server on a pool of its own, never on an event loop; it
 * reads only thread-safe state (the topology snapshot, meters, counters). Everything is non-null
 * unless annotated.
 */
@NullMarked
package dev.turnout.connector.admin;

import org.jspecify.annotations.NullMarked;
