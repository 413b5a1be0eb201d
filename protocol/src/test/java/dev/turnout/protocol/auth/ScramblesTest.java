package dev.turnout.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.protocol.message.Fixtures;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScramblesTest {

    private static final byte[] SECRET = "secret".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SEED = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
    private static KeyPair keys;

    @BeforeAll
    static void generateKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
    }

    @Test
    void nativePasswordFollowsTheFormulaStepByStep() throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        byte[] stage1 = sha1.digest(SECRET);
        byte[] stage2 = sha1.digest(stage1);
        byte[] salted = sha1.digest(concat(SEED, stage2));
        byte[] expected = new byte[20];
        for (int i = 0; i < 20; i++) {
            expected[i] = (byte) (stage1[i] ^ salted[i]);
        }

        assertThat(Scrambles.nativePassword(SECRET, SEED)).isEqualTo(expected);
    }

    @Test
    void cachingSha2FollowsTheFormulaStepByStep() throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] stage1 = sha256.digest(SECRET);
        byte[] stage2 = sha256.digest(stage1);
        byte[] salted = sha256.digest(concat(stage2, SEED));
        byte[] expected = new byte[32];
        for (int i = 0; i < 32; i++) {
            expected[i] = (byte) (stage1[i] ^ salted[i]);
        }

        assertThat(Scrambles.cachingSha2(SECRET, SEED)).isEqualTo(expected);
    }

    @Test
    void nativePasswordMatchesWhatConnectorJSentToMariaDb() {
        Fixtures conversation = Fixtures.load("mysql-connector-j-9.1-native.hex");
        byte[] seed = conversation.greetingScramble("greeting");
        byte[] sent = Arrays.copyOfRange(conversation.payload("response"), 32 + 4 + 1, 32 + 4 + 1 + 20);

        assertThat(Scrambles.nativePassword(SECRET, seed)).isEqualTo(sent);
        assertThat(Scrambles.nativePassword("pw2".getBytes(StandardCharsets.UTF_8), seed))
                .isEqualTo(conversation.payload("change-user-switch-response"));
    }

    @Test
    void cachingSha2MatchesWhatConnectorJSent() {
        Fixtures conversation = Fixtures.load("mysql-connector-j-9.1-caching-sha2.hex");
        byte[] seed = conversation.greetingScramble("greeting");
        byte[] sent = Arrays.copyOfRange(conversation.payload("response"), 32 + 4 + 1, 32 + 4 + 1 + 32);

        assertThat(Scrambles.cachingSha2(SECRET, seed)).isEqualTo(sent);
        assertThat(Scrambles.nativePassword(SECRET, seed)).isEqualTo(conversation.payload("switch-response"));
    }

    @Test
    void nativePasswordMatchesMariaDbConnectorJ() {
        Fixtures conversation = Fixtures.load("mariadb-connector-j-3.5.hex");
        byte[] seed = conversation.greetingScramble("greeting");
        byte[] sent = Arrays.copyOfRange(conversation.payload("response"), 32 + 4 + 1, 32 + 4 + 1 + 20);

        assertThat(Scrambles.nativePassword(SECRET, seed)).isEqualTo(sent);
    }

    @Test
    void nativePasswordHashIsWhatMariaDbsPasswordFunctionReturns() {
        // SELECT PASSWORD('secret') on MariaDB 11.4.5
        assertThat(HexFormat.of().withUpperCase().formatHex(Scrambles.nativePasswordHash(SECRET)))
                .isEqualTo("14E65567ABDB5135D0CFD9A70B3032C179A49EE7");
    }

    @Test
    void emptyPasswordsScrambleToNothing() {
        assertThat(Scrambles.nativePassword(new byte[0], SEED)).isEmpty();
        assertThat(Scrambles.cachingSha2(new byte[0], SEED)).isEmpty();
        assertThat(Scrambles.verifyNative(new byte[0], SEED, new byte[0])).isTrue();
        assertThat(Scrambles.verifyCachingSha2(new byte[0], SEED, new byte[0])).isTrue();
    }

    @Test
    void verifiesResponsesAgainstPasswords() {
        byte[] nativeResponse = Scrambles.nativePassword(SECRET, SEED);
        byte[] sha2Response = Scrambles.cachingSha2(SECRET, SEED);
        byte[] wrong = "Secret".getBytes(StandardCharsets.UTF_8);

        assertThat(Scrambles.verifyNative(SECRET, SEED, nativeResponse)).isTrue();
        assertThat(Scrambles.verifyNative(wrong, SEED, nativeResponse)).isFalse();
        assertThat(Scrambles.verifyNative(SECRET, "x".repeat(20).getBytes(StandardCharsets.US_ASCII), nativeResponse))
                .isFalse();
        assertThat(Scrambles.verifyNative(new byte[0], SEED, nativeResponse)).isFalse();
        assertThat(Scrambles.verifyCachingSha2(SECRET, SEED, sha2Response)).isTrue();
        assertThat(Scrambles.verifyCachingSha2(wrong, SEED, sha2Response)).isFalse();
        assertThat(Scrambles.verifyCachingSha2(SECRET, SEED, nativeResponse)).isFalse();
    }

    @Test
    void verifiesResponsesAgainstStoredHashesAsAServerDoes() {
        byte[] nativeHash = Scrambles.nativePasswordHash(SECRET);
        byte[] sha2Hash = Scrambles.cachingSha2Hash(SECRET);

        assertThat(Scrambles.verifyNativeHash(nativeHash, SEED, Scrambles.nativePassword(SECRET, SEED)))
                .isTrue();
        assertThat(Scrambles.verifyNativeHash(
                        nativeHash, SEED, Scrambles.nativePassword("x".getBytes(StandardCharsets.UTF_8), SEED)))
                .isFalse();
        assertThat(Scrambles.verifyNativeHash(nativeHash, SEED, new byte[0])).isFalse();
        assertThat(Scrambles.verifyNativeHash(new byte[0], SEED, new byte[0])).isTrue();
        assertThat(Scrambles.verifyCachingSha2Hash(sha2Hash, SEED, Scrambles.cachingSha2(SECRET, SEED)))
                .isTrue();
        assertThat(Scrambles.verifyCachingSha2Hash(sha2Hash, SEED, Scrambles.cachingSha2(SECRET, new byte[20])))
                .isFalse();
        assertThat(Scrambles.verifyCachingSha2Hash(sha2Hash, SEED, new byte[31]))
                .isFalse();
    }

    @Test
    void newSeedsAreTwentyPrintableBytesWithoutNulOrDollar() {
        SecureRandom random = new SecureRandom();
        byte[][] seeds = new byte[200][];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = Scrambles.newSeed(random);
            assertThat(seeds[i]).hasSize(20);
            for (byte b : seeds[i]) {
                assertThat(b).isBetween((byte) 0x21, (byte) 0x7E).isNotEqualTo((byte) '$');
            }
        }
        assertThat(seeds[0]).isNotEqualTo(seeds[1]);
    }

    @Test
    void newSeedsDrawEveryAllowedCharacterAndFewRandomCalls() {
        int[] calls = new int[1];
        SecureRandom counting = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                calls[0]++;
                super.nextBytes(bytes);
            }
        };
        boolean[] seen = new boolean[128];
        int seeds = 2_000;
        for (int i = 0; i < seeds; i++) {
            for (byte b : Scrambles.newSeed(counting)) {
                seen[b] = true;
            }
        }
        for (int c = 0x21; c <= 0x7E; c++) {
            assertThat(seen[c]).as("character 0x%02x", c).isEqualTo(c != '$');
        }
        assertThat(calls[0]).isLessThan(seeds * 11 / 10);
    }

    @Test
    void rsaEncryptedPasswordIsThePasswordWithNulXoredWithTheSeedUnderOaep() throws Exception {
        byte[] encrypted = Scrambles.rsaEncryptPassword(SECRET, SEED, keys.getPublic());

        Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
        cipher.init(Cipher.DECRYPT_MODE, keys.getPrivate());
        byte[] plain = cipher.doFinal(encrypted);
        for (int i = 0; i < plain.length; i++) {
            plain[i] ^= SEED[i % SEED.length];
        }
        assertThat(plain).isEqualTo("secret\0".getBytes(StandardCharsets.UTF_8));
        assertThat(Scrambles.rsaDecryptPassword(encrypted, SEED, keys.getPrivate()))
                .isEqualTo(SECRET);
    }

    @Test
    void theSeedIsCycledForPasswordsLongerThanIt() {
        byte[] longPassword = "a-password-of-more-than-twenty-bytes".getBytes(StandardCharsets.UTF_8);

        byte[] encrypted = Scrambles.rsaEncryptPassword(longPassword, SEED, keys.getPublic());

        assertThat(Scrambles.rsaDecryptPassword(encrypted, SEED, keys.getPrivate()))
                .isEqualTo(longPassword);
        assertThatThrownBy(() -> Scrambles.rsaDecryptPassword(encrypted, new byte[20], keys.getPrivate()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesThePemItFormats() {
        String pem = Scrambles.toPem(keys.getPublic());
        PublicKey parsed = Scrambles.parsePemPublicKey(pem);

        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        assertThat(parsed.getEncoded()).isEqualTo(keys.getPublic().getEncoded());
        assertThatThrownBy(() -> Scrambles.parsePemPublicKey(
                        "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> Scrambles.parsePemPublicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
