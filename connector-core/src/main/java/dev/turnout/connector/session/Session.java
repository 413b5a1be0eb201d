package dev.turnout.connector.session;

import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.routing.policy.Router;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session: it makes the session's parts — client side ({@link ClientConnection}), command
 * queue and dispatcher, route decision, prepared statements, backends and the primary's lifecycle,
 * preparation of backends, response path, and {@link BackendEvents}, which hears the backends — and
 * takes what the client side gives it after the login. It also answers what the connector asks of
 * every session: {@link #drain}, {@link #wake}, {@link #atTransactionBoundary},
 * {@link #abortTransactionForSwitch}, {@link #releaseIfIdle}.
 *
 * <p><b>Threading.</b> A session lives on its client channel's event loop, and every backend
 * channel of the session is registered on the same loop, so every method of every part runs on
 * that one thread: no locks, no volatile fields. Only the {@link SessionServices} (immutable or
 * thread-safe) and the {@link SessionRegistry} cross loops.
 */
public final class Session {

    private static final Logger log = LoggerFactory.getLogger(Session.class);

    private final SessionServices services;
    private final long connectionId;
    private final String tag;
    private final ClientConnection client;
    private final SessionState state = new SessionState();
    private final PreparedStatements statements;
    private final SessionBackends backends;
    private final PrimaryLink link;
    private final CommandIntake intake;
    private final Dispatcher dispatcher;
    private final CommandQueue queue;
    private final SessionHost host;
    private int framesAtIdleCheck = -1;
    private int loopIndex = -1;

    /** A session of the client on {@code ctx}, accepted on {@code listener}; it registers itself. */
    public Session(
            SessionServices services,
            Listener listener,
            long connectionId,
            String peer,
            ChannelHandlerContext ctx,
            SessionHost host) {
        this.services = services;
        this.connectionId = connectionId;
        this.tag = "[" + connectionId + " " + peer + "]";
        this.host = host;
        this.client = new ClientConnection(ctx, this::end);
        LoopSessions loop = services.registry().loop(ctx.executor());
        Runnable retryLater = () -> loop.retryLater(this);
        this.statements = new PreparedStatements(services.topology().slots());
        this.backends =
                new SessionBackends(services, ctx.channel().eventLoop(), loop.pool(), statements, peer, connectionId);
        this.link = new PrimaryLink(services, backends, state, ctx.channel().eventLoop(), tag);
        Preparation preparation =
                new Preparation(state, backends, ctx.alloc(), services.routing().consistencyWaitMillis(), tag);
        this.intake = new CommandIntake(services.config().maxAllowedPacket());
        InlineAnswers inline = new InlineAnswers(services, client, state, backends, link, connectionId, listener);
        this.dispatcher = new Dispatcher(
                services,
                client,
                state,
                statements,
                backends,
                link,
                preparation,
                intake,
                inline,
                new KillTranslator(services.registry(), client, state),
                host,
                retryLater);
        this.queue = new CommandQueue(services, client, backends, link, intake, dispatcher);
        ResponsePath responses = new ResponsePath(
                client,
                state,
                statements,
                backends,
                preparation,
                services.routing().smartscale(),
                tag);
        backends.listener(new BackendEvents(
                services,
                connectionId,
                tag,
                client,
                host,
                state,
                statements,
                backends,
                link,
                preparation,
                responses,
                intake,
                queue,
                retryLater,
                this::dropAll));
        services.registry().add(this);
    }

    public long connectionId() {
        return connectionId;
    }

    public ClientConnection client() {
        return client;
    }

    EventLoop eventLoop() {
        return client.eventLoop();
    }

    int loopIndex() {
        return loopIndex;
    }

    void loopIndex(int index) {
        loopIndex = index;
    }

    // ---------------------------------------------------------------- from the client

    /**
     * The login (or a COM_CHANGE_USER) succeeded: the session opens its primary connection, and the
     * client gets its OK once that is ready ({@link SessionHost#loggedIn}).
     */
    public void start(SessionLogin verified) {
        backends.login(verified, client.capabilities());
        dispatcher.router(new SessionRouter(
                services.routing(),
                services.topology(),
                state,
                backends,
                verified.qos(),
                new Router(verified.readPolicy(), (int) (connectionId & Integer.MAX_VALUE))));
        client.phase(FrontendPhase.CONNECTING_BACKEND);
        link.open();
    }

    /** COM_CHANGE_USER: the session starts over; new backend connections carry no state of the old ones. */
    public void startOver() {
        dropAll();
        state.reset();
        statements.clear();
    }

    /** A client frame once the client is authenticated. */
    public void clientFrame(ByteBuf frame) {
        queue.clientFrame(frame);
    }

    /** The end of a read batch from the client. */
    public void clientReadComplete() {
        queue.clientReadComplete();
    }

    /** The client can take more: every backend is read again. */
    public void clientWritable() {
        backends.readAll();
    }

    /** The client's connection closed. */
    public void closed() {
        services.registry().remove(this);
        client.closed();
    }

    // ---------------------------------------------------------------- what the connector asks of a session

    /**
     * When the connector shuts down or goes OFFLINE: an idle session is closed now, a session with a
     * command in flight when its response is complete; a client still logging in gets {@code loginError}.
     */
    public void drain(ErrPacket loginError) {
        client.drain();
        switch (client.phase()) {
            case COMMANDS -> {
                if (!queue.inFlight()) {
                    client.close();
                }
            }
            case HANDSHAKE_SENT, AUTH_SWITCH_SENT, AUTH_RELAYED, CONNECTING_BACKEND -> host.loginFailed(loginError);
            case CLOSING, FAILED -> {}
        }
    }

    /** After the connector's state or topology changed: a command that waited goes on if it can. */
    public void wake() {
        if (client.isCommandPhase()) {
            queue.wake();
        }
    }

    /** Whether the session is at a transaction boundary with nothing in flight (a manager waits for every session to be). */
    public boolean atTransactionBoundary() {
        if (!client.isCommandPhase() || link.backend() == null) {
            return true;
        }
        // (A read-only transaction on a replica is no reason to wait: ON-HOLD pauses it, the primary's switch cannot
        // harm it.)
        return backends.allIdle() && !state.inTransaction();
    }

    /**
     * A switch has waited connector-disconnect-timeout for this session to leave its transaction: the
     * transaction is aborted (the primary rolls it back when its connection closes) and the session
     * ends with an error — as the answer to a statement in flight, else unsolicited, as a server that
     * kills a connection sends it.
     */
    public void abortTransactionForSwitch() {
        if (atTransactionBoundary()) {
            return;
        }
        log.info("{} still inside a transaction when the switch could wait no longer; aborting it", tag);
        ErrPacket error = ConnectorErrors.abortedBySwitch(
                services.config().failover().disconnectTimeout().toMillis());
        client.fail(client.responseStarted() ? -1 : backends.allIdle() ? 0 : intake.lastSequence() + 1, error);
    }

    /**
     * connector-idle-release: a session that took in no client frame since the last check, has
     * nothing in flight and whose state the history can rebuild ({@link SessionState#releasable()},
     * no statement waiting for long data) lets its connections go, to the pool when there is one.
     * Its next command connects to the master as after a lost primary, with the history replayed and
     * prepared statements prepared again on first use.
     */
    void releaseIfIdle() {
        if (intake.frames() != framesAtIdleCheck) {
            framesAtIdleCheck = intake.frames();
            return;
        }
        if (!client.isCommandPhase()
                || backends.relayed() // nothing could log it in again
                || !link.settled()
                || queue.inFlight()
                || queue.hasQueued()
                || !state.releasable()
                || statements.anyLongData()) {
            return;
        }
        log.debug(
                "{} idle for {}: letting its backend connections go",
                tag,
                services.config().backends().idleRelease());
        backends.forEach(backend -> backends.drop(backend, false));
        services.registry().released(this);
        link.released();
    }

    /** Another session's {@code KILL} named this one while it had let its connections go: it ends, as a killed connection does. */
    void killedWhileReleased() {
        if (client.isCommandPhase()) {
            log.info("{} killed while idle", tag);
            client.close();
        }
    }

    /** The session ends (the client side's end hook): what it holds is let go. */
    private void end() {
        queue.releaseQueued();
        dropAll();
    }

    private void dropAll() {
        backends.letGoAll();
        link.reset();
        statements.preparesLost();
    }
}
