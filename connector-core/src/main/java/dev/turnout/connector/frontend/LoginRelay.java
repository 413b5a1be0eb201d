package dev.turnout.connector.frontend;

import dev.turnout.connector.session.ClientConnection;
import dev.turnout.connector.session.FrontendPhase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The client's side of a login the primary authenticates itself (an account whose plugin the
 * connector cannot verify: ed25519, PAM, GSSAPI …): each auth switch or more-data packet of the
 * primary goes to the client as it is, numbered in the client's sequence, and the client's answer
 * goes back to the primary; as many rounds as the plugin needs, until the primary's OK or ERR ends
 * the login ({@link ClientLogin#loggedIn}, {@link ClientLogin#loginFailed}).
 *
 * <p>Confined to the session's event loop.
 */
final class LoginRelay {

    private final ClientConnection client;
    /** Where the client's answer goes; null while none is awaited. */
    private @Nullable Consumer<byte[]> answer;

    LoginRelay(ClientConnection client) {
        this.client = client;
    }

    /** Sends the primary's {@code packet} to the client as packet {@code sequenceId}; its answer goes to {@code to}. */
    void ask(byte[] packet, Consumer<byte[]> to, int sequenceId) {
        answer = to;
        client.phase(FrontendPhase.AUTH_RELAYED);
        client.writePacket(sequenceId, out -> out.writeBytes(packet));
        client.flush();
        client.read();
    }

    /** The client's answer (the payload of its packet; the caller releases it). */
    void answer(ByteBuf payload) {
        Consumer<byte[]> to = Objects.requireNonNull(answer, "AUTH_RELAYED is set with it");
        answer = null;
        client.phase(FrontendPhase.CONNECTING_BACKEND);
        to.accept(ByteBufUtil.getBytes(payload));
    }
}
