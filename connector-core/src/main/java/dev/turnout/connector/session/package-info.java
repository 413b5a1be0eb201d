/**
 * The command phase of a client session, in small parts with one job each, in the order a command
 * goes through them: {@link dev.turnout.connector.session.CommandQueue} (frames in, the waiting
 * command) → {@link dev.turnout.connector.session.CommandIntake} (framing limits, sequence, COM_QUIT)
 * → {@link dev.turnout.connector.session.ClientCommand} (peeked once) →
 * {@link dev.turnout.connector.session.Dispatcher} (gates and send) with
 * {@link dev.turnout.connector.session.SessionRouter} (the route decision) →
 * {@link dev.turnout.connector.session.SessionBackends} / {@link dev.turnout.connector.session.PrimaryLink}
 * / {@link dev.turnout.connector.session.Preparation} (the backends, the primary's lifecycle, bringing a
 * backend to the session's state) → {@link dev.turnout.connector.session.ResponsePath} (server to
 * client) → {@link dev.turnout.connector.session.ClientConnection} (the client side, one ERR at most).
 * {@link dev.turnout.connector.session.BackendEvents} routes what the backends tell the session;
 * {@link dev.turnout.connector.session.Session} holds the parts and answers what the connector asks
 * of every session. The per-session state that decides routing is here too:
 * {@link dev.turnout.connector.session.SessionState}, prepared statements with their per-backend ids.
 *
 * <p><b>Threading contract.</b> Everything of a session is confined to its client's event loop,
 * where its backend channels are registered too: no locks, no volatile fields, no part is touched
 * from another thread. Only the topology ({@link dev.turnout.connector.topology.ConnectorTopology},
 * one atomic snapshot), the {@link dev.turnout.connector.session.SessionServices} and the
 * {@link dev.turnout.connector.session.SessionRegistry} cross loops; the registry reaches a loop's
 * sessions only through one task on that loop ({@link dev.turnout.connector.session.LoopSessions}).
 * The parts call down, never up: the one way up is {@link dev.turnout.connector.session.SessionHost},
 * which the frontend's login implements. Everything is non-null unless annotated
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.turnout.connector.session;

import org.jspecify.annotations.NullMarked;
