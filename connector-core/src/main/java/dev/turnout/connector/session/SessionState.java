package dev.turnout.connector.session;

import dev.turnout.protocol.classify.Classification;
import dev.turnout.protocol.classify.StatementFlag;
import dev.turnout.protocol.classify.StatementType;
import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.routing.policy.Reason;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.GtidPosition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one client session has changed on its primary connection, as dirty bits in the spirit of
 * HikariCP: they decide whether a statement may leave the primary, and what a replica connection
 * must replay before it serves the session.
 *
 * <ul>
 *   <li><b>Transaction and autocommit</b> come from the status flags of the primary's last
 *       response, not from parsing: a transaction opened by a procedure, {@code SET autocommit=0}
 *       or an implicit commit is seen as the server sees it.</li>
 *   <li><b>Pins</b>: state a replica connection cannot share — temporary tables, {@code LOCK
 *       TABLES}, named locks ({@code GET_LOCK}), {@code HANDLER}s, and a session-command history
 *       too long to replay — keeps every statement on the primary until {@code UNLOCK TABLES}
 *       (for table locks) or {@code COM_RESET_CONNECTION} / {@code COM_CHANGE_USER}.</li>
 *   <li><b>History</b>: the session commands that succeeded on the primary ({@code SET} of session
 *       scope, {@code USE}, {@code COM_INIT_DB}), each kept once, in order, as the command payload
 *       to send again. A replica connection replays the entries it has not seen before it serves
 *       a read.</li>
 *   <li><b>Last write</b>: the GTID position of the session's writes, from the session-state
 *       tracking of the primary's OK packets, for read-your-writes.</li>
 * </ul>
 */
public final class SessionState {

    /** Why a session cannot leave its primary. */
    public enum Pin {
        TEMPORARY_TABLE,
        LOCK_TABLES,
        NAMED_LOCK,
        HANDLER,
        LONG_HISTORY
    }

    /** More session commands than this pin the session instead of being replayed. */
    static final int MAX_HISTORY = 64;

    private final EnumSet<Pin> pins = EnumSet.noneOf(Pin.class);
    /**
     * The session has state that only its primary connection holds and the history cannot bring
     * back: user variables used outside SET, SQL-level prepared statements, an open cursor.
     */
    private boolean connectionBound;

    private final List<byte[]> history = new ArrayList<>();
    /** Bumped whenever the history is rewritten (not only appended): replicas must then replay it all. */
    private int historyEpoch;

    private int primaryStatus = ServerStatus.AUTOCOMMIT;
    private GtidPosition lastWrite = GtidPosition.EMPTY;
    /** The replica a {@code START TRANSACTION READ ONLY} transaction of the session runs on, and its slot; null: none. */
    private @Nullable Datasource readOnlyTransaction;

    private int readOnlyTransactionSlot = -1;

    /**
     * Why a statement of this classification must run on the primary whatever the session's
     * state, or null when it is a read a replica may serve.
     */
    public static @Nullable Reason statementReason(Classification c) {
        return switch (c.type()) {
            case READ -> {
                if (c.has(StatementFlag.MULTI_STATEMENT)) {
                    yield Reason.MULTI_STATEMENT;
                } else if (c.has(StatementFlag.LOCKING_READ)) {
                    yield Reason.LOCKING_READ;
                } else if (c.has(StatementFlag.SELECT_INTO)) {
                    yield Reason.WRITE;
                } else if (c.has(StatementFlag.DIAGNOSTICS)) {
                    yield Reason.DIAGNOSTICS;
                } else if (c.has(StatementFlag.SESSION_FUNCTION)
                        || c.has(StatementFlag.LOCK_FUNCTION)
                        || c.has(StatementFlag.USER_VARIABLE)
                        || c.has(StatementFlag.CALC_FOUND_ROWS)) {
                    yield Reason.SESSION_FUNCTION;
                } else if (c.has(StatementFlag.SERVER_SPECIFIC)) {
                    yield Reason.UNKNOWN_STATEMENT;
                }
                yield null;
            }
            case SET, USE, PREPARE, EXECUTE, DEALLOCATE -> Reason.SESSION_COMMAND;
            case BEGIN, COMMIT, ROLLBACK, SAVEPOINT, XA -> Reason.TRANSACTION;
            case LOCK_TABLES, UNLOCK_TABLES, HANDLER -> Reason.SESSION_PINNED;
            case WRITE, CALL, CREATE_TEMPORARY_TABLE -> Reason.WRITE;
            case INLINE_COMMAND, EMPTY, UNKNOWN -> Reason.UNKNOWN_STATEMENT;
        };
    }

    /**
     * Why the session's state keeps even a plain read on the primary now, or null when a replica
     * may serve it.
     */
    public @Nullable Reason stateReason() {
        if (ServerStatus.has(primaryStatus, ServerStatus.IN_TRANS)) {
            return Reason.TRANSACTION;
        }
        if (!ServerStatus.has(primaryStatus, ServerStatus.AUTOCOMMIT)) {
            return Reason.AUTOCOMMIT_OFF;
        }
        if (!pins.isEmpty()) {
            return Reason.SESSION_PINNED;
        }
        return null;
    }

