package dev.turnout.protocol.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;

/**
 * The arithmetic of the password plugins, for both sides of the exchange: nonces, scrambled
 * responses, their constant-time verification, and caching_sha2_password's RSA step. Stateless
 * and thread-safe. Passwords are raw bytes (UTF-8 of what the user typed); callers own them and
 * should clear them when done. Nothing here logs.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_authentication_methods_native_password_authentication.html">Native Authentication</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html">caching_sha2_password exchanges</a>
 */
public final class Scrambles {

    /** Bytes in a nonce ("scramble", "seed") sent in the greeting or an auth switch request. */
    public static final int SEED_LENGTH = 20;
    /** The cipher of caching_sha2_password's RSA full authentication (MySQL 8.0.5 and later). */
    public static final String RSA_TRANSFORMATION = "RSA/ECB/OAEPWithSHA-1AndMGF1Padding";

    private static final byte[] EMPTY = new byte[0];

    private Scrambles() {}

    /**
     * A new 20-byte nonce of printable ASCII (0x21..0x7E) without '$': never NUL, which would
     * end it early in the greeting, and never '$', which MySQL keeps out of its salts too.
     *
     * <p>Random bytes are drawn in one call per 64 (each accepted when its low 7 bits are such a
     * character, 93 of 128): a {@link SecureRandom} call is costly (the default one locks and
     * reads {@code /dev/urandom}), and a connector makes a seed for every new client connection.
     */
    public static byte[] newSeed(SecureRandom random) {
        byte[] seed = new byte[SEED_LENGTH];
        byte[] draw = new byte[64];
        int filled = 0;
        while (filled < seed.length) {
            random.nextBytes(draw);
            for (int i = 0; i < draw.length && filled < seed.length; i++) {
                int b = draw[i] & 0x7F;
                if (b >= 0x21 && b <= 0x7E && b != '$') {
                    seed[filled++] = (byte) b;
                }
            }
        }
        return seed;
    }

    /** mysql_native_password: SHA1(pw) XOR SHA1(seed + SHA1(SHA1(pw))); empty for an empty password. */
    public static byte[] nativePassword(byte[] password, byte[] seed) {
        if (password.length == 0) {
            return EMPTY.clone();
        }
        MessageDigest sha1 = digest("SHA-1");
        byte[] stage1 = sha1.digest(password);
        byte[] stage2 = sha1.digest(stage1);
        sha1.update(seed);
        sha1.update(stage2);
        return xor(stage1, sha1.digest());
    }

    /** The hash a server stores for mysql_native_password: SHA1(SHA1(pw)) (the hex of {@code PASSWORD()} after its '*'). */
    public static byte[] nativePasswordHash(byte[] password) {
        MessageDigest sha1 = digest("SHA-1");
        return sha1.digest(sha1.digest(password));
    }

    /** caching_sha2_password: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + seed); empty for an empty password. */
    public static byte[] cachingSha2(byte[] password, byte[] seed) {
        if (password.length == 0) {
            return EMPTY.clone();
        }
        MessageDigest sha256 = digest("SHA-256");
        byte[] stage1 = sha256.digest(password);
        byte[] stage2 = sha256.digest(stage1);
        sha256.update(stage2);
        sha256.update(seed);
        return xor(stage1, sha256.digest());
    }

    /** The value a caching_sha2_password server caches for fast authentication: SHA256(SHA256(pw)). */
    public static byte[] cachingSha2Hash(byte[] password) {
        MessageDigest sha256 = digest("SHA-256");
        return sha256.digest(sha256.digest(password));
    }

    /** Whether {@code response} is the mysql_native_password answer for this password and seed, in constant time. */
    public static boolean verifyNative(byte[] password, byte[] seed, byte[] response) {
        return MessageDigest.isEqual(nativePassword(password, seed), response);
    }

