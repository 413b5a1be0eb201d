package dev.turnout.connector.session;

import dev.turnout.connector.backend.BackendConnection;
import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.error.LogSafe;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import io.netty.channel.EventLoop;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of a session's primary connection, as one state machine:
 *
 * <pre>
 * OPENING ──ready──▶ ATTACHED ◀──────────────ready── MOVING ◀── master changed, session movable
 *                     │  ▲  └─ master changed, session pinned ─▶ STRANDED
 *   closed under us ──┘  └──────────ready── RECONNECTING ◀── command ── LOST ◀── server gone ── PROBING
 *   (PROBING: a new connection to the same server tells a killed connection from a lost server)
 *   idle release ─▶ RELEASED ── command ─▶ WAKING ──ready──▶ ATTACHED
 * </pre>
 *
 * Each method returns what happened, for the session to act on: {@link Gate} before a command,
 * {@link Outcome} when a primary connection it opened is ready or failed.
 *
 * <p>Confined to the session's event loop.
 */
final class PrimaryLink {

    private static final Logger log = LoggerFactory.getLogger(PrimaryLink.class);

    enum State {
        /** The login opens the first primary connection. */
        OPENING,
        /** The primary connection is the topology's master, or the master could not be followed. */
        ATTACHED,
        /** The master is elsewhere, but the session's state cannot move (logged once). */
        STRANDED,
        /** The master changed: a connection to it is being opened; the old one serves until then. */
        MOVING,
        /** The primary connection closed under the session: a new connection to the same server tells why. */
        PROBING,
        /** The primary server is gone: the next command waits for a master. */
        LOST,
        /** A command waits while a connection to the master is being opened. */
        RECONNECTING,
        /** The session let its connections go while idle; its next command reconnects. */
        RELEASED,
        /** Reconnecting after a release. */
        WAKING
    }

    /** Whether a command may go on now. */
    enum Gate {
        PROCEED,
        WAIT,
        RETRY_LATER,
        GAVE_UP
    }

    /** What the readiness or failure of a primary connection meant. */
    enum Outcome {
        LOGGED_IN,
        MOVED,
        RECOVERED,
        WOKEN,
        /** The probe reached the server: the lost connection was killed. */
        SERVER_ALIVE,
        /** The probe failed too: the server is gone. */
        SERVER_LOST,
        /** A connection to the master failed while the session waits for one: try again later. */
        RETRY_LATER,
        /** The new master is not reachable: the session stays where it is. */
        MOVE_FAILED,
        /** The login's primary connection failed. */
        LOGIN_FAILED,
        /** Not a connection of this lifecycle. */
        NOT_MINE
    }

    private final SessionServices services;
    private final SessionBackends backends;
    private final SessionState state;
    private final EventLoop loop;
    private final String session;
    private State phase = State.OPENING;
    private @Nullable SessionBackend primary;
    /** The connection being opened (MOVING, PROBING, RECONNECTING, WAKING). */
    private @Nullable SessionBackend pending;
    /** PROBING: the connection that closed, until the session takes it. */
    private @Nullable SessionBackend lost;
    /** When a command waiting for a primary gives up (ticker time); 0 while none waits. */
    private long deadline;

    /** @param session "[id peer]", for log lines */
    PrimaryLink(
            SessionServices services, SessionBackends backends, SessionState state, EventLoop loop, String session) {
        this.services = services;
        this.backends = backends;
        this.state = state;
        this.loop = loop;
        this.session = session;
    }

    State state() {
        return phase;
    }

    /** The session's primary connection (after a loss, the lost one until a new one is ready); null when released. */
    @Nullable
    SessionBackend backend() {
        return primary;
    }

    /**
     * The primary connection of a session attached to it (or stranded on it, or moving from it):
     * after {@link Gate#PROCEED}, or once the login's connection is ready. Only a release or a
     * reset leaves the session without one, and the next command reconnects before it proceeds.
     */
    SessionBackend attached() {
        return Objects.requireNonNull(primary, "the session is attached to a primary");
    }

