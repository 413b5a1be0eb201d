package dev.turnout.connector.session;

import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.message.server.SessionStateInfo;
import dev.turnout.protocol.response.ResponseTracker;
import dev.turnout.protocol.response.ServerStep;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.routing.topology.GtidPosition;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server to client: each packet of the response to a client command is forwarded as it is (a
 * PREPARE_OK gets the session's own statement id, an OK loses session state the client did not ask
 * for), and when a response is complete the session learns what the command changed: the primary's
 * status flags, a session command to record, a statement prepared, a reset.
 *
 * <p>Confined to the session's event loop.
 */
final class ResponsePath {

    private static final Logger log = LoggerFactory.getLogger(ResponsePath.class);

    /** What a server packet meant. */
    enum Step {
        /** Forwarded; the response goes on (or another one is still due on the backend). */
        FORWARDED,
        /** Forwarded, and the backend is at a command boundary. */
        BOUNDARY,
        /** A packet the protocol does not allow now, or from a backend the client is not waiting for: released. */
        UNEXPECTED
    }

    private final ClientConnection client;
    private final SessionState state;
    private final PreparedStatements statements;
    private final SessionBackends backends;
    private final Preparation preparation;
    private final boolean smartscale;
    private final String session;

    /** @param session "[id peer]", for log lines */
    ResponsePath(
            ClientConnection client,
            SessionState state,
            PreparedStatements statements,
            SessionBackends backends,
            Preparation preparation,
            boolean smartscale,
            String session) {
        this.client = client;
        this.state = state;
        this.statements = statements;
        this.backends = backends;
        this.preparation = preparation;
        this.smartscale = smartscale;
        this.session = session;
    }

    /** A packet of the response to a client command (the caller has no more use for it). */
    Step onPacket(SessionBackend backend, ByteBuf frame) {
        ResponseTracker tracker = backend.readyTracker();
        ResponseTracker.State before = tracker.state();
        int first = Packets.firstByte(frame);
        boolean prepareOk = before == ResponseTracker.State.PREPARE_HEAD && first == 0x00;
        AfterResponse head = backend.completions.peek();
        if (prepareOk && head != null && head.kind == AfterResponse.Kind.PREPARED) {
            statements.rewritePrepareOk(frame, head);
        }
        ServerStep step = tracker.onServerPacket(frame);
        if (step == ServerStep.UNEXPECTED
                || backend != backends.current()
                || prepareOk && (head == null || head.kind != AfterResponse.Kind.PREPARED)) {
            // (A PREPARE_OK the session cannot give an id of its own would leave the client a statement it does not
            // know.)
            frame.release();
            log.warn(
                    "{} unexpected packet from backend {} while {}; closing the session",
                    session,
                    backend,
                    tracker.state());
            return Step.UNEXPECTED;
        }
        if ((backend.stripSessionState || backend.primary && smartscale) && isOk(before, first, frame)) {
            sessionStateOf(backend, frame);
        }
        if (step == ServerStep.COMPLETE) {
            completed(backend, backend.completions.poll(), first != 0xFF);
        }
        client.forward(frame);
        if (step == ServerStep.COMPLETE && tracker.isIdle()) {
            client.responseComplete();
            return Step.BOUNDARY;
        }
        return Step.FORWARDED;
    }

    /** An OK packet (also one that ends a result set with CLIENT_DEPRECATE_EOF), judged by the tracker's state before it. */
    private static boolean isOk(ResponseTracker.State before, int first, ByteBuf frame) {
        return switch (before) {
            case RESULT_HEAD, OK_RESPONSE, LOCAL_INFILE_RESULT -> first == 0x00;
            case ROWS -> first == 0xFE && Packets.payloadLength(frame) < Packets.MAX_PAYLOAD;
            default -> false;
        };
    }

    /** Learns the GTID of a write from the primary's OK, and cuts session state the client did not ask for. */
    private void sessionStateOf(SessionBackend backend, ByteBuf frame) {
        try {
            if (backend.primary && smartscale) {
                String gtid = SessionStateInfo.trackedGtid(frame);
                if (gtid != null) {
                    state.wrote(GtidPosition.parse(gtid));
                }
            }
            if (backend.stripSessionState) {
                SessionStateInfo.strip(frame);
            }
        } catch (RuntimeException e) {
            log.debug("{} unreadable session state from {}: {}", session, backend, e.getMessage());
        }
    }

    /** The response to a client command is complete: the session learns what it changed. */
    private void completed(SessionBackend backend, AfterResponse after, boolean succeeded) {
        if (backend.primary) {
            state.primaryStatus(backend.readyTracker().serverStatus());
        } else if (backend.slot == state.readOnlyTransactionSlot()
                && !ServerStatus.has(backend.readyTracker().serverStatus(), ServerStatus.IN_TRANS)) {
            state.readOnlyTransactionEnded(); // committed, rolled back, or it did not start
        }
        if (after == null) {
            return;
        }
        switch (after.kind) {
            case NOTHING -> {}
            case RECORD -> {
                if (succeeded) {
                    boolean upToDate = !preparation.needsReplay(backend);
                    state.recordSessionCommand(after.commandPayload());
                    preparation.recorded(backend, upToDate); // the backend that ran it has the whole history
                    if (backend.primary && smartscale) {
                        preparation.recordedOnPrimary(after.commandPayload());
                    }
                }
            }
            case PREPARED -> statements.prepared(after, backend.slot);
            case RESET -> {
                if (succeeded) {
                    // The primary forgot everything; replicas are let go, to be reopened clean.
                    state.reset();
                    statements.clear();
                    backends.forEach(open -> {
                        if (!open.primary) {
                            backends.drop(open, false);
                        }
                    });
                }
            }
        }
    }
}