    /**
     * Verifies a mysql_native_password response against the stored hash SHA1(SHA1(pw)) instead of
     * the password, as a server does: recovers the candidate SHA1(pw) and compares its SHA-1 with
     * the hash in constant time. An empty hash accepts only an empty response.
     */
    public static boolean verifyNativeHash(byte[] passwordHash, byte[] seed, byte[] response) {
        if (passwordHash.length == 0 || response.length == 0) {
            return passwordHash.length == 0 & response.length == 0;
        }
        if (response.length != 20 || passwordHash.length != 20) {
            return false;
        }
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(seed);
        sha1.update(passwordHash);
        byte[] candidateStage1 = xor(response, sha1.digest());
        return MessageDigest.isEqual(sha1.digest(candidateStage1), passwordHash);
    }

    /** Whether {@code response} is the caching_sha2_password answer for this password and seed, in constant time. */
    public static boolean verifyCachingSha2(byte[] password, byte[] seed, byte[] response) {
        return MessageDigest.isEqual(cachingSha2(password, seed), response);
    }

    /**
     * Verifies a caching_sha2_password fast-authentication response against the cached
     * SHA256(SHA256(pw)), as a server does. An empty hash accepts only an empty response.
     */
    public static boolean verifyCachingSha2Hash(byte[] passwordHash, byte[] seed, byte[] response) {
        if (passwordHash.length == 0 || response.length == 0) {
            return passwordHash.length == 0 & response.length == 0;
        }
        if (response.length != 32 || passwordHash.length != 32) {
            return false;
        }
        MessageDigest sha256 = digest("SHA-256");
        sha256.update(passwordHash);
        sha256.update(seed);
        byte[] candidateStage1 = xor(response, sha256.digest());
        return MessageDigest.isEqual(sha256.digest(candidateStage1), passwordHash);
    }

    /**
     * caching_sha2_password full authentication without TLS: (password + NUL) XOR the seed
     * (repeated), encrypted with the server's RSA public key using OAEP padding.
     */
    public static byte[] rsaEncryptPassword(byte[] password, byte[] seed, PublicKey key) {
        byte[] terminated = nulTerminated(password);
        byte[] plain = xorWithSeed(terminated, seed);
        Arrays.fill(terminated, (byte) 0);
        try {
            Cipher cipher = Cipher.getInstance(RSA_TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key);
            return cipher.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot RSA-encrypt the password with this key: " + e.getMessage(), e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * The server side of {@link #rsaEncryptPassword}: decrypts, un-XORs with the seed and drops
     * the NUL terminator.
     *
     * @throws IllegalArgumentException if the data does not decrypt or is not NUL-terminated
     */
    public static byte[] rsaDecryptPassword(byte[] encrypted, byte[] seed, PrivateKey key) {
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance(RSA_TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key);
            plain = xorWithSeed(cipher.doFinal(encrypted), seed);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot RSA-decrypt the password: " + e.getMessage(), e);
        }
        try {
            if (plain.length == 0 || plain[plain.length - 1] != 0) {
                throw new IllegalArgumentException("the decrypted password is not NUL-terminated");
            }
            return Arrays.copyOf(plain, plain.length - 1);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Parses a PEM "PUBLIC KEY" (X.509 SubjectPublicKeyInfo) RSA key, as MySQL servers send it. */
    public static PublicKey parsePemPublicKey(String pem) {
        String begin = "-----BEGIN PUBLIC KEY-----";
        String end = "-----END PUBLIC KEY-----";
        int from = pem.indexOf(begin);
        // The end marker is searched after the begin marker: the two may share their dashes.
        int to = from < 0 ? -1 : pem.indexOf(end, from + begin.length());
        if (to < 0) {
            throw new IllegalArgumentException("not a PEM public key (expected " + begin + ")");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot parse the PEM public key: " + e.getMessage(), e);
        }
    }

    /** Formats a public key as PEM "PUBLIC KEY", as a server sends it in AuthMoreData. */
    public static String toPem(PublicKey key) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
    }

    /** {@code password} followed by one NUL, as the clear-text and full-authentication steps send it. */
    public static byte[] nulTerminated(byte[] password) {
        return Arrays.copyOf(password, password.length + 1);
    }

    private static byte[] xorWithSeed(byte[] data, byte[] seed) {
        if (seed.length == 0) {
            throw new IllegalArgumentException("the seed is empty");
        }
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (byte) (data[i] ^ seed[i % seed.length]);
        }
        return out;
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides " + algorithm, e);
        }
    }
}
