package dev.turnout.protocol.response;

/**
 * What a client packet of the command phase means for the connection, as told by
 * {@link ResponseTracker#onClientPacket(io.netty.buffer.ByteBuf)}.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_command_phase.html">Command Phase</a>
 */
public enum ClientStep {
    /** The first packet of a command that gets a response: the connection is busy until the server completes it. */
    COMMAND_STARTED,
    /**
     * The command is complete once this packet is forwarded, because the server does not answer it
     * ({@code COM_STMT_CLOSE}, {@code COM_STMT_SEND_LONG_DATA}, {@code COM_QUIT}). For a command of
     * 16 MiB and more this is the step of its last physical packet; its first one was
     * {@link #COMMAND_STARTED}.
     */
    COMMAND_COMPLETE_NO_RESPONSE,
    /**
     * A further packet the protocol expects now: the next physical packet of a command of 16 MiB and
     * more, LOCAL INFILE data, or an authentication answer during {@code COM_CHANGE_USER}.
     */
    CONTINUATION,
    /** The empty packet that ends the contents of a LOCAL INFILE file; the server answers next. */
    LOCAL_INFILE_END,
    /** A packet the protocol does not allow now; the tracker is {@link ResponseTracker.State#FAILED}. */
    UNEXPECTED
}
