package dev.turnout.connector.session;

import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.collection.IntObjectHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The server-side prepared statements of one session ({@link PreparedStatement}): the ids the client
 * knows them by, given in place of the server's in each PREPARE_OK it receives, and the rewriting
 * of every statement command for the server it goes to (its id there; for an execute, parameter
 * types the server was never told).
 *
 * <p>Confined to the session's event loop.
 */
final class PreparedStatements {

    private final IntObjectHashMap<PreparedStatement> byId = new IntObjectHashMap<>();
    private final int slots;
    private int lastPreparedId;
    /** The next statement id a client is given. */
    private int nextStatementId = 1;
    /** COM_STMT_PREPAREs sent whose response is not complete yet. */
    private int preparesInFlight;

    PreparedStatements(int slots) {
        this.slots = slots;
    }

    /**
     * The statement a command names (id -1 is the last one prepared), or null when it is unknown —
     * also for id -1 while a prepare is still in flight (MariaDB Connector/J pipelines the execute
     * behind it): the primary knows which statement it means.
     */
    @Nullable
    PreparedStatement of(ClientCommand command) {
        if (!command.hasStatementId()) {
            return null;
        }
        int id = command.statementId();
        if (id == -1) {
            return preparesInFlight > 0 ? null : byId.get(lastPreparedId);
        }
        return byId.get(id);
    }

    /** A COM_STMT_PREPARE was sent (counted when sent, not when decided: a command may wait and be decided again). */
    void prepareSent() {
        preparesInFlight++;
    }

    /**
     * A PREPARE_OK for the client: it gets an id of the session's own, so that statements survive a
     * change of primary; the server's id and parameter count are kept in {@code prepared}.
     */
    void rewritePrepareOk(ByteBuf frame, AfterResponse prepared) {
        int payload = Packets.payloadIndex(frame);
        prepared.backendStatementId = frame.getIntLE(payload + 1);
        prepared.parameters = frame.getUnsignedShortLE(payload + 7);
        prepared.statementId = nextStatementId++;
        frame.setIntLE(payload + 1, prepared.statementId);
    }

    /** The response to a COM_STMT_PREPARE sent to {@code slot} is complete. */
    void prepared(AfterResponse after, int slot) {
        preparesInFlight--;
        if (after.statementId != 0) {
            lastPreparedId = after.statementId;
            PreparedStatement statement = new PreparedStatement(
                    after.statementId, after.commandPayload(), after.reason, after.hint, after.parameters, slots);
            statement.backendId(slot, after.backendStatementId);
            byId.put(after.statementId, statement);
        }
    }

    /** The prepares in flight will not be answered (their server was lost). */
    void preparesLost() {
        preparesInFlight = 0;
    }

    /** COM_STMT_CLOSE: the client forgets the statement. */
    void remove(PreparedStatement statement) {
        byId.remove(statement.clientId());
    }

    /** The connection in {@code slot} closed: its statement ids are gone. */
    void forget(int slot) {
        for (PreparedStatement statement : byId.values()) {
            statement.forget(slot);
        }
    }

    /** COM_RESET_CONNECTION or COM_CHANGE_USER: the server forgot every statement. */
    void clear() {
        byId.clear();
        lastPreparedId = 0;
    }

    /** Some statement waits for its execute with long data, which lives on the primary's copy of it. */
    boolean anyLongData() {
        for (PreparedStatement statement : byId.values()) {
            if (statement.hasLongData()) {
                return true;
            }
        }
        return false;
    }

    /** A statement command other than an execute: the statement id becomes that of the server in {@code slot}. */
    static void rewriteId(ByteBuf frame, PreparedStatement statement, int slot) {
        frame.setIntLE(Packets.payloadIndex(frame) + 1, statement.backendId(slot));
    }

    /**
     * Makes an execute fit the server in {@code slot}: the statement id becomes that server's, and a
     * server that has never been told the parameter types gets them (an execute without them is
     * completed with the last types the client sent). Returns the frame to send.
     */
    static ByteBuf rewriteExecute(ByteBuf frame, PreparedStatement statement, int slot, ByteBufAllocator alloc) {
        int payload = Packets.payloadIndex(frame);
        int parameters = statement.parameters();
        int flagIndex = payload + 10 + (parameters + 7) / 8;
        boolean typesInPacket = parameters > 0
                && flagIndex < payload + Packets.payloadLength(frame)
                && frame.getUnsignedByte(flagIndex) == 1;
        if (typesInPacket) {
            boolean newTypes = statement.types() == null || !sameTypes(frame, flagIndex + 1, statement.types());
            statement.typesSent(slot, newTypes ? typesOf(frame, flagIndex + 1, parameters) : null);
        }
        statement.longData(false);
        frame.setIntLE(payload + 1, statement.backendId(slot));
        if (parameters == 0
                || typesInPacket
                || statement.typesSentTo(slot)
                || statement.types() == null
                || Packets.isContinued(frame)) {
            return frame;
        }
        // new_params_bound_flag 0 to a server that never saw the types: send them.
        byte[] types = statement.types();
        int length = Packets.payloadLength(frame) + types.length;
        ByteBuf completed = alloc.buffer(Packets.HEADER_SIZE + length);
        Packets.writeHeader(completed, length, Packets.sequenceId(frame));
        completed
                .writeBytes(frame, payload, flagIndex - payload)
                .writeByte(1)
                .writeBytes(types)
                .writeBytes(frame, flagIndex + 1, payload + Packets.payloadLength(frame) - flagIndex - 1);
        frame.release();
        statement.typesSent(slot, null);
        return completed;
    }

    /** COM_STMT_CLOSE of {@code statement} for the server in {@code slot}. */
    static ByteBuf closeFrame(PreparedStatement statement, int slot, ByteBufAllocator alloc) {
        ByteBuf close = alloc.buffer(Packets.HEADER_SIZE + 5);
        Packets.writeHeader(close, 5, 0);
        close.writeByte(Command.COM_STMT_CLOSE).writeIntLE(statement.backendId(slot));
        return close;
    }

    private static boolean sameTypes(ByteBuf frame, int index, byte[] types) {
        if (index + types.length > frame.writerIndex()) {
            return false;
        }
        for (int i = 0; i < types.length; i++) {
            if (frame.getByte(index + i) != types[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] typesOf(ByteBuf frame, int index, int parameters) {
        byte[] types = new byte[2 * parameters];
        frame.getBytes(index, types);
        return types;
    }
}