    boolean probing() {
        return phase == State.PROBING;
    }

    /** The session has its primary connection and is not changing it. */
    boolean settled() {
        return phase == State.ATTACHED || phase == State.STRANDED;
    }

    /** Opens the login's primary connection: the topology's master, else the configured one. */
    void open() {
        Datasource master = services.topology().dataservice().masterOrNull();
        if (master == null || services.topology().slot(master.name()) < 0) {
            HostPort configured = services.config().dataservice().requireMaster();
            String name = services.config().dataservice().datasourceName(configured);
            primary = backends.open(services.topology().slot(name), name, configured.host(), configured.port(), true);
        } else {
            primary = backends.open(
                    services.topology().slot(master.name()), master.name(), master.host(), master.port(), true);
        }
        phase = State.OPENING;
        pending = null;
        deadline = 0;
        backends.current(primary);
    }

    /**
     * Before a command: after a loss or a release, reconnects to the topology's master (the command
     * waits, at most connector-failover-wait); else follows a master that moved elsewhere.
     */
    Gate beforeCommand(Dataservice service) {
        switch (phase) {
            case LOST, RECONNECTING, RELEASED, WAKING -> {
                long now = services.ticker().nanoTime();
                if (deadline != 0 && now - deadline > 0) {
                    deadline = 0; // the next command waits again
                    return Gate.GAVE_UP;
                }
                return reconnect(service, now);
            }
            case MOVING, PROBING, OPENING -> {
                return Gate.WAIT;
            }
            case ATTACHED, STRANDED -> {
                return follow(service);
            }
        }
        throw new IllegalStateException(phase.name());
    }

    private Gate reconnect(Dataservice service, long now) {
        if (pending != null) {
            return Gate.WAIT;
        }
        if (deadline == 0) {
            deadline = now + services.config().failover().waitTime().toNanos();
            if (deadline == 0) {
                deadline = 1;
            }
        }
        Datasource master = service.masterOrNull();
        int slot = master == null ? -1 : services.topology().slot(master.name());
        if (master == null || slot < 0 || !master.reachable() || master.state() != DatasourceState.ONLINE) {
            return Gate.RETRY_LATER;
        }
        SessionBackend existing = backends.at(slot);
        if (existing != null) {
            backends.drop(existing, false);
        }
        pending = backends.open(slot, master.name(), master.host(), master.port(), true);
        phase = phase == State.RELEASED ? State.WAKING : State.RECONNECTING;
        return Gate.WAIT;
    }

    /**
     * Moves the session to the topology's master when that is no longer the session's primary (a
     * switch or a failover), at a command boundary and outside a transaction: a new primary
     * connection is opened and brought to the session's state (the history is replayed, prepared
     * statements are prepared again on first use), then the old one is let go. A session pinned by
     * state that cannot move (temporary tables, locks, handlers, a history too long to replay) stays
     * where it is, and the old primary's own errors (read-only) tell it.
     */
    private Gate follow(Dataservice service) {
        SessionBackend on = attached(); // follow is asked only while ATTACHED or STRANDED
        Datasource master = service.masterOrNull();
        if (master == null
                || master.name().equals(on.datasource)
                || !master.reachable()
                || master.state() != DatasourceState.ONLINE) {
            return Gate.PROCEED;
        }
        int slot = services.topology().slot(master.name());
        if (slot < 0 || backends.backedOff(slot)) {
            return Gate.PROCEED;
        }
        if (!backends.allIdle()) {
            return Gate.WAIT;
        }
        if (state.inTransaction()) {
            return Gate.PROCEED; // a transaction ends where it began
        }
        if (!state.pins().isEmpty()) {
            if (phase != State.STRANDED) {
                phase = State.STRANDED;
                log.debug(
                        "{} the master is now {}, but this session's state cannot move ({}): it stays on {}",
                        session,
                        master.name(),
                        state.pins(),
                        on.datasource);
                services.tally()
                        .add(
                                "sessions stay on " + on.datasource + " although the master is now "
                                        + master.name()
                                        + " (their state cannot move: temporary tables, locks, handlers)",
                                loop);
            }
            return Gate.PROCEED;
        }
        SessionBackend existing = backends.at(slot);
        if (existing != null) {
            backends.drop(existing, false);
        }
        log.debug("{} the master is now {}: moving the session from {}", session, master.name(), on.datasource);
        services.tally().add("sessions moved from " + on.datasource + " to the new master " + master.name(), loop);
        pending = backends.open(slot, master.name(), master.host(), master.port(), true);
        phase = State.MOVING;
        return Gate.WAIT;
    }

