package dev.turnout.connector.session;

import dev.turnout.protocol.classify.Classification;
import dev.turnout.protocol.classify.StatementClassifier;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;

/**
 * The command that a client frame starts, peeked once: its command byte, the classification of its
 * statement (COM_QUERY, COM_STMT_PREPARE), the statement id of a statement command, and whether an
 * execute opens a cursor. Everything downstream reads this instead of the frame.
 *
 * <p>One instance per session, reused for each command (the session starts one command at a time;
 * a command that waits keeps it until it is sent). Confined to the session's event loop.
 */
final class ClientCommand {

    private final Classification classification = new Classification();
    private int type;
    private boolean classified;
    private boolean hasStatementId;
    private int statementId;
    private boolean completeExecute;
    private boolean cursor;

    /** Reads the command that {@code frame} starts; {@code primaryStatus} tells how the server reads backslashes. */
    void peek(ByteBuf frame, int primaryStatus) {
        type = Packets.firstByte(frame);
        classified = false;
        hasStatementId = false;
        completeExecute = false;
        cursor = false;
        int payload = Packets.payloadIndex(frame);
        int length = Packets.payloadLength(frame);
        switch (type) {
            case Command.COM_QUERY, Command.COM_STMT_PREPARE -> classify(frame, primaryStatus);
            case Command.COM_STMT_EXECUTE,
                    Command.COM_STMT_SEND_LONG_DATA,
                    Command.COM_STMT_RESET,
                    Command.COM_STMT_FETCH,
                    Command.COM_STMT_BULK_EXECUTE,
                    Command.COM_STMT_CLOSE -> {
                hasStatementId = length >= 5;
                statementId = hasStatementId ? frame.getIntLE(payload + 1) : 0;
                if (type == Command.COM_STMT_EXECUTE) {
                    completeExecute = length >= 5 + 5;
                    cursor = completeExecute && frame.getUnsignedByte(payload + 5) != 0;
                }
            }
            default -> {}
        }
    }

    /**
     * Classifies the statement again if the server's backslash mode changed since it was peeked
     * (a command that waited behind one that set {@code sql_mode}).
     */
    void refresh(ByteBuf frame, int primaryStatus) {
        if (classified
                && classification.noBackslashEscapes()
                        != ServerStatus.has(primaryStatus, ServerStatus.NO_BACKSLASH_ESCAPES)) {
            classify(frame, primaryStatus);
        }
    }

    private void classify(ByteBuf frame, int primaryStatus) {
        int from = Packets.payloadIndex(frame) + 1;
        int to = Packets.payloadIndex(frame) + Packets.payloadLength(frame);
        classification.noBackslashEscapes(ServerStatus.has(primaryStatus, ServerStatus.NO_BACKSLASH_ESCAPES));
        StatementClassifier.classify(frame, from, to, classification);
        classified = true;
    }

    /** The command byte. */
    int type() {
        return type;
    }

    /** The statement's classification (COM_QUERY and COM_STMT_PREPARE only). */
    Classification classification() {
        return classification;
    }

    /** A statement command long enough to name its statement. */
    boolean hasStatementId() {
        return hasStatementId;
    }

    int statementId() {
        return statementId;
    }

    /** An execute that holds its flags and iteration count. */
    boolean completeExecute() {
        return completeExecute;
    }

    /** An execute that opens a cursor (its rows are fetched from the connection that ran it). */
    boolean opensCursor() {
        return cursor;
    }
}
