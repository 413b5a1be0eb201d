package dev.turnout.connector.session;

import dev.turnout.protocol.message.server.ErrPacket;
import io.netty.buffer.ByteBuf;

/**
 * What a session asks of the connection phase that logged its client in (the frontend's login):
 * the only way the session calls up.
 */
public interface SessionHost {

    /** The primary connection is ready (and tracks GTIDs if needed): the client gets its OK, with {@code status}. */
    void loggedIn(int status);

    /** The login cannot complete: the client gets {@code error} in place of its OK, and the session ends. */
    void loginFailed(ErrPacket error);

    /** A COM_CHANGE_USER at a command boundary (the frame is the host's to release): the client logs in again. */
    void changeUser(ByteBuf frame);
}
