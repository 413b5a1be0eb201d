package dev.turnout.connector.session;

import dev.turnout.protocol.message.server.ErrPacket;
import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/**
 * What a session asks of the connection phase that logged its client in (the frontend's login):
 * the only way the session calls up.
 */
public interface SessionHost {

    /** The primary connection is ready (and tracks GTIDs if needed): the client gets its OK, with {@code status}. */
    void loggedIn(int status);

    /** The login cannot complete: the client gets {@code error} in place of its OK, and the session ends. */
    void loginFailed(ErrPacket error);

    /**
     * The primary asks the client to authenticate itself (an account whose plugin the connector
     * cannot verify): {@code packet} (an auth switch or more-data payload) goes to the client, and
     * its answer to {@code answer}; the login ends with {@link #loggedIn} or {@link #loginFailed}.
     */
    void relayAuth(byte[] packet, Consumer<byte[]> answer);

    /** A COM_CHANGE_USER at a command boundary (the frame is the host's to release): the client logs in again. */
    void changeUser(ByteBuf frame);
}
