package dev.turnout.protocol.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * {@code mysql_native_password} worked from the server's stored hash instead of the password, as
 * a proxy needs it: the stored form {@code *HEX(SHA1(SHA1(pw)))} parsed, a client's scramble
 * answer verified against it, and the "stage 1" {@code SHA1(pw)} recovered from that answer, with
 * which the same account logs in to any other server (ProxySQL and MaxScale do the same).
 *
 * <p>The arithmetic: a client answers {@code R = SHA1(pw) XOR SHA1(seed + SHA1(SHA1(pw)))}; with
 * the stored {@code H = SHA1(SHA1(pw))}, {@code SHA1(pw) = R XOR SHA1(seed + H)}, and the answer is
 * right when {@code SHA1(SHA1(pw)) == H}. Towards another server with seed {@code s'}, the answer
 * is {@code SHA1(pw) XOR SHA1(s' + SHA1(SHA1(pw)))}, which needs only {@code SHA1(pw)}.
 *
 * <p>Stateless and thread-safe; nothing here logs. Comparisons are constant-time.
 */
public final class NativePassword {

    /** Bytes of a SHA-1 digest: of stage 1, of the stored hash, of a scramble answer. */
    public static final int HASH_LENGTH = 20;

    private NativePassword() {}

    /**
     * The 20 bytes of a stored {@code mysql_native_password} hash ({@code *} and 40 hex digits,
     * as {@code PASSWORD()} makes it); an empty array for an account without a password (empty
     * string); null for anything else (another plugin's string, an invalid hash).
     */
    public static byte @Nullable [] parseStoredHash(String stored) {
        if (stored.isEmpty()) {
            return new byte[0];
        }
        if (stored.length() != 1 + 2 * HASH_LENGTH || stored.charAt(0) != '*') {
            return null;
        }
        try {
            return HexFormat.of().parseHex(stored, 1, stored.length());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The stage 1 {@code SHA1(pw)} that the client's {@code response} to {@code seed} proves it
     * knows, verified against the stored hash; null when the response is wrong. An account without
     * a password ({@code storedHash} empty) accepts only an empty response, and its stage 1 is empty.
     * The work is the same for a right and a wrong answer of 20 bytes.
     */
    public static byte @Nullable [] recoverStage1(byte[] storedHash, byte[] seed, byte[] response) {
        if (storedHash.length == 0 || response.length == 0) {
            return storedHash.length == 0 && response.length == 0 ? new byte[0] : null;
        }
        if (storedHash.length != HASH_LENGTH || response.length != HASH_LENGTH) {
            return null;
        }
        MessageDigest sha1 = sha1();
        sha1.update(seed);
        sha1.update(storedHash);
        byte[] stage1 = xor(response, sha1.digest());
        return MessageDigest.isEqual(sha1.digest(stage1), storedHash) ? stage1 : null;
    }

    /**
     * The stage 1 of a password the client sent in clear ({@code mysql_clear_password} over TLS),
     * verified against the stored hash; null when it is not the account's password.
     */
    public static byte @Nullable [] stage1OfClear(byte[] storedHash, byte[] password) {
        if (storedHash.length == 0 || password.length == 0) {
            return storedHash.length == 0 && password.length == 0 ? new byte[0] : null;
        }
        MessageDigest sha1 = sha1();
        byte[] stage1 = sha1.digest(password);
        return MessageDigest.isEqual(sha1.digest(stage1), storedHash) ? stage1 : null;
    }

    /**
     * The native answer to {@code seed} of the account whose stage 1 is {@code stage1}: what a
     * client that knows the password would send. Empty for an empty stage 1 (no password).
     */
    public static byte[] scrambleFromStage1(byte[] stage1, byte[] seed) {
        if (stage1.length == 0) {
            return new byte[0];
        }
        MessageDigest sha1 = sha1();
        byte[] stage2 = sha1.digest(stage1);
        sha1.update(seed);
        sha1.update(stage2);
        return xor(stage1, sha1.digest());
    }

    /** The stage 1 of a password: {@code SHA1(pw)}; empty for an empty password. */
    public static byte[] stage1(byte[] password) {
        return password.length == 0 ? new byte[0] : sha1().digest(password);
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-1", e);
        }
    }
}
