package dev.turnout.protocol.message.server;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.message.Fields;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A command's or the handshake's failure.
 *
 * @param errorCode the server error number, e.g. 1045 for access denied
 * @param sqlState  exactly five ASCII characters; {@code HY000} when the server sent none
 * @param message   human-readable text
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_err_packet.html">ERR_Packet</a>
 */
public record ErrPacket(int errorCode, String sqlState, String message) {

    /** The header byte of an ERR packet. */
    public static final int HEADER = 0xFF;
    /** The SQL state of errors that have no more precise one. */
    public static final String GENERAL_SQL_STATE = "HY000";
    /** MariaDB's code for a progress report, which shares the ERR header but is not an error. */
    public static final int PROGRESS_REPORT = 0xFFFF;

    private static final int SQL_STATE_MARKER = '#';

    public ErrPacket {
        Fields.checkRange("errorCode", errorCode, 0xFFFF);
        Objects.requireNonNull(sqlState, "sqlState");
        Objects.requireNonNull(message, "message");
        if (sqlState.length() != 5 || !sqlState.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException(
                    "sqlState must be exactly 5 printable ASCII characters: '" + sqlState + "'");
        }
    }

    /**
     * Decodes an ERR payload read from its reader index. The SQL state is read when its '#'
     * marker is present: servers send it to every 4.1 client, and errors sent before the
     * handshake completes (the capabilities are not known yet) carry it or not by the server's
     * choice. {@code capabilities} are those of the session, 0 before they are negotiated.
     *
     * @throws MalformedPacketException also for a MariaDB progress report (code 0xFFFF)
     */
    public static ErrPacket decode(ByteBuf payload, long capabilities) {
        try {
            int header = Wire.readInt1(payload);
            if (header != HEADER) {
                throw new MalformedPacketException(
                        "expected an ERR packet (0xFF), got 0x" + Integer.toHexString(header));
            }
            int errorCode = Wire.readInt2(payload);
            if (errorCode == PROGRESS_REPORT) {
                throw new MalformedPacketException("a MariaDB progress report is not an ERR packet");
            }
            String sqlState = GENERAL_SQL_STATE;
            if (payload.readableBytes() >= 6 && payload.getByte(payload.readerIndex()) == SQL_STATE_MARKER) {
                payload.skipBytes(1);
                sqlState =
                        payload.readCharSequence(5, StandardCharsets.US_ASCII).toString();
            }
            return new ErrPacket(errorCode, sqlState, Wire.readEofString(payload));
        } catch (RuntimeException e) {
            throw MalformedPacketException.decoding("ERR packet", e);
        }
    }

    /** Writes the payload in the 4.1 form: 0xFF, code, '#', SQL state, message. */
    public void encode(ByteBuf out) {
        encode(out, Capabilities.CLIENT_PROTOCOL_41);
    }

    /**
     * Writes the payload for a peer with {@code capabilities}: with the '#' marker and the SQL
     * state only under {@code CLIENT_PROTOCOL_41}. A server refusing a connection in place of its
     * greeting (too many connections, host not allowed) knows no capabilities yet and sends
     * 0xFF, code, message: pass 0.
     */
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(HEADER);
        out.writeShortLE(errorCode);
        if (Capabilities.has(capabilities, Capabilities.CLIENT_PROTOCOL_41)) {
            out.writeByte(SQL_STATE_MARKER);
            out.writeCharSequence(sqlState, StandardCharsets.US_ASCII);
        }
        out.writeCharSequence(message, StandardCharsets.UTF_8);
    }

    /**
     * The error code of the ERR packet in {@code frame} (header included), without allocating or
     * moving indexes.
     *
     * @throws MalformedPacketException if the frame is not an ERR packet of at least 3 bytes
     */
    public static int errorCode(ByteBuf frame) {
        if (Packets.payloadLength(frame) < 3
                || Packets.firstByte(frame) != HEADER
                || Packets.payloadIndex(frame) + 3 > frame.writerIndex()) {
            throw new MalformedPacketException("not an ERR frame");
        }
        return frame.getUnsignedShortLE(Packets.payloadIndex(frame) + 1);
    }
}
