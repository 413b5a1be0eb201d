package dev.turnout.protocol.response;

/**
 * What a server packet of the command phase means for the connection, as told by
 * {@link ResponseTracker#onServerPacket(io.netty.buffer.ByteBuf)}.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_command_phase.html">Command Phase</a>
 */
public enum ServerStep {
    /** Part of a response that goes on: more packets of the server follow. */
    IN_PROGRESS,
    /** The last packet of the response: once it is forwarded, the connection is at a command boundary. */
    COMPLETE,
    /**
     * The server now waits for the client: a LOCAL INFILE request (the client sends the file), or an
     * authentication switch or more-data request during {@code COM_CHANGE_USER}.
     */
    AWAITING_CLIENT,
    /** A packet the protocol does not allow now; the tracker is {@link ResponseTracker.State#FAILED}. */
    UNEXPECTED
}
