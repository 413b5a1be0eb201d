package dev.turnout.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Every record decoder of {@code dev.turnout.protocol.message} against arbitrary bytes: only
 * {@code MalformedPacketException} may escape, and whatever decodes survives a re-encode and a
 * second decode unchanged ({@link RoundTrip}). The input of the decoders that take capabilities
 * starts with one selector byte whose bits pick the capability flags that change their layout;
 * the rest is the payload. Seeds: the captured packets of {@code src/test/resources/message}.
 * The bodies are in {@link DecoderRoundTrips}.
 */
class MessageDecodersFuzzTest {

    /** Time budget of one fuzzing run (JAZZER_FUZZ set); regression runs take the seeds only. */
    static final String MAX_DURATION = "90s";

    @FuzzTest(maxDuration = MAX_DURATION)
    void handshakeV10(byte[] payload) {
        DecoderRoundTrips.handshakeV10(payload);
    }

    @FuzzTest(maxDuration = MAX_DURATION)
    void handshakeResponse41(byte[] payload) {
        DecoderRoundTrips.handshakeResponse41(payload);
    }

    @FuzzTest(maxDuration = MAX_DURATION)
    void sslRequest(byte[] payload) {
        DecoderRoundTrips.sslRequest(payload);
    }

    @FuzzTest(maxDuration = MAX_DURATION)
    void comChangeUser(byte[] data) {
        DecoderRoundTrips.comChangeUser(data);
    }

    @FuzzTest(maxDuration = MAX_DURATION)
    void okPacket(byte[] data) {
        DecoderRoundTrips.okPacket(data);
    }

    @FuzzTest(maxDuration = MAX_DURATION)
    void errPacket(byte[] data) {
        DecoderRoundTrips.errPacket(data);
    }

    @FuzzTest(maxDuration = MAX_DURATION)
    void authSwitchRequest(byte[] payload) {
        DecoderRoundTrips.authSwitchRequest(payload);
    }

    @FuzzTest(maxDuration = MAX_DURATION)
    void authMoreData(byte[] payload) {
        DecoderRoundTrips.authMoreData(payload);
    }
}
