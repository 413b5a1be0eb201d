package dev.turnout.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The protocol's basic data types, read from and written to a buffer at its reader/writer index.
 * Integers are little-endian; {@code readInt8} and length-encoded integers that do not fit a
 * signed long are returned as their two's-complement bits.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_dt_integers.html">Integer Types</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_dt_strings.html">String Types</a>
 */
public final class Wire {

    /** Marks a NULL column value where a length-encoded integer is expected (0xFB). */
    public static final long NULL_LENGTH = -1;

    private Wire() {}

    public static int readInt1(ByteBuf buf) {
        return buf.readUnsignedByte();
    }

    public static int readInt2(ByteBuf buf) {
        return buf.readUnsignedShortLE();
    }

    public static int readInt3(ByteBuf buf) {
        return buf.readUnsignedMediumLE();
    }

    public static long readInt4(ByteBuf buf) {
        return buf.readUnsignedIntLE();
    }

    public static long readInt8(ByteBuf buf) {
        return buf.readLongLE();
    }

    /** Reads a length-encoded integer; returns {@link #NULL_LENGTH} for 0xFB. */
    public static long readLenencInt(ByteBuf buf) {
        int first = buf.readUnsignedByte();
        if (first < 0xFB) {
            return first;
        }
        return switch (first) {
            case 0xFB -> NULL_LENGTH;
            case 0xFC -> buf.readUnsignedShortLE();
            case 0xFD -> buf.readUnsignedMediumLE();
            case 0xFE -> buf.readLongLE();
            default -> throw new IllegalArgumentException("0xFF does not start a length-encoded integer");
        };
    }

    /** Reads a length-encoded integer at an absolute index without moving the reader index. */
    public static long getLenencInt(ByteBuf buf, int index) {
        int first = buf.getUnsignedByte(index);
        if (first < 0xFB) {
            return first;
        }
        return switch (first) {
            case 0xFB -> NULL_LENGTH;
            case 0xFC -> buf.getUnsignedShortLE(index + 1);
            case 0xFD -> buf.getUnsignedMediumLE(index + 1);
            case 0xFE -> buf.getLongLE(index + 1);
            default -> throw new IllegalArgumentException("0xFF does not start a length-encoded integer");
        };
    }

    /** Bytes taken by the length-encoded integer that starts at {@code index}. */
    public static int lenencIntSize(ByteBuf buf, int index) {
        int first = buf.getUnsignedByte(index);
        if (first < 0xFB) {
            return 1;
        }
        return switch (first) {
            case 0xFB -> 1;
            case 0xFC -> 3;
            case 0xFD -> 4;
            case 0xFE -> 9;
            default -> throw new IllegalArgumentException("0xFF does not start a length-encoded integer");
        };
    }

    public static void writeLenencInt(ByteBuf buf, long value) {
        if (value >= 0 && value < 0xFB) {
            buf.writeByte((int) value);
        } else if (value >= 0 && value <= 0xFFFF) {
            buf.writeByte(0xFC).writeShortLE((int) value);
        } else if (value >= 0 && value <= 0xFFFFFF) {
            buf.writeByte(0xFD).writeMediumLE((int) value);
        } else {
            buf.writeByte(0xFE).writeLongLE(value);
        }
    }

    /** Reads bytes up to a NUL terminator, consuming the terminator. */
    public static byte[] readNulBytes(ByteBuf buf) {
        int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new IllegalArgumentException("string is not NUL-terminated");
        }
        byte[] bytes = new byte[end - buf.readerIndex()];
        buf.readBytes(bytes);
        buf.skipBytes(1);
        return bytes;
    }

    public static String readNulString(ByteBuf buf) {
        return new String(readNulBytes(buf), StandardCharsets.UTF_8);
    }

    /** Reads the rest of the buffer ("string&lt;EOF&gt;"). */
    public static byte[] readEofBytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    public static String readEofString(ByteBuf buf) {
        return new String(readEofBytes(buf), StandardCharsets.UTF_8);
    }

    public static byte[] readLenencBytes(ByteBuf buf) {
        long length = readLenencInt(buf);
        if (length < 0 || length > buf.readableBytes()) {
            throw new IllegalArgumentException("length-encoded string of " + length + " bytes exceeds the packet");
        }
        byte[] bytes = new byte[(int) length];
        buf.readBytes(bytes);
        return bytes;
    }

    public static String readLenencString(ByteBuf buf) {
        return new String(readLenencBytes(buf), StandardCharsets.UTF_8);
    }

    public static void writeNulBytes(ByteBuf buf, byte[] bytes) {
        buf.writeBytes(bytes).writeByte(0);
    }

    public static void writeNulString(ByteBuf buf, String s) {
        writeNulBytes(buf, s.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeLenencBytes(ByteBuf buf, byte[] bytes) {
        writeLenencInt(buf, bytes.length);
        buf.writeBytes(bytes);
    }

    public static void writeLenencString(ByteBuf buf, String s) {
        writeLenencBytes(buf, s.getBytes(StandardCharsets.UTF_8));
    }
}