    /** A primary connection of this session is ready. */
    Outcome ready(SessionBackend backend) {
        if (backend != pending) {
            if (phase == State.OPENING && backend == primary) {
                phase = State.ATTACHED;
                return Outcome.LOGGED_IN;
            }
            return Outcome.NOT_MINE;
        }
        pending = null;
        if (phase == State.PROBING) {
            backends.letGo(backend);
            phase = State.ATTACHED; // the session ends now
            return Outcome.SERVER_ALIVE;
        }
        SessionBackend old = primary;
        primary = backend;
        backends.current(backend);
        Outcome outcome = switch (phase) {
            case MOVING -> {
                backends.drop(Objects.requireNonNull(old, "a session moves from its primary"), false);
                yield Outcome.MOVED;
            }
            case WAKING -> Outcome.WOKEN;
            default -> {
                log.debug("{} primary {} reached again", session, backend.datasource);
                services.tally().add("sessions reached a primary again on " + backend.datasource, loop);
                yield Outcome.RECOVERED;
            }
        };
        phase = State.ATTACHED;
        deadline = 0;
        return outcome;
    }

    /** A primary connection of this session could not be opened. */
    Outcome failed(SessionBackend backend, String error) {
        if (backend != pending) {
            return phase == State.OPENING && backend == primary ? Outcome.LOGIN_FAILED : Outcome.NOT_MINE;
        }
        pending = null;
        backends.forget(backend);
        switch (phase) {
            case PROBING -> {
                phase = State.LOST;
                deadline = 0;
                return Outcome.SERVER_LOST;
            }
            case RECONNECTING, WAKING -> {
                log.debug(
                        "{} primary {} not reachable yet: {}",
                        session,
                        backend.datasource,
                        LogSafe.text(error, LogSafe.TEXT));
                phase = phase == State.WAKING ? State.RELEASED : State.LOST;
                return Outcome.RETRY_LATER;
            }
            default -> {
                log.warn(
                        "{} the new master {} is not reachable: {}; the session stays on {}",
                        session,
                        backend.datasource,
                        LogSafe.text(error, LogSafe.TEXT),
                        attached().datasource); // MOVING: the session stays on its primary
                phase = State.ATTACHED;
                return Outcome.MOVE_FAILED;
            }
        }
    }

    /**
     * The primary connection closed under the session. Was it killed (the server is alive: the
     * session ends, as a direct connection would), or did the server go away (a failure: the
     * session survives it)? A new connection to the same server tells.
     */
    void closedUnder(SessionBackend backend) {
        backends.drop(backend, false);
        lost = backend;
        BackendConnection.Target target = backend.connection.target();
        pending = backends.open(backend.slot, backend.datasource, target.host(), target.port(), true);
        phase = State.PROBING;
    }

    /** The connection that closed under the session (after {@link Outcome#SERVER_ALIVE} or {@link Outcome#SERVER_LOST}). */
    SessionBackend takeLost() {
        SessionBackend closed = Objects.requireNonNull(lost, "closedUnder set it before the probe that answers");
        lost = null;
        return closed;
    }

    /** The session let its connections go while idle (connector-idle-release). */
    void released() {
        primary = null; // nothing keeps the closed connection reachable while the session is idle
        phase = State.RELEASED;
        deadline = 0;
    }

    /** COM_CHANGE_USER or the end of the session: every connection was let go. */
    void reset() {
        primary = null;
        pending = null;
        lost = null;
    }
}
