package dev.turnout.connector.session;

import dev.turnout.connector.backend.BackendConnection;
import dev.turnout.connector.backend.BackendPool;
import dev.turnout.protocol.response.ResponseTracker;
import java.util.ArrayDeque;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One backend connection of a client session, with what the session keeps about it: its response
 * tracker, how much of the session-command history it has replayed, the commands the connector
 * itself sent on it (whose responses the client never sees, see {@link Preparation}), and what to
 * do when each of the client's commands on it completes.
 *
 * <p>Confined to the session's event loop, like the session.
 */
final class SessionBackend {

    /** What the connector's own commands on this backend are for. */
    enum Internal {
        NONE,
        TRACKING,
        REPLAY,
        PREPARE,
        WAIT
    }

    final BackendConnection connection;
    /** The datasource's index in the dataservice (see ConnectorTopology#slot). */
    final int slot;

    final String datasource;
    final boolean primary;
    /** Set when the connection is ready, and kept: null only before. */
    @Nullable
    ResponseTracker tracker;
    /** The server thread, set when the connection is ready: null only before. */
    @Nullable
    BackendThread thread;
    /** The server sends session state the client did not ask for: it is cut from OK packets. */
    boolean stripSessionState;
    /** History entries replayed here, valid while {@link #replayedEpoch} is the session's epoch. */
    int replayed;

    int replayedEpoch;

    Internal internal = Internal.NONE;
    /** The pool this connection goes back to when the session lets it go; null when not pooled. */
    BackendPool.@Nullable Key poolKey;
    /** Counted in the datasource's sessions (see ConnectorTopology#sessionMoved) until let go. */
    boolean counted;
    /** Responses of the connector's own commands still to come. */
    int internalPending;

    boolean internalFailed;
    /** The statement being prepared here by {@link Internal#PREPARE}; null otherwise. */
    @Nullable
    PreparedStatement preparing;
    /** MASTER_GTID_WAIT answered 0 (the position was reached in time). */
    boolean waitReached;

    /** One entry per client command sent here that gets a response, oldest first. */
    final ArrayDeque<AfterResponse> completions = new ArrayDeque<>(4);

    SessionBackend(BackendConnection connection, int slot, String datasource, boolean primary) {
        this.connection = connection;
        this.slot = slot;
        this.datasource = datasource;
        this.primary = primary;
    }

    boolean isReady() {
        return tracker != null && connection.isReady();
    }

    /** Ready and at a command boundary, with none of the connector's own commands outstanding. */
    boolean isIdle() {
        ResponseTracker t = tracker;
        return t != null && connection.isReady() && t.isIdle() && internalPending == 0;
    }

    /**
     * The tracker of a backend that commands are sent to or responses come from: only a ready
     * backend gets either, and its tracker is set when it becomes ready.
     */
    ResponseTracker readyTracker() {
        return Objects.requireNonNull(tracker, "commands and responses flow only on a ready backend");
    }

    /**
     * A response is still to come here — of a client command or of one of the connector's own —
     * whether or not the connection is still open.
     */
    boolean isBusy() {
        return tracker != null && (!tracker.isIdle() || internalPending > 0);
    }

    @Override
    public String toString() {
        return datasource + (primary ? " (primary)" : "") + " thread " + connection.serverConnectionId();
    }
}
