package dev.turnout.connector.backend;

import dev.turnout.connector.error.ConnectorErrors;
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

    /**
     * A relayed login ({@link dev.turnout.protocol.auth.ClientAuthExchange#relayed}): the server's
     * auth switch or more-data packet (its payload) for the real client to answer, through
     * {@link BackendConnection#relayAnswer}. Only a session relays; others never ask for it.
     */
    default void backendAuthRelay(BackendConnection backend, byte[] packet) {
        backend.close();
        backendFailed(
                backend,
                ConnectorErrors.badHandshake("the server asked for an authentication only a client can answer"));
    }

    /** One physical packet of the command phase; the listener owns (and must release or forward) it. */
    void backendPacket(BackendConnection backend, ByteBuf frame);

    /** The end of a read batch from the backend: the moment to flush towards the client. */
    void backendReadComplete(BackendConnection backend);

    /** The backend's writability changed (reading from the client resumes when it is writable). */
    void backendWritabilityChanged(BackendConnection backend, boolean writable);

    /** The backend connection closed after it was ready. */
    void backendClosed(BackendConnection backend);
}
