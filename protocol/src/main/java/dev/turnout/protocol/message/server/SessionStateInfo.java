package dev.turnout.protocol.message.server;

import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Views of the session-state-tracking block an OK packet (or a 0xFE OK that ends a result set)
 * carries when {@code CLIENT_SESSION_TRACK} is negotiated and the status says
 * {@code SESSION_STATE_CHANGED}. They work on the frame in place, without moving its indexes,
 * read nothing past the packet's end, and throw {@link MalformedPacketException} for a block that
 * overruns it or a length-encoded integer that starts with 0xFF.
 *
 * <p>The block is a length-encoded list of entries {@code type, lenenc data}: type 0 (system
 * variable: lenenc name, lenenc value — MariaDB reports {@code last_gtid} so), 1 (schema),
 * 2 (state change), 3 (GTIDs: an encoding byte, then lenenc text — MySQL's
 * {@code session_track_gtids}), 4 and 5 (transaction characteristics and state).
 *
 * <p>All methods assume {@code CLIENT_PROTOCOL_41} (status and warnings present).
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_ok_packet.html">OK_Packet</a>
 * @see <a href="https://mariadb.com/kb/en/ok_packet/">MariaDB OK_Packet</a>
 */
public final class SessionStateInfo {

    /** Entry type of a changed system variable. */
    public static final int SYSTEM_VARIABLES = 0;
    /** Entry type of a changed current schema. */
    public static final int SCHEMA = 1;
    /** Entry type of MySQL's GTID tracker. */
    public static final int GTIDS = 3;

    private static final byte[] LAST_GTID = "last_gtid".getBytes(StandardCharsets.US_ASCII);

    private SessionStateInfo() {}

    /** Index of the status flags in an OK frame, or -1 if the frame is too short to hold them. */
    private static int statusIndex(ByteBuf frame, int end) {
        int index = Packets.payloadIndex(frame) + 1;
        for (int i = 0; i < 2; i++) { // affected rows, last insert id
            if (index >= end) {
                return -1;
            }
            index += lenencSize(frame, index, Integer.MAX_VALUE, "OK packet");
        }
        return index + 4 <= end ? index : -1;
    }

    /**
     * Bytes taken by the length-encoded integer at {@code index}, which must end by {@code limit}.
     *
     * @throws MalformedPacketException naming {@code what} if it does not, or starts with 0xFF
     */
    private static int lenencSize(ByteBuf frame, int index, int limit, String what) {
        if (index >= limit) {
            throw new MalformedPacketException(what + " truncated before a length-encoded integer");
        }
        if (frame.getUnsignedByte(index) == 0xFF) {
            throw new MalformedPacketException(what + " has 0xFF where a length-encoded integer belongs");
        }
        int size = Wire.lenencIntSize(frame, index);
        if (index + size > limit) {
            throw new MalformedPacketException(what + " truncated inside a length-encoded integer");
        }
        return size;
    }

    /** The length-encoded integer at {@code index}, checked as {@link #lenencSize} does. */
    private static long lenenc(ByteBuf frame, int index, int limit, String what) {
        lenencSize(frame, index, limit, what);
        return Wire.getLenencInt(frame, index);
    }

    private static int end(ByteBuf frame) {
        return Math.min(frame.writerIndex(), Packets.payloadIndex(frame) + Packets.payloadLength(frame));
    }

    /** Index just past the info string (which follows status and warnings), or -1. */
    private static int infoEnd(ByteBuf frame, int statusIndex, int end) {
        int index = statusIndex + 4;
        if (index >= end) {
            return -1;
        }
        long length = lenenc(frame, index, end, "OK packet info");
        long after = index + Wire.lenencIntSize(frame, index) + length;
        if (length < 0 || after > end) {
            throw new MalformedPacketException("OK packet info overruns the packet");
        }
        return (int) after;
    }

    /**
     * The index of the first entry of the session-state block of the OK frame, or -1 when it has
     * none; the entries run to the end of the packet.
     */
    public static int entriesIndex(ByteBuf frame) {
        int end = end(frame);
        int status = statusIndex(frame, end);
        if (status < 0 || !ServerStatus.has(frame.getUnsignedShortLE(status), ServerStatus.SESSION_STATE_CHANGED)) {
            return -1;
        }
        int index = infoEnd(frame, status, end);
        if (index < 0 || index >= end) {
            return -1;
        }
        return index + lenencSize(frame, index, end, "session state block");
    }

    /**
     * The GTID the server reported for the session's last write — MariaDB's {@code last_gtid}
     * system variable or MySQL's GTID tracker — or null when the frame reports none. Allocates
     * the string only when there is one.
     */
    public static @Nullable String trackedGtid(ByteBuf frame) {
        int index = entriesIndex(frame);
        if (index < 0) {
            return null;
        }
        int end = end(frame);
        String gtid = null;
        while (index < end) {
            int type = frame.getUnsignedByte(index++);
            long dataLength = lenenc(frame, index, end, "session state entry");
            int data = index + Wire.lenencIntSize(frame, index);
            long next = data + dataLength;
            if (dataLength < 0 || next > end) {
                throw new MalformedPacketException("session state entry overruns the OK packet");
            }
            if (type == SYSTEM_VARIABLES) {
                long nameLength = lenenc(frame, data, (int) next, "session state variable");
                int name = data + Wire.lenencIntSize(frame, data);
                if (nameLength < 0 || name + nameLength > next) {
                    throw new MalformedPacketException("session state variable name overruns its entry");
                }
                if (equalsAscii(frame, name, (int) nameLength, LAST_GTID)) {
                    int value = name + (int) nameLength;
                    gtid = lenencString(frame, value, (int) next);
                }
            } else if (type == GTIDS && dataLength > 1) {
                gtid = lenencString(frame, data + 1, (int) next); // after the encoding specification byte
            }
            index = (int) next;
        }
        return gtid == null || gtid.isEmpty() ? null : gtid;
    }

    private static String lenencString(ByteBuf frame, int index, int limit) {
        long length = lenenc(frame, index, limit, "session state value");
        int start = index + Wire.lenencIntSize(frame, index);
        if (length < 0 || start + length > limit) {
            throw new MalformedPacketException("session state value overruns its entry");
        }
        return frame.toString(start, (int) length, StandardCharsets.UTF_8);
    }

    private static boolean equalsAscii(ByteBuf frame, int index, int length, byte[] expected) {
        if (length != expected.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (frame.getByte(index + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes the session-state block from an OK frame in place, for a client that did not
     * negotiate {@code CLIENT_SESSION_TRACK} while the connector's backend did: the
     * {@code SESSION_STATE_CHANGED} flag is cleared and the packet ends after its info string.
     * No copy: the header's length and the frame's writer index shrink.
     *
     * @return whether the frame changed
     */
    public static boolean strip(ByteBuf frame) {
        int end = end(frame);
        int status = statusIndex(frame, end);
        if (status < 0) {
            return false;
        }
        int flags = frame.getUnsignedShortLE(status);
        if (!ServerStatus.has(flags, ServerStatus.SESSION_STATE_CHANGED)) {
            return false;
        }
        int infoEnd = infoEnd(frame, status, end); // before any change: a malformed frame is left as it was
        frame.setShortLE(status, flags & ~ServerStatus.SESSION_STATE_CHANGED);
        if (infoEnd < 0) {
            return true;
        }
        frame.setMediumLE(frame.readerIndex(), infoEnd - Packets.payloadIndex(frame));
        frame.writerIndex(infoEnd);
        return true;
    }
}
