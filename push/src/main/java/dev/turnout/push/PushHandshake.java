package dev.turnout.push;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The handshake of a push connection, right after TLS: each side proves it knows the shared
 * {@link PushSecret}, the connector first (docs/push-protocol.md, "Handshake"):
 *
 * <pre>
 * connector -> manager  challenge {nonce: Nc}
 * manager -> connector  challenge {nonce: Nm}
 * connector -> manager  proof {HMAC(secret, "connector", H, Nc, Nm)}   the manager checks it
 * manager -> connector  proof {HMAC(secret, "manager", H, Nc, Nm)}     the connector checks it
 * </pre>
 *
 * {@code H} is the SHA-256 of the manager's TLS certificate as each side sees it
 * ({@link PushTls#channelBinding}): the proofs of a connection through a man in the middle cover
 * two different certificates and fail. Both nonces are fresh, so no proof can be replayed; the
 * labels differ, so no proof can be reflected. Proving first, the connector tells nothing to a
 * manager without the secret but its nonce, and a connector without the secret learns nothing
 * from a manager.
 *
 * <p>Stateless; runs on the connection's thread, bounded by the caller (a deadline closes the
 * connection).
 */
final class PushHandshake {

    static final int NONCE_BYTES = 32;
    private static final byte[] CONNECTOR = "turnout-push-1 connector".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MANAGER = "turnout-push-1 manager".getBytes(StandardCharsets.US_ASCII);

    private PushHandshake() {}

    /**
     * The connector's side.
     *
     * @throws PushRefusedException when the manager does not prove the secret
     * @throws IOException when the connection fails
     */
    static void asConnector(LineChannel channel, PushSecret secret, byte[] binding, SecureRandom random)
            throws IOException {
        byte[] own = nonce(random);
        channel.send(new PushMessage.Challenge(encode(own)));
        byte[] theirs = decode(
                expect(channel, PushMessage.Challenge.class, "its challenge").nonce(), "nonce");
        channel.send(new PushMessage.Proof(encode(secret.mac(CONNECTOR, binding, own, theirs))));
        PushMessage.Proof proof = expect(channel, PushMessage.Proof.class, "its proof");
        if (!secret.verifies(decode(proof.proof(), "proof"), MANAGER, binding, own, theirs)) {
            throw new PushRefusedException("its proof does not match this connector's manager-push-secret"
                    + " (another secret, or not a manager of this cluster)");
        }
    }

    /**
     * The manager's side.
     *
     * @throws PushRefusedException when the connector does not prove the secret
     * @throws IOException when the connection fails
     */
    static void asManager(LineChannel channel, PushSecret secret, byte[] binding, SecureRandom random)
            throws IOException {
        byte[] theirs = decode(
                expect(channel, PushMessage.Challenge.class, "its challenge").nonce(), "nonce");
        byte[] own = nonce(random);
        channel.send(new PushMessage.Challenge(encode(own)));
        PushMessage.Proof proof = expect(channel, PushMessage.Proof.class, "its proof");
        if (!secret.verifies(decode(proof.proof(), "proof"), CONNECTOR, binding, theirs, own)) {
            throw new PushRefusedException("its proof does not match this manager's manager-push-secret"
                    + " (another secret, or not a connector of this cluster)");
        }
        channel.send(new PushMessage.Proof(encode(secret.mac(MANAGER, binding, theirs, own))));
    }

    private static <M extends PushMessage> M expect(LineChannel channel, Class<M> type, String what)
            throws IOException {
        PushMessage m;
        try {
            m = channel.read(LineChannel.MAX_SHORT_LINE_CHARS);
        } catch (IllegalArgumentException e) {
            throw new PushRefusedException("it sent an invalid message instead of " + what + ": " + e.getMessage());
        }
        if (m == null) {
            throw new PushRefusedException("it closed the connection instead of sending " + what
                    + " (it refused this side's proof: is manager-push-secret the same on both sides?)");
        }
        if (!type.isInstance(m)) {
            throw new PushRefusedException("it sent " + PushCodec.typeOf(m) + " instead of " + what);
        }
        return type.cast(m);
    }

    private static byte[] nonce(SecureRandom random) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return nonce;
    }

    private static String encode(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] decode(String text, String field) throws PushRefusedException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new PushRefusedException("its " + field + " is not base64");
        }
        if (bytes.length != NONCE_BYTES) {
            throw new PushRefusedException("its " + field + " has " + bytes.length + " bytes, not " + NONCE_BYTES);
        }
        return bytes;
    }
}
