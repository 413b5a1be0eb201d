package dev.turnout.connector.session;

import dev.turnout.connector.error.LogSafe;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.response.ResponseTracker;
import dev.turnout.protocol.response.ServerStep;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a backend connection to what the session's next command needs, with commands of the
 * connector's own whose answers the client never sees: the session-command history replayed, a
 * prepared statement prepared there, a replica asked to reach the session's last write
 * ({@code MASTER_GTID_WAIT} / {@code WAIT_FOR_EXECUTED_GTID_SET}), the primary made to report the
 * GTID of each write (read-your-writes). The command that needs it waits meanwhile.
 *
 * <p>Confined to the session's event loop.
 */
final class Preparation {

    private static final Logger log = LoggerFactory.getLogger(Preparation.class);

    /** What the end of one of the connector's own commands means for the session. */
    enum Finished {
        /** More answers are to come. */
        NOT_YET,
        /** GTID tracking is set up (or was refused, which is logged): the login, or the waiting command, goes on. */
        TRACKING,
        /** A replica refused the session's state or the statement: it serves the session no more. */
        REFUSED,
        /** The backend is prepared: the waiting command goes on. */
        DONE
    }

    private final SessionState state;
    private final SessionBackends backends;
    private final ByteBufAllocator alloc;
    private final long consistencyWaitMillis;
    private final String session;
    /** The replica asked to reach the session's last write for the waiting command. */
    private @Nullable SessionBackend waitedOn;
    /** The client changed which variables the primary tracks: tracking is set again before the next command. */
    private boolean retrack;

    /** @param session "[id peer]", for log lines */
    Preparation(
            SessionState state,
            SessionBackends backends,
            ByteBufAllocator alloc,
            long consistencyWaitMillis,
            String session) {
        this.state = state;
        this.backends = backends;
        this.alloc = alloc;
        this.consistencyWaitMillis = consistencyWaitMillis;
        this.session = session;
    }

    /** The backend has not replayed the whole history yet. */
    boolean needsReplay(SessionBackend backend) {
        return backend.replayedEpoch != state.historyEpoch()
                || backend.replayed < state.history().size();
    }

    /** Sends the history entries the backend has not replayed; returns whether anything was sent. */
    boolean startReplay(SessionBackend backend) {
        if (backend.replayedEpoch != state.historyEpoch()) {
            backend.replayed = 0;
            backend.replayedEpoch = state.historyEpoch();
        }
        List<byte[]> history = state.history();
        for (int i = backend.replayed; i < history.size(); i++) {
            send(backend, SessionBackend.Internal.REPLAY, history.get(i));
        }
        boolean sent = backend.replayed < history.size();
        backend.replayed = history.size();
        if (sent) {
            backend.connection.flush();
        }
        return sent;
    }

    /** The backend that ran a recorded session command has the whole history (when it had it all before). */
    void recorded(SessionBackend backend, boolean wasUpToDate) {
        if (wasUpToDate) {
            backend.replayedEpoch = state.historyEpoch();
            backend.replayed = state.history().size();
        }
    }

    /** Prepares a statement on a server that has not seen it (a replica, or a new primary). */
    void startPrepare(SessionBackend backend, PreparedStatement statement) {
        backend.preparing = statement;
        send(backend, SessionBackend.Internal.PREPARE, statement.preparePayload());
        backend.connection.flush();
    }

    /** Asks a replica to wait, bounded, until it has applied the session's last write. */
    void startWait(SessionBackend backend) {
        waitedOn = backend;
        backend.waitReached = false;
        String position = state.lastWrite().toString();
        double seconds = consistencyWaitMillis / 1000.0;
        String sql = isMariaDb(backend)
                ? "SELECT MASTER_GTID_WAIT('" + position + "', " + seconds + ")"
                : "SELECT WAIT_FOR_EXECUTED_GTID_SET('" + position + "', " + seconds + ")";
        send(backend, SessionBackend.Internal.WAIT, queryPayload(sql));
        backend.connection.flush();
    }

    /** The replica asked to reach the last write, while the waiting command has not been sent. */
    @Nullable
    SessionBackend waitedOn() {
        return waitedOn;
    }

    /** The waiting command was sent, or goes elsewhere. */
    void clearWait() {
        waitedOn = null;
    }

    /** The backend is gone: a wait on it is over. */
    void forget(SessionBackend backend) {
        if (waitedOn == backend) {
            waitedOn = null;
        }
    }

