/**
 * Client sessions: the connection phase the connector plays as a server, and forwarding of the
 * command phase. A session and its backend connections are confined to one event loop; only
 * {@link dev.turnout.connector.frontend.SessionServices} crosses threads.
 * Everything is non-null unless annotated.
 */
package dev.turnout.connector.frontend;
