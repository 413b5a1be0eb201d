/**
 * Following the command phase of one backend connection: which packets belong to the command in
 * flight and when the server's response to it is complete, so that the connector knows the command
 * boundaries at which a session may switch backends or return a connection to its pool.
 *
 * <p>Threading: a {@link dev.turnout.protocol.response.ResponseTracker} belongs to one backend
 * connection and is called on that connection's event loop only; it is not thread-safe and needs
 * no locks. It reads frames without consuming, retaining, releasing or copying them, and allocates
 * nothing per packet. Everything is non-null unless annotated.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_command_phase.html">Command Phase</a>
 */
@NullMarked
package dev.turnout.protocol.response;

import org.jspecify.annotations.NullMarked;
