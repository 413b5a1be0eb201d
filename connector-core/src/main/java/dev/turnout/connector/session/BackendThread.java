package dev.turnout.connector.session;

/**
 * A server thread that serves a session: which datasource (and its slot in the dataservice), the
 * thread's id on that server, and whether it is the session's primary connection. Made once per
 * backend connection when it is ready; published in the {@link SessionRegistry} while the session's
 * commands go there, so that another session's {@code KILL QUERY} reaches the server that runs the
 * statement.
 *
 * @param slot       the datasource's index in the dataservice (see ConnectorTopology#slot)
 * @param datasource the datasource's name
 * @param thread     the server's id of the connection ({@code CONNECTION_ID()} there)
 * @param primary    the session's primary connection
 */
record BackendThread(int slot, String datasource, long thread, boolean primary) {}
