package dev.turnout.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * Static views of one physical MySQL packet ("frame"): a 3-byte little-endian payload length,
 * a 1-byte sequence id, then the payload. A frame is a buffer whose readable bytes are exactly one
 * physical packet, header included, as {@link PacketFrameDecoder} emits it. Nothing here moves the
 * reader index or allocates.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_packets.html">MySQL Packets</a>
 */
public final class Packets {

    /** Bytes of the packet header: payload length (3) and sequence id (1). */
    public static final int HEADER_SIZE = 4;
    /** The largest payload of one physical packet; a packet this long is continued by the next. */
    public static final int MAX_PAYLOAD = 0xFFFFFF;

    private Packets() {}

    public static int payloadLength(ByteBuf frame) {
        return frame.getUnsignedMediumLE(frame.readerIndex());
    }

    public static int sequenceId(ByteBuf frame) {
        return frame.getUnsignedByte(frame.readerIndex() + 3);
    }

    /** Rewrites the sequence id in place (for packets the connector relays with its own numbering). */
    public static void sequenceId(ByteBuf frame, int sequenceId) {
        frame.setByte(frame.readerIndex() + 3, sequenceId);
    }

    /** True when this physical packet carries {@link #MAX_PAYLOAD} bytes and so is continued by the next. */
    public static boolean isContinued(ByteBuf frame) {
        return payloadLength(frame) == MAX_PAYLOAD;
    }

    /** Index of the first payload byte in the frame's buffer. */
    public static int payloadIndex(ByteBuf frame) {
        return frame.readerIndex() + HEADER_SIZE;
    }

    /** The first payload byte (the packet's "header" in the protocol pages: 0x00 OK, 0xFF ERR, 0xFE EOF, a command...), or -1 when the payload is empty. */
    public static int firstByte(ByteBuf frame) {
        return payloadLength(frame) == 0 ? -1 : frame.getUnsignedByte(frame.readerIndex() + HEADER_SIZE);
    }

    /** Writes a packet header for a payload of {@code payloadLength} bytes. */
    public static void writeHeader(ByteBuf out, int payloadLength, int sequenceId) {
        out.writeMediumLE(payloadLength);
        out.writeByte(sequenceId);
    }
}
