package dev.turnout.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NativePasswordTest {

    private static final byte[] SECRET = "s3cret-pw".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CLIENT_SEED = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BACKEND_SEED = "ABCDEFGHIJ9876543210".getBytes(StandardCharsets.US_ASCII);

    @Test
    void parsesTheStoredFormOfPassword() throws Exception {
        // PASSWORD('s3cret-pw') as MariaDB prints it: '*' and the upper-case hex of SHA1(SHA1(pw)).
        String stored = "*" + HexFormat.of().withUpperCase().formatHex(Scrambles.nativePasswordHash(SECRET));

        assertThat(NativePassword.parseStoredHash(stored)).isEqualTo(Scrambles.nativePasswordHash(SECRET));
        assertThat(NativePassword.parseStoredHash(stored.toLowerCase(java.util.Locale.ROOT)))
                .isEqualTo(Scrambles.nativePasswordHash(SECRET));
        assertThat(NativePassword.parseStoredHash("")).isEmpty();
        assertThat(NativePassword.parseStoredHash("$A$005$abc")).isNull(); // caching_sha2_password
        assertThat(NativePassword.parseStoredHash("*" + "Z".repeat(40))).isNull();
        assertThat(NativePassword.parseStoredHash(stored.substring(1))).isNull();
    }

    @Test
    void recoversStageOneFromTheClientsAnswerAndTheStoredHash() throws Exception {
        byte[] stored = Scrambles.nativePasswordHash(SECRET);
        byte[] answer = Scrambles.nativePassword(SECRET, CLIENT_SEED);

        byte[] stage1 = NativePassword.recoverStage1(stored, CLIENT_SEED, answer);

        assertThat(stage1).isEqualTo(MessageDigest.getInstance("SHA-1").digest(SECRET));
        assertThat(stage1).isEqualTo(NativePassword.stage1(SECRET));
    }

    @Test
    void stageOneAnswersAnotherServersSeedAsThePasswordWould() {
        byte[] stage1 = NativePassword.recoverStage1(
                Scrambles.nativePasswordHash(SECRET), CLIENT_SEED, Scrambles.nativePassword(SECRET, CLIENT_SEED));

        assertThat(NativePassword.scrambleFromStage1(stage1, BACKEND_SEED))
                .isEqualTo(Scrambles.nativePassword(SECRET, BACKEND_SEED));
        assertThat(Scrambles.verifyNativeHash(
                        Scrambles.nativePasswordHash(SECRET),
                        BACKEND_SEED,
                        NativePassword.scrambleFromStage1(stage1, BACKEND_SEED)))
                .isTrue();
    }

    @Test
    void aWrongAnswerRecoversNothing() {
        byte[] stored = Scrambles.nativePasswordHash(SECRET);
        byte[] wrong = Scrambles.nativePassword("other".getBytes(StandardCharsets.UTF_8), CLIENT_SEED);

        assertThat(NativePassword.recoverStage1(stored, CLIENT_SEED, wrong)).isNull();
        assertThat(NativePassword.recoverStage1(stored, BACKEND_SEED, Scrambles.nativePassword(SECRET, CLIENT_SEED)))
                .isNull();
        assertThat(NativePassword.recoverStage1(stored, CLIENT_SEED, new byte[0]))
                .isNull();
        assertThat(NativePassword.recoverStage1(stored, CLIENT_SEED, new byte[19]))
                .isNull();
    }

    @Test
    void anAccountWithoutPasswordTakesOnlyAnEmptyAnswer() {
        assertThat(NativePassword.recoverStage1(new byte[0], CLIENT_SEED, new byte[0]))
                .isEmpty();
        assertThat(NativePassword.recoverStage1(
                        new byte[0], CLIENT_SEED, Scrambles.nativePassword(SECRET, CLIENT_SEED)))
                .isNull();
        assertThat(NativePassword.scrambleFromStage1(new byte[0], BACKEND_SEED)).isEmpty();
    }

    @Test
    void aClearPasswordIsVerifiedAgainstTheStoredHash() {
        byte[] stored = Scrambles.nativePasswordHash(SECRET);

        assertThat(NativePassword.stage1OfClear(stored, SECRET)).isEqualTo(NativePassword.stage1(SECRET));
        assertThat(NativePassword.stage1OfClear(stored, "nope".getBytes(StandardCharsets.UTF_8)))
                .isNull();
    }
}
