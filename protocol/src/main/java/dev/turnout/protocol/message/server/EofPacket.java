package dev.turnout.protocol.message.server;

import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;

/**
 * Views on the EOF packet that ends column definitions and rows when {@code CLIENT_DEPRECATE_EOF}
 * is off: 0xFE, warnings (int2), status flags (int2). The connector never needs it as an object.
 *
 * <p>The test {@link #isEof} is the protocol's own (0xFE and a payload shorter than 9 bytes), and
 * an OK packet that ends a result set under {@code CLIENT_DEPRECATE_EOF} passes it too: with that
 * capability read its status with {@link OkPacket#statusFlags(ByteBuf, long)}, whose layout differs.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_eof_packet.html">EOF_Packet</a>
 */
public final class EofPacket {

    /** The header byte of an EOF packet. */
    public static final int HEADER = 0xFE;
    /** Payload length of a 4.1 EOF packet. */
    public static final int PAYLOAD_LENGTH = 5;

    private EofPacket() {}

    /** True when {@code frame} (header included) holds 0xFE and a payload shorter than 9 bytes. */
    public static boolean isEof(ByteBuf frame) {
        return Packets.payloadLength(frame) < 9 && Packets.firstByte(frame) == HEADER;
    }

    /** The status flags of the EOF packet in {@code frame}, 0 for a pre-4.1 EOF of one byte. */
    public static int statusFlags(ByteBuf frame) {
        return Packets.payloadLength(frame) < PAYLOAD_LENGTH
                ? 0
                : frame.getUnsignedShortLE(Packets.payloadIndex(frame) + 3);
    }

    /** The warning count of the EOF packet in {@code frame}, 0 for a pre-4.1 EOF of one byte. */
    public static int warnings(ByteBuf frame) {
        return Packets.payloadLength(frame) < PAYLOAD_LENGTH
                ? 0
                : frame.getUnsignedShortLE(Packets.payloadIndex(frame) + 1);
    }

    /** Writes a 4.1 EOF payload (5 bytes). */
    public static void encode(ByteBuf out, int warnings, int statusFlags) {
        out.writeByte(HEADER);
        out.writeShortLE(warnings);
        out.writeShortLE(statusFlags);
    }
}
