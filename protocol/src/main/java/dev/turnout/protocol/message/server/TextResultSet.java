package dev.turnout.protocol.message.server;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A small text-protocol result set the connector answers with itself (its inline
 * {@code tungsten ...} commands): every column a {@code VARCHAR} in utf8mb4, every value a
 * string or SQL NULL (a null element).
 *
 * @param columns column names
 * @param rows    rows, each with one value per column
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset.html">Text Resultset</a>
 * @see <a href="https://mariadb.com/kb/en/result-set-packets/">MariaDB result set packets</a>
 */
public record TextResultSet(List<String> columns, List<List<String>> rows) {

    /** utf8mb4_general_ci. */
    private static final int UTF8MB4 = 45;

    private static final int MYSQL_TYPE_VAR_STRING = 0xFD;
    private static final int NULL_VALUE = 0xFB;

    public TextResultSet {
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("columns: a result set has at least one column");
        }
        List<List<String>> copied = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException(
                        "rows: a row has " + row.size() + " values for " + columns.size() + " columns");
            }
            copied.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copied);
    }

    /**
     * Writes the whole response (column count, definitions, EOF unless {@code CLIENT_DEPRECATE_EOF},
     * rows, and the closing EOF or 0xFE OK) as consecutive packets into {@code out}.
     *
     * @param capabilities  the capabilities negotiated with the client
     * @param statusFlags   server status flags for the closing packet
     * @param firstSequence sequence id of the first packet (1 in answer to a command)
     * @return the sequence id following the last packet written
     */
    public int encode(ByteBuf out, long capabilities, int statusFlags, int firstSequence) {
        int sequence = firstSequence;
        int start = begin(out);
        Wire.writeLenencInt(out, columns.size());
        end(out, start, sequence++);
        boolean extendedMetadata = Capabilities.has(capabilities, Capabilities.MARIADB_CLIENT_EXTENDED_METADATA);
        for (String column : columns) {
            start = begin(out);
            Wire.writeLenencString(out, "def");
            Wire.writeLenencString(out, ""); // schema
            Wire.writeLenencString(out, ""); // table
            Wire.writeLenencString(out, ""); // org_table
            Wire.writeLenencString(out, column);
            Wire.writeLenencString(out, column);
            if (extendedMetadata) {
                Wire.writeLenencInt(out, 0);
            }
            out.writeByte(0x0C); // length of the fixed-length fields
            out.writeShortLE(UTF8MB4);
            out.writeIntLE(1024 * 4); // column length in bytes
            out.writeByte(MYSQL_TYPE_VAR_STRING);
            out.writeShortLE(0); // flags
            out.writeByte(0); // decimals
            out.writeShortLE(0); // filler
            end(out, start, sequence++);
        }
        boolean deprecateEof = Capabilities.has(capabilities, Capabilities.CLIENT_DEPRECATE_EOF);
        if (!deprecateEof) {
            start = begin(out);
            EofPacket.encode(out, 0, statusFlags);
            end(out, start, sequence++);
        }
        for (List<String> row : rows) {
            start = begin(out);
            for (String value : row) {
                if (value == null) {
                    out.writeByte(NULL_VALUE);
                } else {
                    Wire.writeLenencBytes(out, value.getBytes(StandardCharsets.UTF_8));
                }
            }
            end(out, start, sequence++);
        }
        start = begin(out);
        if (deprecateEof) {
            out.writeByte(OkPacket.EOF_HEADER);
            Wire.writeLenencInt(out, 0);
            Wire.writeLenencInt(out, 0);
            out.writeShortLE(statusFlags);
            out.writeShortLE(0);
        } else {
            EofPacket.encode(out, 0, statusFlags);
        }
        end(out, start, sequence++);
        return sequence & 0xFF;
    }

    private static int begin(ByteBuf out) {
        int start = out.writerIndex();
        out.writeZero(Packets.HEADER_SIZE);
        return start;
    }

    private static void end(ByteBuf out, int start, int sequence) {
        out.setMediumLE(start, out.writerIndex() - start - Packets.HEADER_SIZE);
        out.setByte(start + 3, sequence);
    }

    @Override
    public String toString() {
        return "TextResultSet[columns=" + columns + ", rows=" + rows.size() + "]";
    }

    /** A one-column result set, one row per value. */
    public static TextResultSet ofColumn(String column, List<String> values) {
        List<List<String>> rows = new ArrayList<>(values.size());
        for (String value : values) {
            rows.add(Collections.singletonList(value));
        }
        return new TextResultSet(List.of(column), rows);
    }
}
