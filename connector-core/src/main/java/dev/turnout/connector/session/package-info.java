/**
 * The per-session state that decides where a client's statements may run, and what a backend must
 * be told before it serves the session: transaction and autocommit state (from the server's status
 * flags), what pins the session to its primary (temporary tables, table locks, named locks,
 * handlers), the session-command history replayed on replicas (schema, character set, session
 * variables), the session's last write (for read-your-writes), and server-side prepared
 * statements with their per-backend statement ids.
 *
 * <p>Threading: every object here belongs to one client session and is used only on that
 * session's event loop (see {@code FrontendHandler}); nothing is shared, nothing is locked.
 * Everything is non-null unless annotated {@link dev.turnout.protocol.message.Nullable}.
 */
package dev.turnout.connector.session;
