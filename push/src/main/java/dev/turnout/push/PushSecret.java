package dev.turnout.push;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret managers and connectors share ({@code manager-push-secret}): each side of a push
 * connection proves it knows it with an HMAC-SHA256 over both sides' nonces and the certificate
 * of the TLS connection (docs/push-protocol.md, "Handshake"). {@link #none()} stands for no secret
 * configured: the proofs are then computed with a key everybody knows, so they authenticate
 * nothing, and managers and connectors allow it only on the loopback interface.
 *
 * <p>Immutable and thread-safe; keeps its own copy of the bytes. {@link #toString()} never shows
 * them.
 */
public final class PushSecret {

    /** A shorter secret is refused: a peer that sees a proof could try every short one offline. */
    public static final int MIN_LENGTH = 16;

    private static final String ALGORITHM = "HmacSHA256";
    /** The key of {@link #none()}: HMAC needs a key, and this one is public on purpose. */
    private static final byte[] NO_SECRET = "turnout push without a secret".getBytes(StandardCharsets.US_ASCII);

    private static final PushSecret NONE = new PushSecret(NO_SECRET, true);

    private final byte[] key;
    private final boolean none;

    private PushSecret(byte[] key, boolean none) {
        this.key = key.clone();
        this.none = none;
    }

    /**
     * The secret of these UTF-8 bytes (copied).
     *
     * @throws IllegalArgumentException when shorter than {@value #MIN_LENGTH} bytes
     */
    public static PushSecret of(byte[] secret) {
        if (secret.length < MIN_LENGTH) {
            throw new IllegalArgumentException("a push secret needs at least " + MIN_LENGTH + " characters, got "
                    + secret.length + " (make one with e.g. 'openssl rand -base64 24')");
        }
        return new PushSecret(secret, false);
    }

    /** The secret of this text (UTF-8); see {@link #of(byte[])}. */
    public static PushSecret of(String secret) {
        return of(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** No secret configured: the push channel is encrypted but not authenticated. */
    public static PushSecret none() {
        return NONE;
    }

    /** True for {@link #none()}. */
    public boolean isNone() {
        return none;
    }

    /** HMAC-SHA256 of {@code parts}, in order, each prefixed by its length (so that no two inputs collide). */
    byte[] mac(byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            for (byte[] part : parts) {
                mac.update(new byte[] {(byte) (part.length >>> 8), (byte) part.length});
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        }
    }

    /** Whether {@code proof} is the HMAC of {@code parts}, compared in constant time. */
    boolean verifies(byte[] proof, byte[]... parts) {
        return MessageDigest.isEqual(mac(parts), proof);
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return none ? "PushSecret[none]" : "PushSecret[***]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PushSecret s && s.none == none && MessageDigest.isEqual(s.key, key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }
}
