package dev.turnout.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import org.jspecify.annotations.Nullable;

/** caching_sha2_password's full authentication by RSA, for {@link ClientAuthExchange}: the key and the encryption. */
final class RsaFullAuth {

    static final String UNUSABLE_KEY = "the server's public key is unusable";
    static final String CANNOT_ENCRYPT = "cannot RSA-encrypt the password with the server's key";

    private RsaFullAuth() {}

    /** The PEM key a server sent in AuthMoreData; null when it does not parse. */
    static @Nullable PublicKey parseKey(byte[] pem) {
        try {
            return Scrambles.parsePemPublicKey(new String(pem, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The password encrypted for the server; null when the key cannot encrypt it. */
    static byte @Nullable [] encrypt(byte[] password, byte[] seed, PublicKey key) {
        try {
            return Scrambles.rsaEncryptPassword(password, seed, key);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
