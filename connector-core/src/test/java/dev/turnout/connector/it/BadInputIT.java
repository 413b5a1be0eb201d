package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.constant.Command;
import dev.turnout.testkit.RawClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Bad input gets a clear answer": malformed, out-of-order and oversized packets from a raw
 * socket get one ERR and a closed connection, while a session opened before (through a driver)
 * and new sessions carry on.
 */
@Timeout(60)
class BadInputIT {

    private static final long MAX_ALLOWED_PACKET = 1024 * 1024;
    private static final Duration PROMPTLY = Duration.ofSeconds(3);

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    @RegisterExtension
    static final ConnectorExtension smallPackets = new ConnectorExtension("connector-max-allowed-packet=1M");

    @RegisterExtension
    static final OtherSessionsCarryOn carryOn = new OtherSessionsCarryOn(turnout, smallPackets);

    @ParameterizedTest
    @ValueSource(
            strings = {
                // too short for the capability flags
                "0102",
                // 32 zero bytes: no CLIENT_PROTOCOL_41
                "0000000000000000000000000000000000000000000000000000000000000000",
                // protocol 4.1, max packet, charset, filler, then a user name without its NUL terminator
                "85a2bf01000000012d0000000000000000000000000000000000000000000000617070",
                // protocol 4.1 with lenenc auth data whose length runs past the end of the packet
                "85a2bf01000000012d000000000000000000000000000000000000000000000061707000fc1000"
            })
    void aGarbageHandshakeResponseGetsBadHandshakeAndIsClosed(String hex) throws Exception {
        try (RawClient client = RawClient.connect(turnout.port())) {
            client.writePacket(1, HexFormat.of().parseHex(hex));

            RawClient.Packet answer = client.readPacket();
            assertErr(answer, 1043, "08S01");
            assertThat(answer.sequenceId()).isEqualTo(2);
            assertThat(answer.err().message()).startsWith("Bad handshake");
            assertThat(client.awaitClosedByPeer(PROMPTLY))
                    .as("closed by the connector")
                    .isTrue();
        }
    }

    @Test
    void aCommandWithAWrongSequenceIdGetsOutOfOrderAndIsClosed() throws Exception {
        try (RawClient client = RawClient.connect(turnout.port())) {
            RawClient.Packet ok = client.login(
                    turnout.cluster().appUser(), turnout.cluster().appPassword(), AuthPlugins.MYSQL_NATIVE_PASSWORD);
            assertThat(ok.firstByte()).isZero();
            long backendThread = client.queryLong("select connection_id()");

            client.writePacket(1, comQuery("select 1"));

            RawClient.Packet answer = client.readPacket();
            assertErr(answer, 1156, "08S01");
            assertThat(answer.sequenceId()).isEqualTo(2);
            assertThat(client.awaitClosedByPeer(PROMPTLY))
                    .as("closed by the connector")
                    .isTrue();
            assertThat(PrimaryThreads.awaitGone(turnout.cluster().primary(), backendThread, Duration.ofSeconds(5)))
                    .as("the session's backend connection is closed")
                    .isTrue();
        }
    }

    @Test
    void aCommandLargerThanTheMaxAllowedPacketGetsPacketTooLargeAndIsClosed() throws Exception {
        try (RawClient client = RawClient.connect(smallPackets.port())) {
            RawClient.Packet ok = client.login(
                    turnout.cluster().appUser(), turnout.cluster().appPassword(), AuthPlugins.MYSQL_NATIVE_PASSWORD);
            assertThat(ok.firstByte()).isZero();
            // Below the limit, a large command is forwarded: the limit is the configured one.
            int allowed = (int) MAX_ALLOWED_PACKET - 1024;
            assertThat(client.queryLong("select length('" + "x".repeat(allowed) + "')"))
                    .isEqualTo(allowed);
            long backendThread = client.queryLong("select connection_id()");

            byte[] twoMebibytes = new byte[2 * 1024 * 1024];
            Arrays.fill(twoMebibytes, (byte) 'x');
            twoMebibytes[0] = (byte) Command.COM_QUERY;
            client.writePacket(0, twoMebibytes);

            RawClient.Packet answer = client.readPacket();
            assertErr(answer, 1153, "08S01");
            assertThat(answer.sequenceId()).isEqualTo(1);
            assertThat(client.awaitClosedByPeer(PROMPTLY))
                    .as("closed by the connector")
                    .isTrue();
            assertThat(PrimaryThreads.awaitGone(turnout.cluster().primary(), backendThread, Duration.ofSeconds(5)))
                    .as("the session's backend connection is closed")
                    .isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0xFFFFFF, 0x800000, 64 * 1024 + 1})
    void aHugeDeclaredLengthInTheHandshakeIsRefusedWithoutWaitingForThePayload(int declaredLength) throws Exception {
        try (RawClient client = RawClient.connect(turnout.port())) {
            // The header promises a payload that never comes; only a few bytes of it are sent.
            byte[] header = {(byte) declaredLength, (byte) (declaredLength >>> 8), (byte) (declaredLength >>> 16), 1};
            client.writeRaw(header);
            client.writeRaw(new byte[100]);

            long start = System.nanoTime();
            RawClient.Packet answer = client.readPacket();
            assertErr(answer, 1043, "08S01");
            assertThat(answer.sequenceId()).isEqualTo(2);
            assertThat(client.awaitClosedByPeer(PROMPTLY))
                    .as("closed by the connector")
                    .isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);
        }
    }

    private static void assertErr(RawClient.Packet packet, int code, String sqlState) {
        assertThat(packet.isErr())
                .as("an ERR packet, not 0x%02x", packet.firstByte())
                .isTrue();
        RawClient.Err err = packet.err();
        assertThat(err.errorCode()).as("error code of %s", err).isEqualTo(code);
        assertThat(err.sqlState()).as("SQLSTATE of %s", err).isEqualTo(sqlState);
    }

    private static byte[] comQuery(String sql) {
        byte[] text = sql.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] payload = new byte[text.length + 1];
        payload[0] = (byte) Command.COM_QUERY;
        System.arraycopy(text, 0, payload, 1, text.length);
        return payload;
    }
}