    /** Makes the primary report the GTID of each write in its OK packets (read-your-writes). */
    void startTracking(SessionBackend backend) {
        String sql = isMariaDb(backend)
                ? "SET session_track_system_variables = CONCAT_WS(',', NULLIF(@@session_track_system_variables, ''), 'last_gtid')"
                : "SET session_track_gtids = OWN_GTID";
        send(backend, SessionBackend.Internal.TRACKING, queryPayload(sql));
        backend.connection.flush();
    }

    /** A session command that succeeded on the primary may have replaced the variables it tracks. */
    void recordedOnPrimary(byte[] payload) {
        if (new String(payload, StandardCharsets.ISO_8859_1)
                .toLowerCase(Locale.ROOT)
                .contains("session_track_")) {
            retrack = true; // MariaDB Connector/J replaces them at connect
        }
    }

    /** Whether tracking must be set again on the primary before the next command; the answer is given once. */
    boolean takeRetrack() {
        boolean due = retrack;
        retrack = false;
        return due;
    }

    private void send(SessionBackend backend, SessionBackend.Internal kind, byte[] payload) {
        ByteBuf frame = alloc.buffer(Packets.HEADER_SIZE + payload.length);
        Packets.writeHeader(frame, payload.length, 0);
        frame.writeBytes(payload);
        backend.internal = kind;
        backend.internalPending++;
        backend.readyTracker().onClientPacket(frame);
        backends.write(backend, frame);
    }

    /** A packet answering one of the connector's own commands: read, released, never forwarded. */
    Finished onPacket(SessionBackend backend, ByteBuf frame) {
        ResponseTracker tracker = backend.readyTracker();
        ResponseTracker.State before = tracker.state();
        int first = Packets.firstByte(frame);
        int payload = Packets.payloadIndex(frame);
        if (first == 0xFF
                && (before == ResponseTracker.State.RESULT_HEAD
                        || before == ResponseTracker.State.OK_RESPONSE
                        || before == ResponseTracker.State.PREPARE_HEAD)) {
            backend.internalFailed = true;
            if (log.isDebugEnabled()) {
                log.debug(
                        "{} {} on {} failed: {}",
                        session,
                        backend.internal,
                        backend,
                        LogSafe.text(
                                ErrPacket.decode(
                                                frame.slice(payload, Packets.payloadLength(frame)),
                                                Capabilities.CLIENT_PROTOCOL_41)
                                        .message(),
                                LogSafe.TEXT));
            }
        } else if (backend.internal == SessionBackend.Internal.PREPARE
                && before == ResponseTracker.State.PREPARE_HEAD
                && first == 0x00) {
            Objects.requireNonNull(backend.preparing, "startPrepare sets it with Internal.PREPARE")
                    .backendId(backend.slot, frame.getIntLE(payload + 1));
        } else if (backend.internal == SessionBackend.Internal.WAIT
                && before == ResponseTracker.State.ROWS
                && first != 0xFE
                && first != 0xFF) {
            // One row, one column: 0 when the position was reached in time.
            backend.waitReached = Packets.payloadLength(frame) == 2
                    && frame.getByte(payload) == 1
                    && frame.getByte(payload + 1) == '0';
        }
        ServerStep step = tracker.onServerPacket(frame);
        frame.release();
        if (step == ServerStep.UNEXPECTED) {
            log.warn("{} unexpected packet from {} while {}", session, backend, tracker.state());
            backend.internalFailed = true;
            backend.internalPending = 1;
        }
        if ((step == ServerStep.COMPLETE || step == ServerStep.UNEXPECTED) && --backend.internalPending == 0) {
            return finished(backend);
        }
        return Finished.NOT_YET;
    }

    private Finished finished(SessionBackend backend) {
        SessionBackend.Internal kind = backend.internal;
        boolean failed = backend.internalFailed;
        backend.internal = SessionBackend.Internal.NONE;
        backend.internalFailed = false;
        backend.preparing = null;
        if (kind == SessionBackend.Internal.TRACKING) {
            if (failed) {
                log.warn(
                        "{} the primary {} refused session tracking of GTIDs: reads of this session stay on the primary"
                                + " after its writes",
                        session,
                        backend);
            }
            return Finished.TRACKING;
        }
        if (failed && !backend.primary) {
            // A replica that cannot take the session's state (or the statement) does not serve it.
            log.info("{} {} of the session's state failed on {}; its reads go elsewhere", session, kind, backend);
            return Finished.REFUSED;
        }
        return Finished.DONE;
    }

    private static boolean isMariaDb(SessionBackend backend) {
        return backend.connection.greeting() != null
                && backend.connection.greeting().serverVersion().contains("MariaDB");
    }

    private static byte[] queryPayload(String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[text.length + 1];
        payload[0] = (byte) Command.COM_QUERY;
        System.arraycopy(text, 0, payload, 1, text.length);
        return payload;
    }
}