    /** Notes, when a statement is sent to the primary, the pins it takes or lets go. */
    public void dispatched(Classification c) {
        switch (c.type()) {
            case CREATE_TEMPORARY_TABLE -> pins.add(Pin.TEMPORARY_TABLE);
            case LOCK_TABLES -> pins.add(Pin.LOCK_TABLES);
            case UNLOCK_TABLES -> pins.remove(Pin.LOCK_TABLES);
            case HANDLER -> pins.add(Pin.HANDLER);
            default -> {}
        }
        if (c.has(StatementFlag.LOCK_FUNCTION)) {
            pins.add(Pin.NAMED_LOCK);
        }
        if (c.has(StatementFlag.USER_VARIABLE)
                || c.type() == StatementType.PREPARE
                || c.type() == StatementType.EXECUTE) {
            connectionBound = true;
        }
    }

    /** A cursor was opened on the primary connection: its rows are fetched from that connection. */
    public void cursorOpened() {
        connectionBound = true;
    }

    /**
     * Whether the session could let its connections go now and rebuild its state on new ones from
     * the history: outside a transaction, in autocommit, with no pin and nothing bound to the
     * primary connection ({@code connector-idle-release}).
     */
    public boolean releasable() {
        return !connectionBound
                && readOnlyTransaction == null
                && pins.isEmpty()
                && !ServerStatus.has(primaryStatus, ServerStatus.IN_TRANS)
                && ServerStatus.has(primaryStatus, ServerStatus.AUTOCOMMIT);
    }

    /** Whether a successful statement of this classification belongs in the history. */
    public static boolean isSessionCommand(Classification c) {
        return switch (c.type()) {
            case SET ->
                !c.has(StatementFlag.GLOBAL_SCOPE)
                        && !c.has(StatementFlag.NEXT_TRANSACTION_ONLY)
                        && !c.has(StatementFlag.MULTI_STATEMENT);
            case USE -> !c.has(StatementFlag.MULTI_STATEMENT);
            default -> false;
        };
    }

    /**
     * Records a session command (a command payload: command byte and arguments) that succeeded on
     * the primary. An identical earlier entry moves to the end; past {@link #MAX_HISTORY} entries the
     * session is pinned instead.
     */
    public void recordSessionCommand(byte[] payload) {
        for (int i = 0; i < history.size(); i++) {
            if (Arrays.equals(history.get(i), payload)) {
                history.remove(i);
                historyEpoch++;
                break;
            }
        }
        if (history.size() >= MAX_HISTORY) {
            pins.add(Pin.LONG_HISTORY);
            return;
        }
        history.add(payload);
    }

    /** The session commands a new backend replays, oldest first. */
    public List<byte[]> history() {
        return history;
    }

    /** Changes whenever entries a backend may already have replayed are removed or reordered. */
    public int historyEpoch() {
        return historyEpoch;
    }

    /** The primary's last status flags say the session is inside a transaction. */
    public boolean inTransaction() {
        return ServerStatus.has(primaryStatus, ServerStatus.IN_TRANS);
    }

    /** The primary's status flags after its last complete response. */
    public void primaryStatus(int status) {
        primaryStatus = status;
    }

    public int primaryStatus() {
        return primaryStatus;
    }

    /** Adds the GTID of a write the primary acknowledged. */
    public void wrote(GtidPosition position) {
        lastWrite = lastWrite.merge(position);
    }

    /** What a replica must have applied to serve this session's reads consistently. */
    public GtidPosition lastWrite() {
        return lastWrite;
    }

    public Set<Pin> pins() {
        return pins;
    }

    /** The replica the session's read-only transaction runs on; null when it has none there. */
    public @Nullable Datasource readOnlyTransaction() {
        return readOnlyTransaction;
    }

    /** The slot of {@link #readOnlyTransaction()}'s connection; -1 when none. */
    public int readOnlyTransactionSlot() {
        return readOnlyTransactionSlot;
    }

    /** A {@code START TRANSACTION READ ONLY} was sent to the replica in {@code slot}: the transaction's statements go there. */
    void readOnlyTransactionStarted(Datasource replica, int slot) {
        readOnlyTransaction = replica;
        readOnlyTransactionSlot = slot;
    }

    /** The replica's status flags say the transaction ended (or it failed to start, or its connection is gone). */
    void readOnlyTransactionEnded() {
        readOnlyTransaction = null;
        readOnlyTransactionSlot = -1;
    }

    /**
     * After {@code COM_RESET_CONNECTION} or {@code COM_CHANGE_USER}: the server forgot the session's
     * variables, temporary tables and locks. The writes stay written, so the last write is kept.
     */
    public void reset() {
        pins.clear();
        connectionBound = false;
        readOnlyTransactionEnded(); // the replicas are let go, and their transactions with them
        history.clear();
        historyEpoch++;
    }
}
