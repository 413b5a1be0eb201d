package dev.turnout.protocol.message.server;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.message.Fixtures;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ErrAndEofPacketTest {

    private static final Fixtures DENIED = Fixtures.load("mysql-connector-j-9.1-access-denied.hex");
    private static final Fixtures TEXT = Fixtures.load("mariadb-11.4-text-protocol.hex");
    private static final Fixtures NATIVE = Fixtures.load("mysql-connector-j-9.1-native.hex");

    @Test
    void decodesAccessDeniedDuringTheHandshake() {
        ErrPacket err = Fixtures.decode(DENIED.payload("err"), (ByteBuf p) -> ErrPacket.decode(p, 0));

        assertThat(err)
                .isEqualTo(
                        new ErrPacket(1045, "28000", "Access denied for user 'app'@'localhost' (using password: YES)"));
    }

    @Test
    void decodesASyntaxErrorAndReEncodesItByteForByte() {
        byte[] payload = TEXT.payload("err-syntax");
        ErrPacket err = Fixtures.decode(payload, (ByteBuf p) -> ErrPacket.decode(p, CLIENT_PROTOCOL_41));

        assertThat(err.errorCode()).isEqualTo(1064);
        assertThat(err.sqlState()).isEqualTo("42000");
        assertThat(err.message())
                .startsWith("You have an error in your SQL syntax")
                .contains("'SELEKT 1'");
        assertThat(Fixtures.encode(err::encode)).isEqualTo(payload);
        assertThat(Fixtures.decodeByteByByte(payload, (ByteBuf p) -> ErrPacket.decode(p, CLIENT_PROTOCOL_41)))
                .isEqualTo(err);
    }

    @Test
    void errorCodeViewReadsTheFrameWithoutMovingIt() {
        ByteBuf frame = Unpooled.wrappedBuffer(DENIED.frame("err"));
        try {
            assertThat(ErrPacket.errorCode(frame)).isEqualTo(1045);
            assertThat(frame.readerIndex()).isZero();
        } finally {
            frame.release();
        }
    }

    @Test
    void errorCodeViewRejectsAnOkFrame() {
        ByteBuf frame = Unpooled.wrappedBuffer(NATIVE.frame("ok-insert"));
        try {
            assertThatThrownBy(() -> ErrPacket.errorCode(frame)).isInstanceOf(MalformedPacketException.class);
        } finally {
            frame.release();
        }
    }

    @Test
    void aMessageWithoutSqlStateMarkerGetsTheGeneralState() {
        byte[] payload = {(byte) 0xFF, 0x10, 0x04, 'T', 'o', 'o', ' ', 'm', 'a', 'n', 'y'};

        assertThat(Fixtures.decode(payload, (ByteBuf p) -> ErrPacket.decode(p, 0)))
                .isEqualTo(new ErrPacket(1040, "HY000", "Too many"));
    }

    @Test
    void encodesTheFormWithoutSqlStateThatAServerSendsInPlaceOfItsGreeting() {
        // As a server refusing a connection (1040 too many connections): no capabilities are known yet.
        byte[] payload = {(byte) 0xFF, 0x10, 0x04, 'T', 'o', 'o', ' ', 'm', 'a', 'n', 'y'};
        ErrPacket err = new ErrPacket(1040, "08004", "Too many");

        assertThat(Fixtures.encode(out -> err.encode(out, 0))).isEqualTo(payload);
        assertThat(Fixtures.encode(out -> err.encode(out, CLIENT_PROTOCOL_41)))
                .isEqualTo(Fixtures.encode(err::encode))
                .startsWith(new byte[] {(byte) 0xFF, 0x10, 0x04, '#', '0', '8', '0', '0', '4', 'T'});
    }

    @Test
    void roundTripsAnyValidErr() {
        ErrPacket err = new ErrPacket(9001, "08S01", "Turnout: no primary available – ünïcode");

        assertThat(Fixtures.decode(
                        Fixtures.encode(err::encode), (ByteBuf p) -> ErrPacket.decode(p, CLIENT_PROTOCOL_41)))
                .isEqualTo(err);
    }

    @Test
    void refusesProgressReportsTruncationsAndOtherHeaders() {
        assertThatThrownBy(() -> Fixtures.decode(
                        new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1}, (ByteBuf p) -> ErrPacket.decode(p, 0)))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining("progress");
        assertThatThrownBy(() -> Fixtures.decode(new byte[] {0, 0, 0}, (ByteBuf p) -> ErrPacket.decode(p, 0)))
                .isInstanceOf(MalformedPacketException.class);
        byte[] payload = TEXT.payload("err-syntax");
        for (int length = 0; length < 3; length++) {
            byte[] prefix = Arrays.copyOf(payload, length);
            assertThatThrownBy(() -> Fixtures.decode(prefix, (ByteBuf p) -> ErrPacket.decode(p, CLIENT_PROTOCOL_41)))
                    .isInstanceOf(MalformedPacketException.class);
        }
    }

    @Test
    void requiresAFiveCharacterSqlState() {
        assertThatThrownBy(() -> new ErrPacket(1, "4200", "m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErrPacket(1, "420000", "m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErrPacket(1, "42 00", "m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErrPacket(70000, "42000", "m")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recognisesRealEofPacketsAndReadsTheirStatus() {
        ByteBuf eof = Unpooled.wrappedBuffer(TEXT.frame("eof"));
        ByteBuf more = Unpooled.wrappedBuffer(TEXT.frame("eof-more-results"));
        try {
            assertThat(EofPacket.isEof(eof)).isTrue();
            assertThat(EofPacket.statusFlags(eof)).isEqualTo(ServerStatus.AUTOCOMMIT);
            assertThat(EofPacket.warnings(eof)).isZero();
            assertThat(EofPacket.statusFlags(more)).isEqualTo(ServerStatus.IN_TRANS | ServerStatus.MORE_RESULTS_EXISTS);
        } finally {
            eof.release();
            more.release();
        }
    }

    @Test
    void theOkThatReplacesEofPassesTheEofTestButAnOrdinaryOkDoesNot() {
        ByteBuf okEof = Unpooled.wrappedBuffer(NATIVE.frame("ok-eof"));
        ByteBuf ok = Unpooled.wrappedBuffer(NATIVE.frame("ok-insert"));
        try {
            assertThat(EofPacket.isEof(okEof)).isTrue();
            assertThat(EofPacket.isEof(ok)).isFalse();
        } finally {
            okEof.release();
            ok.release();
        }
    }

    @Test
    void aLengthEncodedRowStartingWith0xFeIsNotEof() {
        ByteBuf row = Unpooled.buffer();
        try {
            Packets.writeHeader(row, 9, 3);
            row.writeByte(0xFE).writeLongLE(1);

            assertThat(EofPacket.isEof(row)).isFalse();
        } finally {
            row.release();
        }
    }

    @Test
    void encodesAnEofIdenticalToTheServers() {
        assertThat(Fixtures.encode(
                        out -> EofPacket.encode(out, 0, ServerStatus.IN_TRANS | ServerStatus.MORE_RESULTS_EXISTS)))
                .isEqualTo(TEXT.payload("eof-more-results"));
    }
}
