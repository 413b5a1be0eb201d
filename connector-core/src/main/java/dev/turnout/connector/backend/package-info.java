/**
 * Connections from the connector to database servers: one connection ({@link
 * dev.turnout.connector.backend.BackendConnection}, which logs in as a MySQL client), how its channel
 * is opened ({@link dev.turnout.connector.backend.BackendDialer}), the pool of authenticated idle
 * connections of an event loop, and the primary's greeting the connector's own handshake copies.
 *
 * <p>Threading contract: a backend connection lives on the event loop of the client session that
 * owns it (or of the pool that keeps it), and is used only there; the greeting cache is the one
 * thread-safe object here. Everything is non-null unless annotated.
 */
@NullMarked
package dev.turnout.connector.backend;

import org.jspecify.annotations.NullMarked;
