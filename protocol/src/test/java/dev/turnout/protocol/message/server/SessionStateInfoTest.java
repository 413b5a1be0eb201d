package dev.turnout.protocol.message.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.message.Fixtures;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class SessionStateInfoTest {

    private static final Fixtures TEXT = Fixtures.load("mariadb-11.4-text-protocol.hex");

    /** OK of an INSERT with session_track_system_variables=last_gtid (MariaDB): 1 row, last_gtid 0-1-42. */
    private static final String MARIADB_LAST_GTID =
            "1c000001 00 01 00 0240 0000 00 13 00 11 09 6c6173745f67746964 06 302d312d3432";
    /** OK of an INSERT with session_track_gtids=OWN_GTID (MySQL): an encoding byte, then the GTID text. */
    private static final String MYSQL_OWN_GTID = "34000001 00 01 00 0240 0000 00 2b 03 29 00 27"
            + " 33453131464134372d373143412d313143312d394532432d3332414132344631423237413a3233";

    private static ByteBuf frame(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    @Test
    void readsMariaDbLastGtidFromTrackedSystemVariable() {
        ByteBuf ok = frame(MARIADB_LAST_GTID);
        assertThat(SessionStateInfo.trackedGtid(ok)).isEqualTo("0-1-42");
        assertThat(ok.readerIndex()).isZero();
    }

    @Test
    void readsMySqlOwnGtidFromGtidTracker() {
        ByteBuf ok = frame(MYSQL_OWN_GTID);
        assertThat(SessionStateInfo.trackedGtid(ok)).isEqualTo("3E11FA47-71CA-11C1-9E2C-32AA24F1B27A:23");
    }

    @Test
    void findsNoGtidWhenTheStateCarriesOnlySchemaAndOtherVariables() {
        assertThat(SessionStateInfo.trackedGtid(Unpooled.wrappedBuffer(TEXT.frame("ok-use"))))
                .isNull();
        assertThat(SessionStateInfo.trackedGtid(Unpooled.wrappedBuffer(TEXT.frame("ok-track-vars"))))
                .isNull();
        assertThat(SessionStateInfo.trackedGtid(frame("07000001 00 00 00 0200 0000")))
                .isNull();
    }

    @Test
    void stripsTheStateBlockInPlaceForClientsWithoutSessionTracking() {
        ByteBuf ok = frame(MARIADB_LAST_GTID);
        assertThat(SessionStateInfo.strip(ok)).isTrue();
        assertThat(Packets.payloadLength(ok)).isEqualTo(8);
        assertThat(ok.readableBytes()).isEqualTo(Packets.HEADER_SIZE + 8);
        int status = OkPacket.statusFlags(ok, dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41);
        assertThat(status).isEqualTo(ServerStatus.AUTOCOMMIT);
        OkPacket decoded = OkPacket.decode(
                ok.slice(Packets.payloadIndex(ok), Packets.payloadLength(ok)),
                dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41);
        assertThat(decoded.affectedRows()).isEqualTo(1);
        assertThat(decoded.info()).isEmpty();
        assertThat(SessionStateInfo.strip(ok)).as("nothing left to strip").isFalse();
    }

    @Test
    void leavesAnOkWithoutStateAlone() {
        ByteBuf ok = frame("07000001 00 00 00 0200 0000");
        assertThat(SessionStateInfo.strip(ok)).isFalse();
        assertThat(ok.readableBytes()).isEqualTo(11);
    }

    @Test
    void anEntryCutBeforeItsLengthIsMalformedNotAnIndexError() {
        // Found by DecodersRejectGarbageTest: a state-change entry (type 2) whose data length is missing.
        ByteBuf ok = frame("0a000001 00 00 00 0240 0000 00 03 02");
        try {
            assertThatThrownBy(() -> SessionStateInfo.trackedGtid(ok))
                    .isExactlyInstanceOf(MalformedPacketException.class)
                    .hasMessageContaining("session state entry");
        } finally {
            ok.release();
        }
    }

    @Test
    void aVariableNameOverrunningItsEntryIsMalformed() {
        ByteBuf ok = frame(MARIADB_LAST_GTID.replace(" 11 09 ", " 11 7f "));
        try {
            assertThatThrownBy(() -> SessionStateInfo.trackedGtid(ok))
                    .isExactlyInstanceOf(MalformedPacketException.class)
                    .hasMessageContaining("overruns its entry");
        } finally {
            ok.release();
        }
    }

    @Test
    void aLengthStartingWithFfIsMalformed() {
        ByteBuf ok = frame("0a000001 00 ff 00 0240 0000 00 00");
        try {
            assertThatThrownBy(() -> SessionStateInfo.entriesIndex(ok))
                    .isExactlyInstanceOf(MalformedPacketException.class)
                    .hasMessageContaining("0xFF");
        } finally {
            ok.release();
        }
    }

    @Test
    void stripLeavesAFrameWhoseInfoOverrunsThePacketAsItWas() {
        String truncatedInfo = "09000001 00 00 00 0240 0000 fc 10";
        ByteBuf ok = frame(truncatedInfo);
        try {
            assertThatThrownBy(() -> SessionStateInfo.strip(ok)).isExactlyInstanceOf(MalformedPacketException.class);
            assertThat(ByteBufUtil.hexDump(ok)).isEqualTo(truncatedInfo.replace(" ", ""));
        } finally {
            ok.release();
        }
    }
}
