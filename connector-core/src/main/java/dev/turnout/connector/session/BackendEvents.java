package dev.turnout.connector.session;

import dev.turnout.connector.backend.BackendConnection;
import dev.turnout.connector.backend.BackendListener;
import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.connector.error.LogSafe;
import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.OkPacket;
import dev.turnout.protocol.response.ResponseTracker;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the backend connections of one session tell it, routed to the part it concerns: a
 * connection ready or failed (a replica, or the primary's lifecycle: {@link PrimaryLink}), a
 * packet (of the connector's own commands: {@link Preparation}; of the client's:
 * {@link ResponsePath}), the end of a read batch, writability, and a connection that closed under
 * the session.
 *
 * <p>Confined to the session's event loop, where every backend of the session is registered.
 */
final class BackendEvents implements BackendListener {

    private static final Logger log = LoggerFactory.getLogger(BackendEvents.class);

    private final SessionServices services;
    private final long connectionId;
    private final String tag;
    private final ClientConnection client;
    private final SessionHost host;
    private final SessionState state;
    private final PreparedStatements statements;
    private final SessionBackends backends;
    private final PrimaryLink link;
    private final Preparation preparation;
    private final ResponsePath responses;
    private final CommandIntake intake;
    private final CommandQueue queue;
    private final Runnable retryLater;
    private final Runnable dropAll;
    private int loginStatus;

    /**
     * @param retryLater wakes the session again after connector-failover-retry
     * @param dropAll    lets every connection of the session go (a stale login)
     */
    BackendEvents(
            SessionServices services,
            long connectionId,
            String tag,
            ClientConnection client,
            SessionHost host,
            SessionState state,
            PreparedStatements statements,
            SessionBackends backends,
            PrimaryLink link,
            Preparation preparation,
            ResponsePath responses,
            CommandIntake intake,
            CommandQueue queue,
            Runnable retryLater,
            Runnable dropAll) {
        this.services = services;
        this.connectionId = connectionId;
        this.tag = tag;
        this.client = client;
        this.host = host;
        this.state = state;
        this.statements = statements;
        this.backends = backends;
        this.link = link;
        this.preparation = preparation;
        this.responses = responses;
        this.intake = intake;
        this.queue = queue;
        this.retryLater = retryLater;
        this.dropAll = dropAll;
    }

    /** The primary connection is ready (and tracks GTIDs if needed): the client gets its OK. */
    private void finishLogin() {
        host.loggedIn(loginStatus);
        intake.reset();
        log.debug(
                "{} primary {} thread {}",
                tag,
                link.attached().connection.target(),
                link.attached().connection.serverConnectionId());
        if (client.draining()) {
            client.close();
            return;
        }
        queue.resume();
    }

    @Override
    public void backendReady(BackendConnection ready, OkPacket ok) {
        SessionBackend backend = backends.of(ready);
        if (backend == null) {
            ready.close();
            return;
        }
        backend.tracker = new ResponseTracker(ready.capabilities());
        backends.ready(backend, ready.serverConnectionId());
        backends.counted(backend);
        if (!backend.primary) {
            log.debug("{} replica connection {} ready", tag, backend);
            ready.read();
            queue.resume();
            return;
        }
        switch (link.ready(backend)) {
            case SERVER_ALIVE -> primaryKilled(link.takeLost());
            case LOGGED_IN -> {
                if (client.phase() != FrontendPhase.CONNECTING_BACKEND) {
                    dropAll.run();
                    return;
                }
                loginStatus = ok.statusFlags();
                primaryReady(backend, ok);
                if (services.routing().smartscale()) {
                    preparation.startTracking(backend);
                } else {
                    finishLogin();
                }
            }
            case MOVED, RECOVERED, WOKEN -> {
                primaryReady(backend, ok);
                services.registry().woke(connectionId);
                if (services.routing().smartscale()) {
                    preparation.startTracking(backend); // then the waiting command goes on
                } else {
                    queue.resume();
                }
            }
            default -> dropAll.run();
        }
    }

    private void primaryReady(SessionBackend backend, OkPacket ok) {
        state.primaryStatus(ok.statusFlags());
        services.registry().serverThread(connectionId, backend.connection.serverConnectionId());
        backend.connection.read();
    }

    @Override
    public void backendFailed(BackendConnection failed, ErrPacket error) {
        SessionBackend backend = backends.of(failed);
        if (backend == null) {
            return;
        }
        if (backend.primary) {
            switch (link.failed(backend, error.message())) {
                case SERVER_LOST -> {
                    primaryLost(link.takeLost());
                    return;
                }
                case RETRY_LATER -> {
                    retryLater.run();
                    return;
                }
                case LOGIN_FAILED -> {
                    log.info(
                            "{} no backend for dataservice {}: {}",
                            tag,
                            services.config().serviceName(),
                            LogSafe.text(error.message(), LogSafe.TEXT));
                    host.loginFailed(error);
                    return;
                }
                default -> {} // a new master that cannot be reached is backed off like a replica
            }
        }
        log.info(
                "{} {} unavailable for this session: {}",
                tag,
                backend.datasource,
                LogSafe.text(error.message(), LogSafe.TEXT));
        backends.forget(backend);
        backends.backOff(backend.slot);
        queue.resume();
    }

    /**
     * The primary asks the client to authenticate (a relayed login): during the login the client
     * answers, through the login; later, a new connection (the primary moved) cannot be logged in
     * without the client, and the session ends with an error, as a direct connection to the old
     * primary would.
     */
    @Override
    public void backendAuthRelay(BackendConnection relaying, byte[] packet) {
        SessionBackend backend = backends.of(relaying);
        if (backend != null && backend.primary && client.phase() == FrontendPhase.CONNECTING_BACKEND) {
            host.relayAuth(packet, relaying::relayAnswer);
            return;
        }
        relaying.close();
        if (backend == null) {
            return;
        }
        backends.forget(backend);
        log.info(
                "{} the primary authenticated this session, which cannot log in to {} by itself; closing the session",
                tag,
                relaying.target());
        client.fail(
                queue.waiting() || queue.inFlight() ? client.errorSequence(intake.lastSequence()) : 0,
                ConnectorErrors.cannotReauthenticate(relaying.target().toString()));
    }

    @Override
    public void backendPacket(BackendConnection from, ByteBuf frame) {
        SessionBackend backend = backends.of(from);
        if (backend == null || !client.isCommandPhase() && client.phase() != FrontendPhase.CONNECTING_BACKEND) {
            frame.release();
            return;
        }
        if (backend.internalPending > 0) {
            prepared(backend, preparation.onPacket(backend, frame));
            return;
        }
        switch (responses.onPacket(backend, frame)) {
            case UNEXPECTED ->
                client.fail(
                        client.errorSequence(intake.lastSequence()),
                        ConnectorErrors.backendLost(from.target().toString()));
            case BOUNDARY -> {
                if (client.draining() && !queue.inFlight()) {
                    client.flush();
                    client.close();
                } else if (queue.waiting()) {
                    queue.resume();
                }
            }
            case FORWARDED -> {}
        }
    }

    /** One of the connector's own commands on {@code backend} ended. */
    private void prepared(SessionBackend backend, Preparation.Finished finished) {
        switch (finished) {
            case NOT_YET -> {}
            case TRACKING -> {
                if (client.phase() == FrontendPhase.CONNECTING_BACKEND) {
                    finishLogin();
                } else {
                    queue.resume();
                }
            }
            case REFUSED -> {
                backends.drop(backend, true);
                preparation.forget(backend);
                queue.resume();
            }
            case DONE -> queue.resume();
        }
    }

    @Override
    public void backendReadComplete(BackendConnection from) {
        client.flush();
        if (client.isWritable()) {
            from.read();
        }
    }

    @Override
    public void backendWritabilityChanged(BackendConnection from, boolean writable) {
        if (writable) {
            queue.backendWritable();
        }
    }

    @Override
    public void backendClosed(BackendConnection closed) {
        SessionBackend backend = backends.of(closed);
        if (backend == null) {
            return;
        }
        // A client command's response was still to come (the connection is closed: isIdle() no longer says).
        boolean inFlight = backend.isBusy() && backend.internalPending == 0;
        SessionBackend current = backends.current();
        if (!backend.primary && !(inFlight && backend == current)) {
            log.info("{} replica connection {} closed", tag, backend);
            backends.drop(backend, true);
            preparation.forget(backend);
            queue.resume();
            return;
        }
        if (backend == link.backend()
                && client.isCommandPhase()
                && !(client.responseStarted() && current == backend)
                && backend.internalPending == 0) {
            link.closedUnder(backend);
            return;
        }
        if (client.phase() == FrontendPhase.CONNECTING_BACKEND) {
            host.loginFailed(ConnectorErrors.backendLost(closed.target().toString()));
        } else if (client.isCommandPhase() && queue.inFlight()) {
            log.info("{} backend {} closed during a command", tag, closed.target());
            client.fail(
                    client.errorSequence(intake.lastSequence()),
                    ConnectorErrors.backendLost(closed.target().toString()));
        } else if (client.isCommandPhase()) {
            log.info("{} backend {} closed; closing the session", tag, closed.target());
            client.close();
        }
    }

    /** The server of the lost primary connection answered: the connection was killed, so the session ends. */
    private void primaryKilled(SessionBackend lost) {
        log.info("{} backend {} closed while the server is up; closing the session", tag, lost);
        if (lost.completions.isEmpty()) {
            client.close();
        } else {
            client.fail(
                    intake.lastSequence() + 1,
                    ConnectorErrors.backendLost(lost.connection.target().toString()));
        }
    }

    /**
     * The primary server went away (its connection closed and a new one is refused): the commands it
     * had not answered get an error of their own — the session is not closed — and the next command
     * waits for a primary.
     */
    private void primaryLost(SessionBackend lost) {
        int unanswered = lost.completions.size();
        log.debug(
                "{} lost the primary {} ({} command(s) unanswered); waiting for a primary",
                tag,
                lost.datasource,
                unanswered);
        services.tally()
                .add(
                        "sessions lost the primary " + lost.datasource
                                + (unanswered > 0
                                        ? " during a statement (its client got an error) and wait for a primary"
                                        : " and wait for a primary"),
                        client.eventLoop());
        lost.completions.clear();
        statements.preparesLost();
        state.primaryStatus(ServerStatus.AUTOCOMMIT); // its transaction, if any, is gone with it
        for (int i = 0; i < unanswered; i++) {
            client.answerError(
                    1,
                    ConnectorErrors.primaryFailedDuringStatement(
                            services.config().serviceName(), lost.datasource));
        }
        client.flush();
        queue.resume();
    }
}
