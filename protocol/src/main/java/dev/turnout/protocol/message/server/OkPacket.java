package dev.turnout.protocol.message.server;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SESSION_TRACK;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_TRANSACTIONS;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.message.Fields;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * A successful command's completion. With {@code CLIENT_DEPRECATE_EOF} the same layout with a
 * 0xFE header ends a result set; {@link #decode} accepts both headers. Session-state-tracking data
 * that follows {@link #info()} is skipped by {@link #decode}: a reader of GTIDs or schema changes
 * works on the frame. The message is length-encoded whatever the capabilities, as MySQL and
 * MariaDB servers send it (the protocol page's "string&lt;EOF&gt;" is not what goes on the wire).
 *
 * @param affectedRows  rows changed, unsigned 64 bits as a long's bits
 * @param lastInsertId  the last AUTO_INCREMENT value, unsigned 64 bits as a long's bits
 * @param statusFlags   server status flags (0 when the capabilities carry neither
 *                      {@code CLIENT_PROTOCOL_41} nor {@code CLIENT_TRANSACTIONS})
 * @param warnings      warning count (0 without {@code CLIENT_PROTOCOL_41})
 * @param info          human-readable status, often empty
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_ok_packet.html">OK_Packet</a>
 */
public record OkPacket(long affectedRows, long lastInsertId, int statusFlags, int warnings, String info) {

    /** The header byte of an OK packet. */
    public static final int HEADER = 0x00;
    /** The header byte of an OK packet that ends a result set when {@code CLIENT_DEPRECATE_EOF} is on. */
    public static final int EOF_HEADER = 0xFE;

    public OkPacket {
        Fields.checkRange("statusFlags", statusFlags, 0xFFFF);
        Fields.checkRange("warnings", warnings, 0xFFFF);
        Objects.requireNonNull(info, "info");
    }

    /** Decodes an OK payload (header 0x00 or 0xFE) read from its reader index. */
    public static OkPacket decode(ByteBuf payload, long capabilities) {
        try {
            int header = Wire.readInt1(payload);
            if (header != HEADER && header != EOF_HEADER) {
                throw new MalformedPacketException(
                        "expected an OK packet (0x00 or 0xFE), got 0x" + Integer.toHexString(header));
            }
            long affectedRows = Wire.readLenencInt(payload);
            long lastInsertId = Wire.readLenencInt(payload);
            int statusFlags = 0;
            int warnings = 0;
            if (Capabilities.has(capabilities, CLIENT_PROTOCOL_41)) {
                statusFlags = Wire.readInt2(payload);
                warnings = Wire.readInt2(payload);
            } else if (Capabilities.has(capabilities, CLIENT_TRANSACTIONS)) {
                statusFlags = Wire.readInt2(payload);
            }
            // Real servers prefix the message with its length even without CLIENT_SESSION_TRACK
            // (libmysqlclient reads it so), and omit it when there is neither message nor state.
            String info = payload.isReadable() ? Wire.readLenencString(payload) : "";
            if (Capabilities.has(capabilities, CLIENT_SESSION_TRACK)
                    && ServerStatus.has(statusFlags, ServerStatus.SESSION_STATE_CHANGED)
                    && payload.isReadable()) {
                long stateLength = Wire.readLenencInt(payload);
                if (stateLength < 0 || stateLength > payload.readableBytes()) {
                    throw new MalformedPacketException(
                            "malformed OK packet: session state of " + stateLength + " bytes exceeds the packet");
                }
                payload.skipBytes((int) stateLength);
            }
            return new OkPacket(affectedRows, lastInsertId, statusFlags, warnings, info);
        } catch (RuntimeException e) {
            throw MalformedPacketException.decoding("OK packet", e);
        }
    }

    /**
     * Writes the payload with a 0x00 header; the message, when there is one, length-prefixed as
     * servers write it. With {@code CLIENT_SESSION_TRACK}, a packet whose status says
     * {@code SESSION_STATE_CHANGED} gets an empty session-state block, so a client finds every
     * field its status promises.
     */
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(HEADER);
        Wire.writeLenencInt(out, affectedRows);
        Wire.writeLenencInt(out, lastInsertId);
        if (Capabilities.has(capabilities, CLIENT_PROTOCOL_41)) {
            out.writeShortLE(statusFlags);
            out.writeShortLE(warnings);
        } else if (Capabilities.has(capabilities, CLIENT_TRANSACTIONS)) {
            out.writeShortLE(statusFlags);
        }
        boolean stateChanged = Capabilities.has(capabilities, CLIENT_SESSION_TRACK)
                && ServerStatus.has(statusFlags, ServerStatus.SESSION_STATE_CHANGED);
        if (stateChanged || !info.isEmpty()) {
            Wire.writeLenencString(out, info);
        }
        if (stateChanged) {
            Wire.writeLenencInt(out, 0);
        }
    }

    /**
     * The status flags of the OK packet in {@code frame} (header included, header byte 0x00 or
     * 0xFE), without allocating or moving indexes; 0 when the capabilities carry neither
     * {@code CLIENT_PROTOCOL_41} nor {@code CLIENT_TRANSACTIONS}.
     *
     * @throws MalformedPacketException if the frame is too short to hold them
     */
    public static int statusFlags(ByteBuf frame, long capabilities) {
        if (!Capabilities.has(capabilities, CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS)) {
            return 0;
        }
        int end = Packets.payloadIndex(frame) + Packets.payloadLength(frame);
        if (end > frame.writerIndex()) {
            throw new MalformedPacketException("OK frame is shorter than its header says");
        }
        int index = Packets.payloadIndex(frame) + 1;
        for (int i = 0; i < 2; i++) { // affected rows, last insert id
            if (index >= end) {
                throw new MalformedPacketException("OK frame truncated before its status flags");
            }
            int first = frame.getUnsignedByte(index);
            if (first == 0xFF) {
                throw new MalformedPacketException("OK frame has 0xFF where a length-encoded integer belongs");
            }
            index += Wire.lenencIntSize(frame, index);
        }
        if (index + 2 > end) {
            throw new MalformedPacketException("OK frame truncated before its status flags");
        }
        return frame.getUnsignedShortLE(index);
    }
}
