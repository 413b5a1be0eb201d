package dev.turnout.protocol.message;

import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/** Validation and reading helpers shared by the packet records of both directions. */
public final class Fields {

    private Fields() {}

    /** Throws unless {@code 0 <= value <= max}. */
    public static int checkRange(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " must be within 0.." + max + ": " + value);
        }
        return value;
    }

    /** Throws if {@code value} contains NUL (it would end a NUL-terminated string early). */
    public static String checkNoNul(String name, String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(name + " must not contain NUL");
        }
        return value;
    }

    /**
     * Reads a NUL-terminated string, or the rest of the payload when no NUL follows: some peers
     * (MySQL before 5.5.10, a few connectors) leave the last string of a packet unterminated.
     */
    public static String readNulOrEofString(ByteBuf payload) {
        int nul = payload.indexOf(payload.readerIndex(), payload.writerIndex(), (byte) 0);
        return nul < 0 ? Wire.readEofString(payload) : Wire.readNulString(payload);
    }

    /** Reads a string&lt;EOF&gt;, dropping one trailing NUL if the peer sent it. */
    public static byte[] readEofBytesWithoutNul(ByteBuf payload) {
        int length = payload.readableBytes();
        if (length > 0 && payload.getByte(payload.writerIndex() - 1) == 0) {
            length--;
        }
        byte[] bytes = new byte[length];
        payload.readBytes(bytes);
        payload.skipBytes(payload.readableBytes());
        return bytes;
    }
}
