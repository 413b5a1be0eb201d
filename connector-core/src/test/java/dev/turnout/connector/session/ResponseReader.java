package dev.turnout.connector.session;

import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.OkPacket;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Decodes the connector's response to one client command into a {@link Reply}, packet by packet,
 * with {@code CLIENT_DEPRECATE_EOF} (no EOF after column definitions, an OK with header 0xFE after
 * the rows): OK, ERR, a text or binary result set, or PREPARE_OK with its definitions. Checks that
 * the sequence ids of the response count up from 1. Values of binary rows are decoded for the
 * string and integer types the fake servers send.
 */
final class ResponseReader {

    private enum Stage {
        HEAD,
        PARAMETERS,
        COLUMNS,
        ROWS
    }

    private final ClientDriver.Kind kind;
    private Stage stage = Stage.HEAD;
    private int nextSequenceId = 1;
    private int parametersLeft;
    private int columnsLeft;
    private Reply.Prepared prepared;
    private final List<String> columns = new ArrayList<>();
    private final List<Integer> types = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();

    ResponseReader(ClientDriver.Kind kind) {
        this.kind = kind;
    }

    static Reply okOrErr(ByteBuf payload) {
        int first = payload.getUnsignedByte(payload.readerIndex());
        if (first == ErrPacket.HEADER) {
            ErrPacket err = ErrPacket.decode(payload, ClientDriver.CAPABILITIES);
            return new Reply.Err(err.errorCode(), err.sqlState(), err.message());
        }
        OkPacket ok = OkPacket.decode(payload, ClientDriver.CAPABILITIES);
        return new Reply.Ok(ok.affectedRows(), ok.statusFlags(), ok.info());
    }

    /** A packet that answers no command: only an ERR (with any sequence id) is acceptable. */
    static Reply unsolicitedErr(ByteBuf payload, int sequenceId) {
        if (payload.getUnsignedByte(payload.readerIndex()) != ErrPacket.HEADER) {
            throw new AssertionError("the connector sent a packet (sequence id " + sequenceId + ", first byte 0x"
                    + Integer.toHexString(payload.getUnsignedByte(payload.readerIndex()))
                    + ") when no command was outstanding");
        }
        return okOrErr(payload);
    }

    /** The next packet of the response; returns the reply once it is complete, else null. */
    Reply onPacket(ByteBuf payload, int sequenceId) {
        if (sequenceId != (nextSequenceId & 0xFF)) {
            throw new AssertionError("packet " + nextSequenceId + " of a response to a " + kind
                    + " command came with sequence id " + sequenceId);
        }
        nextSequenceId++;
        int first = payload.getUnsignedByte(payload.readerIndex());
        return switch (stage) {
            case HEAD -> head(payload, first);
            case PARAMETERS -> {
                if (--parametersLeft > 0) {
                    yield null;
                }
                stage = Stage.COLUMNS;
                yield prepared.columns() == 0 ? prepared : null;
            }
            case COLUMNS -> column(payload);
            case ROWS -> row(payload, first);
        };
    }

    private Reply head(ByteBuf payload, int first) {
        if (first == ErrPacket.HEADER) {
            return okOrErr(payload);
        }
        if (kind == ClientDriver.Kind.PREPARE) {
            if (first != 0x00) {
                throw new AssertionError("a PREPARE_OK must start with 0x00, not 0x" + Integer.toHexString(first));
            }
            int index = payload.readerIndex();
            prepared = new Reply.Prepared(
                    payload.getIntLE(index + 1),
                    payload.getUnsignedShortLE(index + 7),
                    payload.getUnsignedShortLE(index + 5));
            parametersLeft = prepared.parameters();
            columnsLeft = prepared.columns();
            stage = parametersLeft > 0 ? Stage.PARAMETERS : Stage.COLUMNS;
            return parametersLeft == 0 && columnsLeft == 0 ? prepared : null;
        }
        if (first == OkPacket.HEADER) {
            Reply ok = okOrErr(payload);
            checkSingleResult(((Reply.Ok) ok).status());
            return ok;
        }
        if (first == 0xFB) {
            throw new AssertionError("LOCAL INFILE requests are not supported by the test client");
        }
        columnsLeft = (int) Wire.readLenencInt(payload);
        stage = Stage.COLUMNS;
        return null;
    }

    private Reply column(ByteBuf payload) {
        for (int i = 0; i < 4; i++) {
            Wire.readLenencString(payload); // catalog, schema, table, org_table
        }
        String name = Wire.readLenencString(payload);
        Wire.readLenencString(payload); // org_name
        Wire.readLenencInt(payload); // length of the fixed fields
        payload.skipBytes(2 + 4); // character set, column length
        int type = payload.readUnsignedByte();
        columns.add(name);
        types.add(type);
        if (--columnsLeft > 0) {
            return null;
        }
        if (kind == ClientDriver.Kind.PREPARE) {
            return prepared;
        }
        stage = Stage.ROWS;
        return null;
    }

    private Reply row(ByteBuf payload, int first) {
        if (first == ErrPacket.HEADER) {
            return okOrErr(payload);
        }
        if (first == OkPacket.EOF_HEADER && payload.readableBytes() < Packets.MAX_PAYLOAD) {
            OkPacket end = OkPacket.decode(payload, ClientDriver.CAPABILITIES);
            checkSingleResult(end.statusFlags());
            return new Reply.Rows(List.copyOf(columns), List.copyOf(rows), end.statusFlags());
        }
        List<String> row = new ArrayList<>(columns.size());
        if (kind == ClientDriver.Kind.BINARY) {
            payload.skipBytes(1); // packet header 0x00
            int bitmapStart = payload.readerIndex();
            payload.skipBytes((columns.size() + 7 + 2) / 8);
            for (int i = 0; i < columns.size(); i++) {
                int bit = i + 2;
                boolean isNull = (payload.getByte(bitmapStart + bit / 8) & (1 << (bit % 8))) != 0;
                row.add(isNull ? null : binaryValue(payload, types.get(i)));
            }
        } else {
            for (int i = 0; i < columns.size(); i++) {
                if (payload.getUnsignedByte(payload.readerIndex()) == 0xFB) {
                    payload.skipBytes(1);
                    row.add(null);
                } else {
                    row.add(Wire.readLenencString(payload));
                }
            }
        }
        rows.add(Collections.unmodifiableList(row));
        return null;
    }

    private static String binaryValue(ByteBuf payload, int type) {
        return switch (type) {
            case 0x01 -> String.valueOf(payload.readByte());
            case 0x02 -> String.valueOf(payload.readShortLE());
            case 0x03 -> String.valueOf(payload.readIntLE());
            case 0x08 -> String.valueOf(payload.readLongLE());
            case 0x0F, 0xF5, 0xF6, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE -> Wire.readLenencString(payload);
            default ->
                throw new AssertionError(
                        "the test client does not decode binary values of type 0x" + Integer.toHexString(type));
        };
    }

    private static void checkSingleResult(int status) {
        if (ServerStatus.has(status, ServerStatus.MORE_RESULTS_EXISTS)) {
            throw new AssertionError("multi-result responses are not supported by the test client");
        }
    }
}
