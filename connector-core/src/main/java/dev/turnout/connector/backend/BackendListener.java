package dev.turnout.connector.backend;

import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.OkPacket;
import io.netty.buffer.ByteBuf;

/**
 * What a {@link BackendConnection} tells the session that owns it. Every call is made on the
 * session's event loop (the backend channel is registered on the frontend's loop), so an
 * implementation needs no synchronisation.
 */
public interface BackendListener {

    /** The backend authenticated; {@code ok} is the server's final OK of the connection phase. */
    void backendReady(BackendConnection backend, OkPacket ok);

    /** Connecting or authenticating failed; {@code error} is what the client should be told. */
    void backendFailed(BackendConnection backend, ErrPacket error);

    /** One physical packet of the command phase; the listener owns (and must release or forward) it. */
    void backendPacket(BackendConnection backend, ByteBuf frame);

    /** The end of a read batch from the backend: the moment to flush towards the client. */
    void backendReadComplete(BackendConnection backend);

    /** The backend's writability changed (reading from the client resumes when it is writable). */
    void backendWritabilityChanged(BackendConnection backend, boolean writable);

    /** The backend connection closed after it was ready. */
    void backendClosed(BackendConnection backend);
}
