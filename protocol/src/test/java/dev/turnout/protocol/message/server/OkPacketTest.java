package dev.turnout.protocol.message.server;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_DEPRECATE_EOF;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SESSION_TRACK;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_TRANSACTIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.message.Fixtures;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OkPacketTest {

    private static final long CONNECTOR_J = 0x013E_A20EL; // no CLIENT_SESSION_TRACK
    private static final long TRACKING = CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS | CLIENT_SESSION_TRACK;
    private static final Fixtures NATIVE = Fixtures.load("mysql-connector-j-9.1-native.hex");
    private static final Fixtures MARIADB_J = Fixtures.load("mariadb-connector-j-3.5.hex");
    private static final Fixtures TEXT = Fixtures.load("mariadb-11.4-text-protocol.hex");

    static Stream<Arguments> capturedOkPackets() {
        return Stream.of(
                Arguments.of(NATIVE, "ok", CONNECTOR_J),
                Arguments.of(NATIVE, "ok-eof", CONNECTOR_J),
                Arguments.of(NATIVE, "ok-insert", CONNECTOR_J),
                Arguments.of(MARIADB_J, "ok", 0x01BE_A38AL),
                Arguments.of(MARIADB_J, "ok-insert", 0x01BE_A38AL),
                Arguments.of(TEXT, "ok-auth", TRACKING),
                Arguments.of(TEXT, "ok-track-vars", TRACKING),
                Arguments.of(TEXT, "ok-use", TRACKING),
                Arguments.of(TEXT, "ok-autocommit", TRACKING));
    }

    @Test
    void decodesTheOkOfAnInsertWithItsInfo() {
        OkPacket ok = Fixtures.decode(NATIVE.payload("ok-insert"), (ByteBuf p) -> OkPacket.decode(p, CONNECTOR_J));

        assertThat(ok)
                .isEqualTo(new OkPacket(2, 4, ServerStatus.AUTOCOMMIT, 0, "Records: 2  Duplicates: 0  Warnings: 0"));
    }

    @Test
    void decodesTheOkWithAn0xFeHeaderThatEndsAResultSetUnderDeprecateEof() {
        OkPacket ok = Fixtures.decode(
                NATIVE.payload("ok-eof"), (ByteBuf p) -> OkPacket.decode(p, CONNECTOR_J | CLIENT_DEPRECATE_EOF));

        assertThat(ok).isEqualTo(new OkPacket(0, 0, ServerStatus.AUTOCOMMIT, 0, ""));
    }

    @Test
    void skipsSessionStateAfterTheInfoAndConsumesThePacket() {
        byte[] payload = TEXT.payload("ok-autocommit");
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        try {
            OkPacket ok = OkPacket.decode(buf, TRACKING);

            assertThat(ok.statusFlags()).isEqualTo(ServerStatus.SESSION_STATE_CHANGED);
            assertThat(ok.info()).isEmpty();
            assertThat(buf.isReadable()).isFalse();
        } finally {
            buf.release();
        }
    }

    @Test
    void readsMariaDbsCertificateHashInfoBeforeTheTrackedSchema() {
        OkPacket ok = Fixtures.decode(MARIADB_J.payload("ok"), (ByteBuf p) -> OkPacket.decode(p, 0x01BE_A38AL));

        assertThat(ok.statusFlags()).isEqualTo(ServerStatus.AUTOCOMMIT | ServerStatus.SESSION_STATE_CHANGED);
        assertThat(ok.info()).startsWith("\u0001").hasSize(65);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("capturedOkPackets")
    void statusFlagsViewAgreesWithTheDecodedRecord(Fixtures fixtures, String label, long capabilities) {
        OkPacket ok = Fixtures.decode(fixtures.payload(label), (ByteBuf p) -> OkPacket.decode(p, capabilities));
        ByteBuf frame = Unpooled.wrappedBuffer(fixtures.frame(label));
        try {
            int readerIndex = frame.readerIndex();
            assertThat(OkPacket.statusFlags(frame, capabilities)).isEqualTo(ok.statusFlags());
            assertThat(frame.readerIndex()).isEqualTo(readerIndex);
        } finally {
            frame.release();
        }
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("capturedOkPackets")
    void decodesTheSameFromOneByteComponents(Fixtures fixtures, String label, long capabilities) {
        byte[] payload = fixtures.payload(label);

        assertThat(Fixtures.decodeByteByByte(payload, (ByteBuf p) -> OkPacket.decode(p, capabilities)))
                .isEqualTo(Fixtures.decode(payload, (ByteBuf p) -> OkPacket.decode(p, capabilities)));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("capturedOkPackets")
    void everyTruncationDecodesOrIsMalformed(Fixtures fixtures, String label, long capabilities) {
        byte[] payload = fixtures.payload(label);
        for (int length = 0; length < payload.length; length++) {
            byte[] prefix = Arrays.copyOf(payload, length);
            try {
                Fixtures.decode(prefix, (ByteBuf p) -> OkPacket.decode(p, capabilities));
            } catch (MalformedPacketException expected) {
                assertThat(expected).hasMessageContaining("OK packet");
            }
        }
        assertThat(payload).isNotEmpty();
    }

    @Test
    void reEncodesCapturedPacketsWithoutSessionStateByteForByte() {
        for (String label : new String[] {"ok", "ok-insert"}) {
            byte[] payload = NATIVE.payload(label);
            OkPacket ok = Fixtures.decode(payload, (ByteBuf p) -> OkPacket.decode(p, CONNECTOR_J));

            assertThat(Fixtures.encode(out -> ok.encode(out, CONNECTOR_J)))
                    .as(label)
                    .isEqualTo(payload);
        }
    }

    @Test
    void roundTripsUnderEveryCapabilityCombination() {
        OkPacket[] packets = {
            new OkPacket(0, 0, 0, 0, ""),
            new OkPacket(-1, Long.MAX_VALUE, 0xFFFF, 0xFFFF, "x".repeat(300)),
            new OkPacket(251, 65536, ServerStatus.SESSION_STATE_CHANGED | ServerStatus.IN_TRANS, 3, ""),
            new OkPacket(1, 2, ServerStatus.SESSION_STATE_CHANGED, 0, "info"),
        };
        long[] capabilities = {CLIENT_PROTOCOL_41, TRACKING, CLIENT_PROTOCOL_41 | CLIENT_SESSION_TRACK};
        for (OkPacket ok : packets) {
            for (long caps : capabilities) {
                byte[] encoded = Fixtures.encode(out -> ok.encode(out, caps));

                assertThat(Fixtures.decode(encoded, (ByteBuf p) -> OkPacket.decode(p, caps)))
                        .isEqualTo(ok);
            }
        }
    }

    @Test
    void withoutProtocol41CarriesStatusOnlyWithTransactions() {
        OkPacket ok = new OkPacket(1, 0, ServerStatus.AUTOCOMMIT, 7, "");

        assertThat(Fixtures.decode(
                        Fixtures.encode(out -> ok.encode(out, CLIENT_TRANSACTIONS)),
                        (ByteBuf p) -> OkPacket.decode(p, CLIENT_TRANSACTIONS)))
                .isEqualTo(new OkPacket(1, 0, ServerStatus.AUTOCOMMIT, 0, ""));
        assertThat(Fixtures.decode(Fixtures.encode(out -> ok.encode(out, 0)), (ByteBuf p) -> OkPacket.decode(p, 0)))
                .isEqualTo(new OkPacket(1, 0, 0, 0, ""));
    }

    @Test
    void rejectsOtherHeadersAndOversizedSessionState() {
        assertThatThrownBy(() ->
                        Fixtures.decode(new byte[] {(byte) 0xFF, 0, 0}, (ByteBuf p) -> OkPacket.decode(p, TRACKING)))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining("expected an OK packet");
        byte[] lying = {0, 0, 0, 0, 0x40, 0, 0, 0, 0x20, 1};
        assertThatThrownBy(() -> Fixtures.decode(lying, (ByteBuf p) -> OkPacket.decode(p, TRACKING)))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining("session state");
    }

    @Test
    void statusFlagsViewRejectsATruncatedFrame() {
        ByteBuf frame = Unpooled.buffer();
        try {
            Packets.writeHeader(frame, 3, 1);
            frame.writeBytes(new byte[] {0, (byte) 0xFC, 1});

            assertThatThrownBy(() -> OkPacket.statusFlags(frame, TRACKING))
                    .isInstanceOf(MalformedPacketException.class);
        } finally {
            frame.release();
        }
    }

    @Test
    void validatesItsComponents() {
        assertThatThrownBy(() -> new OkPacket(0, 0, 0x10000, 0, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OkPacket(0, 0, 0, -1, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OkPacket(0, 0, 0, 0, null)).isInstanceOf(NullPointerException.class);
    }
}
