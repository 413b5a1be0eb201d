package dev.turnout.connector.session;

import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.protocol.classify.Classification;
import dev.turnout.protocol.classify.StatementFlag;
import dev.turnout.protocol.classify.StatementType;
import dev.turnout.routing.policy.Reason;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * {@code START TRANSACTION READ ONLY} transactions on a replica: a session whose reads are split
 * starts one where its reads would go (a replica that qualifies, and has its last write), and
 * every statement of the transaction runs on that replica until the replica's status flags say it
 * ended. A write cannot run in such a transaction: the connector answers it as the server does
 * (1792), without sending it, so that a statement that would end the transaction implicitly (DDL,
 * {@code BEGIN}, {@code LOCK TABLES}) can never run on a replica outside it. Session commands
 * ({@code SET}, {@code USE}) and statements using the session's own functions or variables run on
 * the primary, as outside the transaction. Stateless.
 */
final class ReadOnlyTransactions {

    /** Where a statement of a session inside a read-only transaction on a replica goes. */
    enum Inside {
        /** A read: the transaction's replica, pipelined as it comes. */
        READ,
        /** COMMIT, ROLLBACK, SAVEPOINT, a locking read: the transaction's replica, once nothing is in flight. */
        REPLICA,
        /** To the primary, as outside the transaction, once nothing is in flight. */
        PRIMARY,
        /** A write: answered 1792 by the connector, once nothing is in flight. */
        REFUSE
    }

    private ReadOnlyTransactions() {}

    /**
     * A statement of the session, if it is inside a read-only transaction on a replica: null to
     * route it (a read, or no such transaction); false to wait until nothing is in flight, so that
     * the transaction's end is known; true when it was answered 1792 (a write; {@code frame} released).
     */
    static @Nullable Boolean answer(
            SessionState state,
            SessionBackends backends,
            ClientConnection client,
            ByteBuf frame,
            @Nullable Reason reason,
            @Nullable StatementType type) {
        if (state.readOnlyTransaction() == null) {
            return null;
        }
        Inside inside = inside(reason, type);
        if (inside == Inside.READ) {
            return null;
        }
        if (!backends.allIdle()) {
            return false;
        }
        if (inside != Inside.REFUSE || state.readOnlyTransaction() == null) {
            return null;
        }
        frame.release();
        client.answerError(1, ConnectorErrors.readOnlyTransaction());
        client.flush();
        return true;
    }

    /**
     * An execute of a statement not known yet (pipelined behind its prepare) inside a read-only
     * transaction waits until it is (false); null otherwise.
     */
    static @Nullable Boolean unknownExecute(SessionState state, SessionBackends backends) {
        return state.readOnlyTransaction() != null && !backends.allIdle() ? Boolean.FALSE : null;
    }

    /**
     * Why a statement must run on the primary, as {@link SessionState#statementReason}, except that a
     * {@code START TRANSACTION READ ONLY} of its own (not in a multi-statement) is
     * {@link Reason#READ_ONLY_TRANSACTION}: it may start on a replica.
     */
    static @Nullable Reason reasonOf(Classification c) {
        if (c.type() == StatementType.BEGIN
                && c.has(StatementFlag.READ_ONLY_TRANSACTION)
                && !c.has(StatementFlag.MULTI_STATEMENT)) {
            return Reason.READ_ONLY_TRANSACTION;
        }
        return SessionState.statementReason(c);
    }

    /**
     * Where a statement goes inside the transaction, by its own reason to run on the primary and
     * its type (null for a prepared statement's execute, whose type is not kept).
     */
    static Inside inside(@Nullable Reason reason, @Nullable StatementType type) {
        if (reason == null) {
            return Inside.READ;
        }
        return switch (reason) {
            case LOCKING_READ, DIAGNOSTICS, READ_ONLY_TRANSACTION ->
                Inside.REPLICA; // (the server commits, starts anew)
            case TRANSACTION ->
                type == StatementType.COMMIT || type == StatementType.ROLLBACK || type == StatementType.SAVEPOINT
                        ? Inside.REPLICA
                        : Inside.REFUSE;
            case SESSION_FUNCTION, SESSION_COMMAND -> Inside.PRIMARY;
            case UNKNOWN_STATEMENT -> type == StatementType.READ ? Inside.PRIMARY : Inside.REFUSE;
            default -> Inside.REFUSE; // WRITE, SESSION_PINNED, MULTI_STATEMENT
        };
    }
}
