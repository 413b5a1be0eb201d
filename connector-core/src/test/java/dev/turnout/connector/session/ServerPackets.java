package dev.turnout.connector.session;

import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.message.server.OkPacket;
import dev.turnout.protocol.message.server.TextResultSet;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The packets a {@link FakeServer} answers with, appended to the bytes it sends a connection.
 * Captured MariaDB 11.4 packets ({@link CapturedPackets}, {@code session/mariadb-11.4.hex}) where
 * one fits: the greeting, OK, PREPARE_OK with its parameter and column definitions, the OK ending
 * rows, ERR 1047. Encoded here where no capture fits: the protocol module's encoders for text
 * result sets ({@code SELECT @@server_id} and other reads answer one row of their own) and for
 * errors with a message of the fake's, and by hand for the column count and the one binary row
 * of an execute. Every answer assumes {@code CLIENT_DEPRECATE_EOF}, which the harness's client
 * negotiates (the captures are from such sessions).
 */
final class ServerPackets {

    /** Offset of the connection id in the greeting frame: header, protocol version, "11.4.5-MariaDB" NUL. */
    private static final int GREETING_CONNECTION_ID = Packets.HEADER_SIZE + 1 + "11.4.5-MariaDB".length() + 1;
    /** Offset of the status flags in a captured OK whose affected rows and last insert id take one byte each. */
    private static final int OK_STATUS = Packets.HEADER_SIZE + 3;

    private ServerPackets() {}

    private static final byte[] GREETING_SEED = seedOfGreeting();

    /** The scramble of the captured greeting, which every fake connection sends. */
    static byte[] greetingSeed() {
        return GREETING_SEED.clone();
    }

    private static byte[] seedOfGreeting() {
        byte[] frame = CapturedPackets.mariaDb().frame("greeting", 0);
        ByteBuf payload = Unpooled.wrappedBuffer(frame, Packets.HEADER_SIZE, frame.length - Packets.HEADER_SIZE);
        try {
            return HandshakeV10.decode(payload).authPluginData();
        } finally {
            payload.release();
        }
    }

    static void greeting(ByteBuf out, long threadId) {
        int start = append(out, "greeting", 0);
        out.setIntLE(start + GREETING_CONNECTION_ID, (int) threadId);
    }

    /** OK, with {@code oneRow} affected rows 1 (a write), else 0. */
    static void ok(ByteBuf out, int sequenceId, int status, boolean oneRow) {
        int start = append(out, oneRow ? "ok-one-row" : "ok", sequenceId);
        out.setShortLE(start + OK_STATUS, status);
    }

    /** OK encoded, for the connection phase (the captured OK with this sequence id would serve as well). */
    static void loginOk(ByteBuf out, int sequenceId, int status, long capabilities) {
        int start = begin(out);
        new OkPacket(0, 0, status, 0, "").encode(out, capabilities);
        end(out, start, sequenceId);
    }

    static void err(ByteBuf out, int sequenceId, int code, String sqlState, String message) {
        int start = begin(out);
        new ErrPacket(code, sqlState, message).encode(out);
        end(out, start, sequenceId);
    }

    static void unknownCommand(ByteBuf out, int sequenceId) {
        append(out, "err-unknown-command", sequenceId);
    }

    /** A text result set of one column, one row per value (encoded by the protocol module). */
    static void textRows(ByteBuf out, String column, List<String> values, int status, long capabilities) {
        TextResultSet.ofColumn(column, values).encode(out, capabilities, status, 1);
    }

    /** PREPARE_OK with the fake's statement id, then the definitions of its parameters and columns (captured). */
    static void prepareOk(ByteBuf out, int statementId, int columns, int parameters) {
        int start = append(out, "prepare-ok", 1);
        int payload = start + Packets.HEADER_SIZE;
        out.setIntLE(payload + 1, statementId);
        out.setShortLE(payload + 5, columns);
        out.setShortLE(payload + 7, parameters);
        int sequenceId = 2;
        for (int i = 0; i < parameters; i++) {
            append(out, "parameter-definition", sequenceId++);
        }
        for (int i = 0; i < columns; i++) {
            append(out, "column-definition", sequenceId++);
        }
    }

    /** A binary result set (the answer to COM_STMT_EXECUTE) of one VAR_STRING column and one row. */
    static void binaryRow(ByteBuf out, String value, int status) {
        int start = begin(out);
        Wire.writeLenencInt(out, 1);
        end(out, start, 1);
        append(out, "column-definition", 2);
        start = begin(out);
        out.writeByte(0x00); // binary row header
        out.writeByte(0x00); // NULL bitmap of one column: (1 + 7 + 2) / 8 bytes
        Wire.writeLenencBytes(out, value.getBytes(StandardCharsets.UTF_8));
        end(out, start, 3);
        int end = append(out, "end-of-rows", 4);
        out.setShortLE(end + OK_STATUS, status);
    }

    private static int append(ByteBuf out, String label, int sequenceId) {
        int start = out.writerIndex();
        out.writeBytes(CapturedPackets.mariaDb().frame(label, sequenceId));
        return start;
    }

    private static int begin(ByteBuf out) {
        int start = out.writerIndex();
        out.writeZero(Packets.HEADER_SIZE);
        return start;
    }

    private static void end(ByteBuf out, int start, int sequenceId) {
        out.setMediumLE(start, out.writerIndex() - start - Packets.HEADER_SIZE);
        out.setByte(start + 3, sequenceId);
    }
}
