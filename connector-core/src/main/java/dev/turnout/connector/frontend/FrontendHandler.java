package dev.turnout.connector.frontend;

import dev.turnout.connector.backend.BackendConnection;
import dev.turnout.connector.backend.BackendListener;
import dev.turnout.connector.backend.BackendPool;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.connector.config.QosSetting;
import dev.turnout.connector.config.UserMap;
import dev.turnout.connector.error.ErrorCode;
import dev.turnout.connector.session.PreparedStatement;
import dev.turnout.connector.session.RoutingSettings;
import dev.turnout.connector.session.SessionState;
import dev.turnout.connector.topology.ConnectorTopology;
import dev.turnout.protocol.classify.Classification;
import dev.turnout.protocol.classify.HintQos;
import dev.turnout.protocol.classify.StatementClassifier;
import dev.turnout.protocol.classify.StatementType;
import dev.turnout.protocol.message.server.SessionStateInfo;
import dev.turnout.protocol.message.server.TextResultSet;
import dev.turnout.routing.policy.Affinity;
import dev.turnout.routing.policy.Qos;
import dev.turnout.routing.policy.ReadPolicy;
import dev.turnout.routing.policy.Reason;
import dev.turnout.routing.policy.RouteDecision;
import dev.turnout.routing.policy.Router;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.GtidPosition;
import dev.turnout.routing.topology.Role;
import io.netty.util.collection.IntObjectHashMap;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.auth.ClientAuthExchange;
import dev.turnout.protocol.auth.Scrambles;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.message.client.ComChangeUser;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.client.SslRequest;
import dev.turnout.protocol.message.server.AuthMoreData;
import dev.turnout.protocol.message.server.AuthSwitchRequest;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.message.server.OkPacket;
import dev.turnout.protocol.response.ClientStep;
import dev.turnout.protocol.response.ResponseTracker;
import dev.turnout.protocol.response.ServerStep;
import dev.turnout.protocol.wire.PacketFrameDecoder;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session: the connector's side of the MySQL connection phase (handshake, TLS,
 * authentication of the application user), then zero-copy forwarding of the command phase to the
 * session's backend connection.
 *
 * <p><b>Threading invariant.</b> A session lives on its frontend channel's event loop, and its
 * backend channel is registered on the same loop, so every method of this class (including the
 * {@link BackendListener} callbacks) runs on that one thread: no locks, no volatile fields.
 * Only {@link SessionServices} (immutable or thread-safe) is shared with other loops.
 *
 * <p><b>Forwarding.</b> Each physical packet arrives as a retained slice ({@link PacketFrameDecoder})
 * and is written as is to the other channel; writes are flushed once per read batch. Auto-read is
 * off on both channels: the client is read while the backend is writable, the backend while the
 * client is writable. The {@link ResponseTracker} of each backend connection tells where the
 * command boundaries are.
 *
 * <p><b>Routing.</b> A session has a connection to the primary, opened at login, and opens
 * connections to replicas when its first read goes there (at most one per datasource). Each command
 * is routed when it starts ({@link #tryDispatch}): its class ({@link StatementClassifier}), the
 * session's state ({@link SessionState}: transaction, autocommit, pins), its quality of service
 * (configuration, user map, listener, comment hint, in increasing precedence) and the topology
 * snapshot of the moment decide, through routing's {@link Router}. The session switches backends
 * only at a command boundary: a command for another backend waits ("held", the client is not read
 * meanwhile) until the command in flight completes, and until its backend is connected and has
 * replayed the session's state, prepared the statement, or reached the session's last write.
 * Commands for the backend in flight are pipelined as the client sends them.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter implements BackendListener {

    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    /** The largest packet accepted before authentication (a handshake response is a few hundred bytes). */
    private static final int MAX_CONNECTION_PHASE_PAYLOAD = 64 * 1024;

    private final SessionServices services;
    private final Listener listener;
    private final ConnectorConfig config;
    private final long connectionId;
    private final byte[] seed;

    private ChannelHandlerContext ctx;
    private FrontendPhase phase = FrontendPhase.HANDSHAKE_SENT;
    private String peer = "?";
    private long advertisedCapabilities;
    private long clientCapabilities;
    private boolean tls;
    /** Sequence id of the next packet we send during the connection phase / change user. */
    private int authSequence;
    /** The login being authenticated (kept across an auth switch and the backend connect). */
    private Login login;

    /** What a session takes a pooled connection's login to have answered (it was reset to the defaults). */
    private static final OkPacket POOLED_OK = new OkPacket(0, 0, ServerStatus.AUTOCOMMIT, 0, "");

    /** A replica that failed this session serves it no reads for this long. */
    private static final long REPLICA_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final RoutingSettings routing;
    private Qos sessionQos;
    private Router router;
    private final RouteDecision decision = new RouteDecision();
    private final Classification classification = new Classification();
    private final SessionState state = new SessionState();
    private final IntObjectHashMap<PreparedStatement> statements = new IntObjectHashMap<>();
    private int lastPreparedId;
    /** The next statement id a client is given (see {@link PreparedStatement}). */
    private int nextStatementId = 1;
    /** COM_STMT_PREPAREs sent whose response is not complete yet. */
    private int preparesInFlight;

    /** Backend connections by datasource slot; null where none is open. */
    private final SessionBackend[] backends;
    private final long[] backoffUntil;
    private SessionBackend primary;
    /** Where the client's last command went (its response comes from there). */
    private SessionBackend current;
    /** Slots with packets written since the last flush. */
    private long written;
    /** A command waiting for a backend (see {@link #tryDispatch}); the client is not read meanwhile. */
    private ByteBuf held;
    /** The decision of the last routed statement: reason, and whether the replica must first reach the last write. */
    private Reason routedReason = Reason.QOS_RW_STRICT;
    private String routedDatasource = "";
    private boolean waitForPosition;
    /** The new primary connection being opened after the master changed; null otherwise. */
    private SessionBackend movingTo;
    /** The primary connection was lost; the next command waits for a primary (see {@link #recoverPrimary}). */
    private boolean primaryLost;
    /** When a command waiting for a primary gives up (services.ticker().nanoTime()); 0 when none waits. */
    private long failoverDeadline;
    private boolean retryScheduled;
    /** A connection to the lost primary's server, to tell a killed connection from a failed server; null otherwise. */
    private SessionBackend probe;
    private SessionBackend lostPrimary;
    private boolean pinnedWarned;
    /** The client changed which variables the primary tracks: the connector's tracking is set again before the next command. */
    private boolean retrack;
    /** The replica asked to reach the session's last write for the held command. */
    private SessionBackend waitedOn;

    private String backendUser;
    private byte[] backendPassword;
    private String loginDatabase;
    private int loginCharacterSet;
    private Map<String, String> loginAttributes = Map.of();
    private int loginStatus;
    /** Client frames that arrived while the backend was still being opened (pipelining drivers). */
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(2);
    /** True when the previous client packet had the maximum length, so this one continues it. */
    private boolean clientPacketContinues;
    private long logicalPacketBytes;
    private int lastClientSequence;
    /**
     * Whether packets of a response are being streamed to the client (from the first one forwarded
     * until the tracker is idle again): an ERR of the connector's own may then no longer be sent.
     */
    private boolean responseStarted;
    private boolean draining;
    /** Closes a session that does not complete the connection phase in time; null once it did. */
    private ScheduledFuture<?> handshakeTimer;
    /** Checks every connector-idle-release whether the session has been idle since the last check; null when off. */
    private ScheduledFuture<?> idleTimer;
    /** Commands started, and their count at the last idle check. */
    private int commands;
    private int commandsAtIdleCheck;
    /** The session let its connections go while idle (connector-idle-release); its next command reconnects. */
    private boolean released;
    /** Set while the frame decoder is replaced after an SSLRequest (see {@link #startTls()}). */
    private boolean tlsSwitching;

    /** The identity and credentials a client presented, from HandshakeResponse41 or COM_CHANGE_USER. */
    private record Login(String user, String plugin, byte[] response, String database, int characterSet,
            Map<String, String> attributes, boolean changeUser) {
    }

    /** A session accepted on {@code listener}. */
    public FrontendHandler(SessionServices services, Listener listener) {
        this.services = services;
        this.config = services.config();
        this.listener = listener;
        this.routing = services.routing();
        this.sessionQos = listener == Listener.READ_ONLY ? Qos.RO_RELAXED : routing.qos();
        this.connectionId = services.nextConnectionId();
        this.seed = Scrambles.newSeed(services.random());
        this.backends = new SessionBackend[services.topology().slots()];
        this.backoffUntil = new long[backends.length];
    }

    /** The listening port the client connected to. */
    public Listener listener() {
        return listener;
    }

    /** The id this session was given in the connector's handshake. */
    public long connectionId() {
        return connectionId;
    }

    // ---------------------------------------------------------------- connection phase

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        SocketAddress remote = ctx.channel().remoteAddress();
        peer = remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : String.valueOf(remote);
        HandshakeV10 greeting = services.greetings().greetingFor(connectionId, seed, services.sslContext() != null);
        advertisedCapabilities = greeting.capabilities();
        limitClientPackets(MAX_CONNECTION_PHASE_PAYLOAD);
        handshakeTimer = ctx.executor().schedule(this::handshakeTimedOut, config.handshakeTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        writePacket(0, greeting::encode);
        ctx.flush();
        ctx.read();
        services.sessionCount().incrementAndGet();
        log.debug("[{} {}] session opened", connectionId, peer);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tlsSwitching) {
            // Raw bytes the replaced frame decoder still held: they belong to the TLS layer.
            tlsSwitching = false;
            ctx.pipeline().fireChannelRead(msg);
            ctx.pipeline().fireChannelReadComplete();
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        switch (phase) {
            case COMMAND_IDLE, COMMAND_IN_FLIGHT -> onCommandPacket(frame);
            case HANDSHAKE_SENT -> connectionPhase(frame, this::onHandshakeResponse);
            case AUTH_SWITCH_SENT -> connectionPhase(frame, this::onAuthSwitchResponse);
            case CONNECTING_BACKEND, CHANGING_USER -> pending.add(frame);
            case CLOSING, FAILED -> frame.release();
        }
    }

    /** A client that has not authenticated within connector-handshake-timeout is sent away. */
    private void handshakeTimedOut() {
        handshakeTimer = null;
        if (phase == FrontendPhase.HANDSHAKE_SENT || phase == FrontendPhase.AUTH_SWITCH_SENT) {
            log.info("[{} {}] no login within connector-handshake-timeout ({} ms); closing", connectionId, peer,
                    config.handshakeTimeout().toMillis());
            fail(authSequence, ConnectorErrors.badHandshake("no login within " + config.handshakeTimeout().toMillis() + " ms"));
        }
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }

    /** Runs a connection-phase step on a frame, which it always releases. */
    private void connectionPhase(ByteBuf frame, Consumer<ByteBuf> step) {
        try {
            if (Packets.payloadLength(frame) > MAX_CONNECTION_PHASE_PAYLOAD || Packets.isContinued(frame)) {
                fail(Packets.sequenceId(frame) + 1, ConnectorErrors.badHandshake("packet too large"));
                return;
            }
            authSequence = Packets.sequenceId(frame) + 1;
            step.accept(frame.slice(Packets.payloadIndex(frame), Packets.payloadLength(frame)));
        } catch (MalformedPacketException | IndexOutOfBoundsException | IllegalArgumentException e) {
            log.debug("[{} {}] malformed connection-phase packet: {}", connectionId, peer, e.getMessage());
            fail(authSequence, ConnectorErrors.badHandshake(e.getMessage() == null ? "malformed packet" : e.getMessage()));
        } finally {
            frame.release();
        }
    }

    private void onHandshakeResponse(ByteBuf payload) {
        if (SslRequest.isSslRequest(payload)) {
            if (services.sslContext() == null || tls) {
                fail(authSequence, ConnectorErrors.badHandshake("TLS is not offered by this connector"));
                return;
            }
            startTls();
            return;
        }
        HandshakeResponse41 response = HandshakeResponse41.decode(payload);
        if (!Capabilities.has(response.capabilities(), Capabilities.CLIENT_PROTOCOL_41)) {
            fail(authSequence, ConnectorErrors.badHandshake("clients older than protocol 4.1 are not supported"));
            return;
        }
        clientCapabilities = response.capabilities() & advertisedCapabilities;
        if (Capabilities.has(clientCapabilities, Capabilities.CLIENT_SSL) && !tls) {
            fail(authSequence, ConnectorErrors.badHandshake("CLIENT_SSL set without an SSLRequest"));
            return;
        }
        String plugin = response.authPluginName() != null ? response.authPluginName() : AuthPlugins.MYSQL_NATIVE_PASSWORD;
        authenticate(new Login(response.username(), plugin, response.authResponse(), response.database(),
                response.characterSet(), response.connectAttributes(), false));
    }

    private void startTls() {
        SslHandler sslHandler = services.sslContext().newHandler(ctx.alloc());
        ctx.pipeline().addFirst("tls", sslHandler);
        // The frame decoder may hold bytes the client sent right after the SSLRequest (its TLS
        // ClientHello). A new decoder behind the SslHandler takes over; the old one hands its
        // leftover bytes to us on removal, and we feed them again from the head of the pipeline.
        // (ChannelPipeline.replace would hand them to the new decoder, bypassing the SslHandler.)
        PacketFrameDecoder frames = new PacketFrameDecoder();
        frames.maxPayloadLength(MAX_CONNECTION_PHASE_PAYLOAD);
        ctx.pipeline().addAfter("tls", "tls-frames", frames);
        tlsSwitching = true;
        try {
            ctx.pipeline().remove("frames");
        } finally {
            tlsSwitching = false;
        }
        tls = true;
        ctx.read();
    }

    private void onAuthSwitchResponse(ByteBuf payload) {
        byte[] response = new byte[payload.readableBytes()];
        payload.readBytes(response);
        Login switched = new Login(login.user(), AuthPlugins.MYSQL_NATIVE_PASSWORD, response, login.database(),
                login.characterSet(), login.attributes(), login.changeUser());
        login = null;
        verifyAndConnect(switched, true);
    }

    /** Verifies a login with the method the client chose, or asks it to switch to ours. */
    private void authenticate(Login candidate) {
        switch (candidate.plugin()) {
            case AuthPlugins.MYSQL_NATIVE_PASSWORD, AuthPlugins.CACHING_SHA2_PASSWORD -> verifyAndConnect(candidate, false);
            case AuthPlugins.MYSQL_CLEAR_PASSWORD -> {
                if (tls) {
                    verifyAndConnect(candidate, false);
                } else {
                    switchToNative(candidate);
                }
            }
            default -> switchToNative(candidate);
        }
    }

    private void switchToNative(Login candidate) {
        login = candidate;
        phase = FrontendPhase.AUTH_SWITCH_SENT;
        AuthSwitchRequest request = new AuthSwitchRequest(AuthPlugins.MYSQL_NATIVE_PASSWORD, seed);
        writePacket(authSequence, request::encode);
        ctx.flush();
        ctx.read();
    }

    private void verifyAndConnect(Login candidate, boolean afterSwitch) {
        UserMap.UserEntry entry = config.userMap().flatMap(users -> users.user(candidate.user())).orElse(null);
        boolean mapped = entry != null && entry.service().equals(config.serviceName());
        byte[] password = mapped ? entry.password() : config.applicationPassword();
        boolean userMatches = mapped || MessageDigest.isEqual(
                candidate.user().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                config.applicationUser().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        boolean passwordMatches = switch (candidate.plugin()) {
            case AuthPlugins.CACHING_SHA2_PASSWORD -> Scrambles.verifyCachingSha2(password, seed, candidate.response());
            case AuthPlugins.MYSQL_CLEAR_PASSWORD -> MessageDigest.isEqual(password, stripNul(candidate.response()));
            default -> Scrambles.verifyNative(password, seed, candidate.response());
        };
        if (!(userMatches & passwordMatches)) {
            java.util.Arrays.fill(password, (byte) 0);
            log.info("[{} {}] access denied for user '{}'{}", connectionId, peer, candidate.user(),
                    entry != null && !mapped ? " (the user map gives it dataservice " + entry.service() + ")" : "");
            fail(authSequence, ConnectorErrors.accessDenied(candidate.user(), hostOf(peer), candidate.response().length > 0));
            return;
        }
        backendUser = mapped ? entry.user() : config.applicationUser();
        backendPassword = password;
        sessionQos = qosOf(entry);
        router = new Router(readPolicyOf(entry), (int) (connectionId & Integer.MAX_VALUE));
        if (services.control().offline()) {
            fail(authSequence, ConnectorErrors.offline());
            return;
        }
        cancelHandshakeTimer();
        login = candidate;
        // Authenticated: commands (also those pipelined behind the login) may be as large as the protocol allows.
        limitClientPackets(Packets.MAX_PAYLOAD);
        if (!afterSwitch && AuthPlugins.CACHING_SHA2_PASSWORD.equals(candidate.plugin())) {
            // caching_sha2_password's "fast authentication succeeded"; the OK follows once the backend is ready.
            writePacket(authSequence++, new AuthMoreData(new byte[] {AuthMoreData.FAST_AUTH_SUCCESS})::encode);
            ctx.flush();
        }
        connectBackend(candidate);
    }

    /**
     * The session's quality of service, in increasing precedence: the connector's
     * ({@code connector-qos}), the user map's ({@code @direct}), the listener's (the read-only port,
     * or an {@code @hostoption} for the local address the client connected to). A comment hint
     * overrides it per statement.
     */
    private Qos qosOf(UserMap.UserEntry entry) {
        Qos qos = routing.qos();
        if (entry != null && entry.direct()) {
            qos = Qos.RO_RELAXED;
        }
        if (listener == Listener.READ_ONLY) {
            return Qos.RO_RELAXED;
        }
        SocketAddress local = ctx.channel().localAddress();
        if (local instanceof InetSocketAddress inet && config.userMap().isPresent()) {
            var option = config.userMap().get().hostOption(inet.getAddress().getHostAddress());
            if (option.isPresent()) {
                qos = option.get() == QosSetting.RO_RELAXED ? Qos.RO_RELAXED : Qos.RW_STRICT;
            }
        }
        return qos;
    }

    /** The connector's read policy, with the user map's affinity for this user if it gives one. */
    private ReadPolicy readPolicyOf(UserMap.UserEntry entry) {
        ReadPolicy policy = routing.readPolicy();
        if (entry == null || entry.affinity().isNone()) {
            return policy;
        }
        return new ReadPolicy(policy.maxLatencyMillis(), policy.balancer(),
                new Affinity(entry.affinity().preferred(), entry.affinity().excluded()), policy.sessionConsistency(),
                policy.consistencyWaitMillis());
    }

    /**
     * Makes the frame decoder refuse larger packets as soon as their header arrives, so that a
     * client that is not authenticated yet cannot make the connector buffer up to 16 MiB.
     */
    private void limitClientPackets(int maxPayloadLength) {
        PacketFrameDecoder frames = ctx.pipeline().get(PacketFrameDecoder.class);
        if (frames != null) {
            frames.maxPayloadLength(maxPayloadLength);
        }
    }

    private static byte[] stripNul(byte[] response) {
        int length = response.length;
        if (length > 0 && response[length - 1] == 0) {
            length--;
        }
        return java.util.Arrays.copyOf(response, length);
    }

    private static String hostOf(String peer) {
        int colon = peer.lastIndexOf(':');
        return colon > 0 ? peer.substring(0, colon) : peer;
    }

    private void connectBackend(Login candidate) {
        phase = candidate.changeUser() ? FrontendPhase.CHANGING_USER : FrontendPhase.CONNECTING_BACKEND;
        loginDatabase = candidate.database();
        loginCharacterSet = candidate.characterSet();
        loginAttributes = candidate.attributes();
        Dataservice service = services.topology().dataservice();
        Datasource master = service.masterOrNull();
        if (master == null || services.topology().slot(master.name()) < 0) {
            var configured = config.dataservice().master();
            String name = config.dataservice().datasourceName(configured);
            primary = open(services.topology().slot(name), name, configured.host(), configured.port(), true);
        } else {
            primary = open(services.topology().slot(master.name()), master.name(), master.host(), master.port(), true);
        }
        current = primary;
    }

    @Override
    public void backendReady(BackendConnection ready, OkPacket ok) {
        SessionBackend backend = backendOf(ready);
        if (backend == null) {
            ready.close();
            return;
        }
        backend.tracker = new ResponseTracker(ready.capabilities());
        services.topology().sessionMoved(backend.datasource, 1);
        backend.counted = true;
        if (!backend.primary) {
            log.debug("[{} {}] replica connection {} ready", connectionId, peer, backend);
            ready.read();
            resumeHeld();
            return;
        }
        if (backend == probe) {
            probe = null;
            letGo(backend);
            primaryKilled(lostPrimary);
            lostPrimary = null;
            return;
        }
        if (backend == movingTo) {
            movingTo = null;
            SessionBackend old = primary;
            primary = backend;
            state.primaryStatus(ok.statusFlags());
            services.serverThreads().put(connectionId, ready.serverConnectionId());
            ready.read();
            if (primaryLost) {
                primaryLost = false; // the old one is gone already
                failoverDeadline = 0;
                if (released) {
                    released = false;
                    services.releasedSessions().remove(connectionId);
                    log.debug("[{} {}] active again on {}", connectionId, peer, backend.datasource);
                } else {
                    log.info("[{} {}] primary {} reached again", connectionId, peer, backend.datasource);
                }
            } else {
                dropBackend(old, false);
            }
            current = primary;
            if (routing.smartscale()) {
                startTracking(backend); // then the waiting command goes on
                return;
            }
            resumeHeld();
            return;
        }
        if (phase != FrontendPhase.CONNECTING_BACKEND && phase != FrontendPhase.CHANGING_USER) {
            dropAll();
            return;
        }
        loginStatus = ok.statusFlags();
        state.primaryStatus(loginStatus);
        services.serverThreads().put(connectionId, ready.serverConnectionId());
        ready.read();
        if (routing.smartscale()) {
            startTracking(backend);
            return;
        }
        finishLogin();
    }

    /** The primary connection is ready (and tracks GTIDs if needed): the client gets its OK. */
    private void finishLogin() {
        OkPacket toClient = new OkPacket(0, 0, loginStatus, 0, "");
        writePacket(authSequence, out -> toClient.encode(out, clientCapabilities));
        ctx.flush();
        phase = FrontendPhase.COMMAND_IDLE;
        clientPacketContinues = false;
        long idleMillis = config.idleRelease().toMillis();
        if (idleMillis > 0 && idleTimer == null) {
            idleTimer = ctx.executor().scheduleWithFixedDelay(this::releaseIfIdle, idleMillis, idleMillis, TimeUnit.MILLISECONDS);
        }
        log.debug("[{} {}] authenticated as '{}', primary {} thread {}, qos {}", connectionId, peer, login.user(),
                primary.connection.target(), primary.connection.serverConnectionId(), sessionQos);
        login = null;
        if (draining) {
            close();
            return;
        }
        while (held == null && !pending.isEmpty() && isCommandPhase()) {
            onCommandPacket(pending.poll());
        }
        if (!isCommandPhase()) {
            return; // a pipelined COM_QUIT or a protocol violation ended the session
        }
        flushBackends();
        if (held == null) {
            ctx.read();
        }
    }

    @Override
    public void backendFailed(BackendConnection failed, ErrPacket error) {
        SessionBackend backend = backendOf(failed);
        if (backend == null) {
            return;
        }
        if (backend == probe) {
            probe = null;
            backends[backend.slot] = null;
            SessionBackend lost = lostPrimary;
            lostPrimary = null;
            primaryLost(lost);
            return;
        }
        if (backend == movingTo) {
            movingTo = null;
            if (primaryLost) {
                log.debug("[{} {}] primary {} not reachable yet: {}", connectionId, peer, backend.datasource, error.message());
                backends[backend.slot] = null;
                retryLater();
                return;
            }
            log.warn("[{} {}] the new master {} is not reachable: {}; the session stays on {}", connectionId, peer,
                    backend.datasource, error.message(), primary.datasource);
        }
        if (!backend.primary || backend != primary) {
            log.info("[{} {}] {} unavailable for this session: {}", connectionId, peer, backend.datasource,
                    error.message());
            backends[backend.slot] = null;
            backoffUntil[backend.slot] = services.ticker().nanoTime() + REPLICA_BACKOFF_NANOS;
            resumeHeld();
            return;
        }
        log.info("[{} {}] no backend for dataservice {}: {}", connectionId, peer, config.serviceName(), error.message());
        fail(authSequence, error);
    }

    // ---------------------------------------------------------------- command phase: from the client

    private void onCommandPacket(ByteBuf frame) {
        if (held != null || probe != null) {
            pending.add(frame); // keeps the client's order behind the command that waits
            return;
        }
        int payloadLength = Packets.payloadLength(frame);
        boolean continuation = clientPacketContinues;
        clientPacketContinues = payloadLength == Packets.MAX_PAYLOAD;
        logicalPacketBytes = continuation ? logicalPacketBytes + payloadLength : payloadLength;
        if (logicalPacketBytes > config.maxAllowedPacket()) {
            int sequenceId = Packets.sequenceId(frame);
            frame.release();
            fail(responseStarted ? -1 : sequenceId + 1, ConnectorErrors.packetTooLarge(config.maxAllowedPacket()));
            return;
        }
        lastClientSequence = Packets.sequenceId(frame);
        commands++;
        if (continuation || (current != null && current.tracker.state() == ResponseTracker.State.LOCAL_INFILE_DATA)) {
            forward(current, frame); // more of the packet or the file the server asked for: same backend
            return;
        }
        if (lastClientSequence != 0) {
            frame.release();
            fail(lastClientSequence + 1, ConnectorErrors.outOfOrder("a command must start with sequence id 0"));
            return;
        }
        int command = Packets.firstByte(frame);
        if (command == Command.COM_QUIT) {
            frame.release();
            close();
            return;
        }
        if (command == Command.COM_QUERY || command == Command.COM_PROCESS_KILL) {
            frame = translateKill(frame, command);
            if (frame == null) {
                return;
            }
        }
        if (!tryDispatch(frame)) {
            held = frame;
            phase = FrontendPhase.COMMAND_IN_FLIGHT;
        }
    }

    /** A client packet that belongs to the command in flight on {@code backend}. */
    private void forward(SessionBackend backend, ByteBuf frame) {
        ClientStep step = backend.tracker.onClientPacket(frame);
        if (step == ClientStep.UNEXPECTED) {
            frame.release();
            fail(responseStarted ? -1 : lastClientSequence + 1,
                    ConnectorErrors.outOfOrder("unexpected packet from the client while " + backend.tracker.state()));
            return;
        }
        backend.connection.write(frame);
        written |= 1L << backend.slot;
    }

    /**
     * Routes the command that starts in {@code frame} and sends it, or returns false when it has to
     * wait (the frame is then kept by the caller and this is called again when what it waits for
     * happens): for a command in flight on another backend to complete (a session switches backends
     * only at a command boundary), for a backend to connect, replay the session's state or prepare
     * a statement, or for a replica to reach the session's last write.
     */
    private boolean tryDispatch(ByteBuf frame) {
        int command = Packets.firstByte(frame);
        if (command == Command.COM_CHANGE_USER) {
            if (!allIdle()) {
                return false;
            }
            changeUser(frame);
            return true;
        }
        if (services.control().holding() && !ServerStatus.has(state.primaryStatus(), ServerStatus.IN_TRANS)) {
            return false; // ON-HOLD: nothing starts outside a transaction until the manager releases us (wake)
        }
        int from = Packets.payloadIndex(frame) + 1;
        int to = Packets.payloadIndex(frame) + Packets.payloadLength(frame);
        Dataservice service = services.topology().dataservice();
        if (primaryLost) {
            if (failoverDeadline != 0 && services.ticker().nanoTime() - failoverDeadline > 0) {
                failoverDeadline = 0; // the next command waits again
                frame.release();
                writePacket(1, ConnectorErrors.noPrimaryWithin(config.serviceName(), config.failoverWait().toMillis())::encode);
                ctx.flush();
                return true;
            }
            if (!recoverPrimary(service)) {
                return false;
            }
        }
        if (!followMaster(service)) {
            return false;
        }
        AfterResponse after = AfterResponse.NOTHING;
        PreparedStatement statement = null;
        SessionBackend target;
        switch (command) {
            case Command.COM_QUERY -> {
                classification.noBackslashEscapes(ServerStatus.has(state.primaryStatus(), ServerStatus.NO_BACKSLASH_ESCAPES));
                StatementClassifier.classify(frame, from, to, classification);
                if (classification.type() == StatementType.INLINE_COMMAND) {
                    if (!allIdle()) {
                        return false;
                    }
                    answerInline(frame, classification.commandStart(), to);
                    return true;
                }
                target = routeStatement(service, SessionState.statementReason(classification), classification.hint());
                if (SessionState.isSessionCommand(classification)) {
                    after = AfterResponse.record(payloadOf(frame));
                }
            }
            case Command.COM_STMT_PREPARE -> {
                classification.noBackslashEscapes(ServerStatus.has(state.primaryStatus(), ServerStatus.NO_BACKSLASH_ESCAPES));
                StatementClassifier.classify(frame, from, to, classification);
                target = routePrimary(Reason.SESSION_COMMAND);
                after = AfterResponse.prepared(payloadOf(frame), SessionState.statementReason(classification));
            }
            case Command.COM_STMT_EXECUTE -> {
                statement = statementOf(frame);
                target = routeExecute(service, frame, statement);
            }
            case Command.COM_STMT_SEND_LONG_DATA, Command.COM_STMT_RESET, Command.COM_STMT_FETCH,
                    Command.COM_STMT_BULK_EXECUTE -> {
                statement = statementOf(frame);
                if (statement != null && command == Command.COM_STMT_SEND_LONG_DATA) {
                    statement.longData(true);
                }
                target = routePrimary(Reason.SESSION_COMMAND);
            }
            case Command.COM_STMT_CLOSE -> {
                statement = statementOf(frame);
                if (statement != null) {
                    if (!allIdle()) {
                        return false;
                    }
                    closeEverywhere(statement);
                    frame.release();
                    return true;
                }
                target = routePrimary(Reason.SESSION_COMMAND);
            }
            case Command.COM_INIT_DB -> {
                target = routePrimary(Reason.SESSION_COMMAND);
                after = AfterResponse.record(payloadOf(frame));
            }
            case Command.COM_RESET_CONNECTION -> {
                target = routePrimary(Reason.SESSION_COMMAND);
                after = AfterResponse.RESET;
            }
            default -> target = routePrimary(Reason.UNKNOWN_STATEMENT);
        }
        if (!readyFor(target)) {
            return false;
        }
        if (statement != null && statement.backendId(target.slot) == 0) {
            startPrepare(target, statement); // first use on this server (a replica, or a new primary)
            return false;
        }
        if (waitForPosition && waitedOn == null) {
            startWait(target);
            return false;
        }
        if (command == Command.COM_STMT_EXECUTE && statement != null) {
            frame = prepareExecute(frame, statement, target);
        } else if (statement != null) {
            frame.setIntLE(Packets.payloadIndex(frame) + 1, statement.backendId(target.slot));
        }
        dispatch(frame, target, after, command);
        return true;
    }

    /**
     * Moves the session to the topology's master when that is no longer the session's primary (a
     * switch or a failover), at a command boundary and outside a transaction: a new primary
     * connection is opened and brought to the session's state (the history is replayed, prepared
     * statements are prepared again on first use), then the old one is let go. A session pinned by
     * state that cannot move (temporary tables, locks, handlers, a history too long to replay) stays
     * where it is, and the old primary's own errors (read-only) tell it. Returns false while the
     * command has to wait.
     */
    private boolean followMaster(Dataservice service) {
        if (movingTo != null) {
            return false; // resumed when the new primary is ready, or failed
        }
        Datasource master = service.masterOrNull();
        if (master == null || master.name().equals(primary.datasource) || !master.reachable()
                || master.state() != DatasourceState.ONLINE) {
            return true;
        }
        int slot = services.topology().slot(master.name());
        if (slot < 0 || backoffUntil[slot] - services.ticker().nanoTime() > 0) {
            return true;
        }
        if (!allIdle()) {
            return false;
        }
        if (ServerStatus.has(state.primaryStatus(), ServerStatus.IN_TRANS)) {
            return true; // a transaction ends where it began
        }
        if (!state.pins().isEmpty()) {
            if (!pinnedWarned) {
                pinnedWarned = true;
                log.info("[{} {}] the master is now {}, but this session's state cannot move ({}): it stays on {}",
                        connectionId, peer, master.name(), state.pins(), primary.datasource);
            }
            return true;
        }
        SessionBackend existing = backends[slot];
        if (existing != null) {
            dropBackend(existing, false);
        }
        log.info("[{} {}] the master is now {}: moving the session from {}", connectionId, peer, master.name(),
                primary.datasource);
        movingTo = open(slot, master.name(), master.host(), master.port(), true);
        return false;
    }

    /**
     * connector-idle-release: a session that started no command since the last check, has nothing
     * in flight and whose state the history can rebuild ({@link SessionState#releasable()}, no
     * statement waiting for long data) lets its connections go, to the pool when there is one. Its
     * next command connects to the master as after a lost primary ({@link #recoverPrimary}), with
     * the history replayed and prepared statements prepared again on first use.
     */
    private void releaseIfIdle() {
        if (commands != commandsAtIdleCheck) {
            commandsAtIdleCheck = commands;
            return;
        }
        if (released || primaryLost || phase != FrontendPhase.COMMAND_IDLE || held != null || !pending.isEmpty()
                || movingTo != null || probe != null || primary == null || !allIdle() || !state.releasable()) {
            return;
        }
        for (PreparedStatement statement : statements.values()) {
            if (statement.hasLongData()) {
                return;
            }
        }
        log.debug("[{} {}] idle for {}: letting its backend connections go", connectionId, peer, config.idleRelease());
        for (SessionBackend backend : backends) {
            if (backend != null) {
                dropBackend(backend, false);
            }
        }
        services.serverThreads().remove(connectionId);
        services.releasedSessions().put(connectionId, this);
        primary = null; // nothing keeps the closed connection reachable while the session is idle
        current = null;
        released = true;
        primaryLost = true;
        failoverDeadline = 0;
    }

    /** Another session's {@code KILL} named this one while it had let its connections go: it ends, as a killed connection does. */
    private void killed() {
        if (isCommandPhase()) {
            log.info("[{} {}] killed while idle", connectionId, peer);
            close();
        }
    }

    /**
     * After the primary connection was lost: connects to the topology's master — a new one after a
     * failover, or the same server back — and returns false meanwhile (the command waits, at most
     * connector-failover-wait; topology changes and retries every 200 ms wake it).
     */
    private boolean recoverPrimary(Dataservice service) {
        if (movingTo != null) {
            return false;
        }
        if (failoverDeadline == 0) {
            failoverDeadline = services.ticker().nanoTime() + config.failoverWait().toNanos();
        }
        Datasource master = service.masterOrNull();
        int slot = master == null ? -1 : services.topology().slot(master.name());
        if (master == null || slot < 0 || !master.reachable() || master.state() != DatasourceState.ONLINE) {
            retryLater();
            return false;
        }
        SessionBackend existing = backends[slot];
        if (existing != null) {
            dropBackend(existing, false);
        }
        movingTo = open(slot, master.name(), master.host(), master.port(), true);
        return false;
    }

    /** Wakes this session again in 200 ms (one timer at a time), to retry reaching a primary. */
    private void retryLater() {
        if (!retryScheduled) {
            retryScheduled = true;
            ctx.executor().schedule(() -> {
                retryScheduled = false;
                wake();
            }, 200, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The primary connection closed under the session. Was the connection killed (the server is
     * alive: the session ends, as a direct connection would), or did the server go away (a failure:
     * the session survives it)? A new connection to the same server tells; the client is not read
     * meanwhile.
     */
    private void checkPrimary(SessionBackend backend) {
        dropBackend(backend, false);
        lostPrimary = backend;
        probe = open(backend.slot, backend.datasource, backend.connection.target().host(), backend.connection.target().port(),
                true);
    }

    /** The server of the lost primary connection answered: the connection was killed, so the session ends. */
    private void primaryKilled(SessionBackend lost) {
        log.info("[{} {}] backend {} closed while the server is up; closing the session", connectionId, peer, lost);
        if (lost.completions.isEmpty()) {
            close();
        } else {
            fail(lastClientSequence + 1, ConnectorErrors.backendLost(lost.connection.target().toString()));
        }
    }

    /**
     * The primary server went away (its connection closed and a new one is refused): the commands it
     * had not answered get an error of their own — the session is not closed — and the next command
     * waits for a primary (see {@link #recoverPrimary}).
     */
    private void primaryLost(SessionBackend backend) {
        int unanswered = backend.completions.size();
        log.warn("[{} {}] lost the primary {} ({} command(s) unanswered); waiting for a primary", connectionId, peer,
                backend.datasource, unanswered);
        backend.completions.clear();
        preparesInFlight = 0;
        primaryLost = true;
        failoverDeadline = 0;
        state.primaryStatus(ServerStatus.AUTOCOMMIT); // its transaction, if any, is gone with it
        if (current == backend) {
            current = null;
        }
        for (int i = 0; i < unanswered; i++) {
            writePacket(1, ConnectorErrors.primaryFailedDuringStatement(config.serviceName(), backend.datasource)::encode);
        }
        ctx.flush();
        if (held == null && allIdle()) {
            phase = FrontendPhase.COMMAND_IDLE;
        }
        resumeHeld();
    }

    /**
     * Whether {@code target} can take a command now; if not, starts what it takes (its connection
     * is being opened by {@link #backendFor}; a replay of the session's state starts here).
     */
    private boolean readyFor(SessionBackend target) {
        for (SessionBackend other : backends) {
            if (other != null && other != target && other.isReady() && (!other.tracker.isIdle() || other.internalPending > 0)) {
                return false;
            }
        }
        if (!target.isReady() || target.internalPending > 0) {
            return false;
        }
        if (retrack && primary != null && primary.isIdle()) {
            retrack = false;
            startTracking(primary);
            return false;
        }
        if ((target.replayedEpoch != state.historyEpoch() || target.replayed < state.history().size()) && startReplay(target)) {
            return false;
        }
        return true;
    }

    private void dispatch(ByteBuf frame, SessionBackend target, AfterResponse after, int command) {
        if (command == Command.COM_QUERY) {
            if (target.primary) {
                state.dispatched(classification);
            }
            services.metrics().routed(target.primary ? Role.MASTER : Role.SLAVE, routedReason);
        } else if (command == Command.COM_STMT_EXECUTE) {
            services.metrics().routed(target.primary ? Role.MASTER : Role.SLAVE, routedReason);
        }
        waitForPosition = false;
        waitedOn = null;
        ClientStep step = target.tracker.onClientPacket(frame);
        switch (step) {
            case COMMAND_STARTED -> {
                target.completions.add(after);
                if (after.kind == AfterResponse.Kind.PREPARED) {
                    preparesInFlight++; // counted when sent, not when decided: a command may wait and be decided again
                }
                phase = FrontendPhase.COMMAND_IN_FLIGHT;
            }
            case COMMAND_COMPLETE_NO_RESPONSE, CONTINUATION, LOCAL_INFILE_END -> { }
            case UNEXPECTED -> {
                frame.release();
                fail(responseStarted ? -1 : lastClientSequence + 1,
                        ConnectorErrors.outOfOrder("unexpected packet from the client while " + target.tracker.state()));
                return;
            }
        }
        current = target;
        routedDatasource = target.datasource;
        target.connection.write(frame);
        written |= 1L << target.slot;
        if (step == ClientStep.COMMAND_COMPLETE_NO_RESPONSE && allIdle()) {
            phase = FrontendPhase.COMMAND_IDLE;
        }
    }

    // ---------------------------------------------------------------- routing

    /** A statement: to the primary for {@code reason} (null: none of its own), else where the session's routing says. */
    private SessionBackend routeStatement(Dataservice service, Reason reason, HintQos hint) {
        if (waitedOn != null) {
            // The replica was asked to reach the session's last write: it did, or the primary serves the read.
            if (waitedOn.waitReached) {
                return waitedOn;
            }
            waitedOn = null;
            return routePrimary(Reason.REPLICAS_NOT_CONSISTENT);
        }
        if (reason == Reason.DIAGNOSTICS && current != null) {
            routedReason = reason; // SHOW WARNINGS and the like describe the previous statement, wherever it ran
            return current;
        }
        Datasource replica = decide(service, reason, hint);
        if (replica == null) {
            return primary;
        }
        return backendFor(services.topology().slot(replica.name()), replica.name(), replica.host(), replica.port(), false);
    }

    /**
     * The routing decision proper, without side effects on connections: the replica that serves a
     * statement with {@code reason} (null: none of its own) and {@code hint}, or null for the
     * primary. Sets {@link #routedReason} and {@link #waitForPosition}.
     */
    private Datasource decide(Dataservice service, Reason reason, HintQos hint) {
        waitForPosition = false;
        if (reason == null) {
            reason = state.stateReason();
        }
        Qos qos = switch (hint) {
            case RO_RELAXED -> Qos.RO_RELAXED;
            case RW_STRICT -> Qos.RW_STRICT;
            case NONE -> sessionQos;
        };
        if (reason == null && qos == Qos.RW_STRICT) {
            reason = Reason.QOS_RW_STRICT;
        }
        if (reason != null) {
            routedReason = reason;
            return null;
        }
        router.read(service, routing.smartscale() ? state.lastWrite() : GtidPosition.EMPTY,
                services.topology().activeSessions(), decision);
        Datasource chosen = decision.target();
        routedReason = decision.reason();
        if (chosen == null || chosen.role() == Role.MASTER) {
            return null;
        }
        int slot = services.topology().slot(chosen.name());
        if (slot < 0 || backoffUntil[slot] - services.ticker().nanoTime() > 0) {
            routedReason = Reason.NO_REPLICA_ONLINE;
            return null;
        }
        waitForPosition = decision.waitForPosition();
        return chosen;
    }

    /** The session's primary connection, for {@code reason}. */
    private SessionBackend routePrimary(Reason reason) {
        routedReason = reason;
        waitForPosition = false;
        return primary;
    }

    /** An execute runs where its statement's reads may run, with the session's state considered. */
    private SessionBackend routeExecute(Dataservice service, ByteBuf frame, PreparedStatement statement) {
        if (statement == null) {
            return routePrimary(Reason.SESSION_COMMAND); // prepared just before, or unknown: the primary knows
        }
        int payload = Packets.payloadIndex(frame);
        if (statement.reason() != null) {
            return routePrimary(statement.reason());
        }
        boolean complete = Packets.payloadLength(frame) >= 5 + 5;
        boolean cursor = complete && frame.getUnsignedByte(payload + 5) != 0;
        if (cursor) {
            state.cursorOpened();
        }
        if (statement.hasLongData() || !complete || cursor) {
            // Long data lives on the primary's copy of the statement; cursors are fetched from it.
            return routePrimary(Reason.SESSION_PINNED);
        }
        return routeStatement(service, null, HintQos.NONE);
    }

    /**
     * The statement an execute, close or long-data packet names (id -1 is the last one prepared),
     * or null when it is unknown — also for id -1 while a prepare is still in flight (MariaDB
     * Connector/J pipelines the execute behind it): the primary knows which statement it means.
     */
    private PreparedStatement statementOf(ByteBuf frame) {
        if (Packets.payloadLength(frame) < 5) {
            return null;
        }
        int id = frame.getIntLE(Packets.payloadIndex(frame) + 1);
        if (id == -1) {
            return preparesInFlight > 0 ? null : statements.get(lastPreparedId);
        }
        return statements.get(id);
    }

    /**
     * Makes an execute fit the backend it goes to: the statement id becomes that server's, and a
     * server that has never been told the parameter types gets them (an execute without them is
     * completed with the last types the client sent). Returns the frame to send.
     */
    private ByteBuf prepareExecute(ByteBuf frame, PreparedStatement statement, SessionBackend target) {
        int payload = Packets.payloadIndex(frame);
        int parameters = statement.parameters();
        int flagIndex = payload + 10 + (parameters + 7) / 8;
        boolean typesInPacket = parameters > 0 && flagIndex < payload + Packets.payloadLength(frame)
                && frame.getUnsignedByte(flagIndex) == 1;
        if (typesInPacket) {
            boolean newTypes = statement.types() == null || !sameTypes(frame, flagIndex + 1, statement.types());
            statement.typesSent(target.slot, newTypes ? typesOf(frame, flagIndex + 1, parameters) : null);
        }
        statement.longData(false);
        frame.setIntLE(payload + 1, statement.backendId(target.slot));
        if (parameters == 0 || typesInPacket || statement.typesSentTo(target.slot) || statement.types() == null
                || Packets.isContinued(frame)) {
            return frame;
        }
        // new_params_bound_flag 0 to a server that never saw the types: send them.
        byte[] types = statement.types();
        int length = Packets.payloadLength(frame) + types.length;
        ByteBuf completed = ctx.alloc().buffer(Packets.HEADER_SIZE + length);
        Packets.writeHeader(completed, length, Packets.sequenceId(frame));
        completed.writeBytes(frame, payload, flagIndex - payload).writeByte(1).writeBytes(types)
                .writeBytes(frame, flagIndex + 1, payload + Packets.payloadLength(frame) - flagIndex - 1);
        frame.release();
        statement.typesSent(target.slot, null);
        return completed;
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

    /** COM_STMT_CLOSE of a known statement goes to every server that prepared it, with that server's id. */
    private void closeEverywhere(PreparedStatement statement) {
        statements.remove(statement.clientId());
        for (SessionBackend backend : backends) {
            if (backend != null && backend.isReady() && statement.backendId(backend.slot) != 0) {
                ByteBuf close = ctx.alloc().buffer(Packets.HEADER_SIZE + 5);
                Packets.writeHeader(close, 5, 0);
                close.writeByte(Command.COM_STMT_CLOSE).writeIntLE(statement.backendId(backend.slot));
                backend.tracker.onClientPacket(close);
                backend.connection.write(close);
                written |= 1L << backend.slot;
            }
        }
    }

    /** The connection to a datasource, opened on first use (its readiness resumes the waiting command). */
    private SessionBackend backendFor(int slot, String name, String host, int port, boolean isPrimary) {
        SessionBackend backend = backends[slot];
        if (backend == null) {
            backend = open(slot, name, host, port, isPrimary);
        }
        return backend;
    }

    private SessionBackend open(int slot, String name, String host, int port, boolean isPrimary) {
        Map<String, String> attributes = new LinkedHashMap<>(loginAttributes);
        attributes.put("_turnout_client", peer);
        long capabilities = clientCapabilities & ~Capabilities.CLIENT_SSL;
        if (isPrimary && routing.smartscale()) {
            capabilities |= Capabilities.CLIENT_SESSION_TRACK; // to learn the GTID of every write
        }
        BackendPool.Key poolKey = config.backendPool() > 0 && loginDatabase != null
                ? new BackendPool.Key(name, backendUser, capabilities, loginCharacterSet, loginDatabase) : null;
        BackendConnection pooled = poolKey == null ? null : BackendPool.of().take(poolKey);
        if (pooled != null) {
            // Authenticated already: the session takes it over and treats it as just logged in.
            pooled.listener(this);
            SessionBackend backend = new SessionBackend(pooled, slot, name, isPrimary);
            backend.poolKey = poolKey;
            backend.stripSessionState = isPrimary && routing.smartscale()
                    && !Capabilities.has(clientCapabilities, Capabilities.CLIENT_SESSION_TRACK);
            backends[slot] = backend;
            ctx.executor().execute(() -> {
                if (backends[slot] == backend) {
                    backendReady(pooled, POOLED_OK);
                }
            });
            return backend;
        }
        ClientAuthExchange exchange = new ClientAuthExchange(backendUser, backendPassword, loginDatabase, capabilities,
                loginCharacterSet, attributes);
        BackendConnection.Target target = new BackendConnection.Target(config.serviceName(), host, port, config.connectTimeout());
        BackendConnection connection = BackendConnection.connect(ctx.channel().eventLoop(), services.dialer(),
                target, exchange, this, isPrimary ? services.greetings()::update : greeting -> { });
        SessionBackend backend = new SessionBackend(connection, slot, name, isPrimary);
        backend.poolKey = poolKey;
        backend.stripSessionState = isPrimary && routing.smartscale()
                && !Capabilities.has(clientCapabilities, Capabilities.CLIENT_SESSION_TRACK);
        backends[slot] = backend;
        return backend;
    }

    // ---------------------------------------------------------------- the connector's own commands

    private void sendInternal(SessionBackend backend, SessionBackend.Internal kind, byte[] payload) {
        ByteBuf frame = ctx.alloc().buffer(Packets.HEADER_SIZE + payload.length);
        Packets.writeHeader(frame, payload.length, 0);
        frame.writeBytes(payload);
        backend.internal = kind;
        backend.internalPending++;
        backend.tracker.onClientPacket(frame);
        backend.connection.write(frame);
        written |= 1L << backend.slot;
    }

    /**
     * Brings a connection to the session's state: the history it has not replayed yet. Returns
     * whether anything was sent (the command then waits for the answers).
     */
    private boolean startReplay(SessionBackend backend) {
        if (backend.replayedEpoch != state.historyEpoch()) {
            backend.replayed = 0;
            backend.replayedEpoch = state.historyEpoch();
        }
        List<byte[]> history = state.history();
        for (int i = backend.replayed; i < history.size(); i++) {
            sendInternal(backend, SessionBackend.Internal.REPLAY, history.get(i));
        }
        boolean sent = backend.replayed < history.size();
        backend.replayed = history.size();
        if (sent) {
            backend.connection.flush();
        }
        return sent;
    }

    private void startPrepare(SessionBackend backend, PreparedStatement statement) {
        backend.preparing = statement;
        sendInternal(backend, SessionBackend.Internal.PREPARE, statement.preparePayload());
        backend.connection.flush();
    }

    /** Asks a replica to wait, bounded, until it has applied the session's last write. */
    private void startWait(SessionBackend backend) {
        waitedOn = backend;
        backend.waitReached = false;
        String position = state.lastWrite().toString();
        double seconds = routing.consistencyWaitMillis() / 1000.0;
        String sql = isMariaDb(backend)
                ? "SELECT MASTER_GTID_WAIT('" + position + "', " + seconds + ")"
                : "SELECT WAIT_FOR_EXECUTED_GTID_SET('" + position + "', " + seconds + ")";
        sendInternal(backend, SessionBackend.Internal.WAIT, queryPayload(sql));
        backend.connection.flush();
    }

    private static boolean setsTrackedVariables(byte[] payload) {
        return new String(payload, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT).contains("session_track_");
    }

    /** Makes the primary report the GTID of each write in its OK packets (read-your-writes). */
    private void startTracking(SessionBackend backend) {
        String sql = isMariaDb(backend)
                ? "SET session_track_system_variables = CONCAT_WS(',', NULLIF(@@session_track_system_variables, ''), 'last_gtid')"
                : "SET session_track_gtids = OWN_GTID";
        sendInternal(backend, SessionBackend.Internal.TRACKING, queryPayload(sql));
        backend.connection.flush();
    }

    private static boolean isMariaDb(SessionBackend backend) {
        return backend.connection.greeting() != null && backend.connection.greeting().serverVersion().contains("MariaDB");
    }

    private static byte[] queryPayload(String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[text.length + 1];
        payload[0] = (byte) Command.COM_QUERY;
        System.arraycopy(text, 0, payload, 1, text.length);
        return payload;
    }

    /** A packet answering one of the connector's own commands: read, released, never forwarded. */
    private void internalPacket(SessionBackend backend, ByteBuf frame) {
        ResponseTracker.State before = backend.tracker.state();
        int first = Packets.firstByte(frame);
        int payload = Packets.payloadIndex(frame);
        if (first == 0xFF && (before == ResponseTracker.State.RESULT_HEAD || before == ResponseTracker.State.OK_RESPONSE
                || before == ResponseTracker.State.PREPARE_HEAD)) {
            backend.internalFailed = true;
            if (log.isDebugEnabled()) {
                log.debug("[{} {}] {} on {} failed: {}", connectionId, peer, backend.internal, backend,
                        ErrPacket.decode(frame.slice(payload, Packets.payloadLength(frame)), Capabilities.CLIENT_PROTOCOL_41).message());
            }
        } else if (backend.internal == SessionBackend.Internal.PREPARE && before == ResponseTracker.State.PREPARE_HEAD
                && first == 0x00) {
            backend.preparing.backendId(backend.slot, frame.getIntLE(payload + 1));
        } else if (backend.internal == SessionBackend.Internal.WAIT && before == ResponseTracker.State.ROWS
                && first != 0xFE && first != 0xFF) {
            // One row, one column: 0 when the position was reached in time.
            backend.waitReached = Packets.payloadLength(frame) == 2 && frame.getByte(payload) == 1
                    && frame.getByte(payload + 1) == '0';
        }
        ServerStep step = backend.tracker.onServerPacket(frame);
        frame.release();
        if (step == ServerStep.UNEXPECTED) {
            log.warn("[{} {}] unexpected packet from {} while {}", connectionId, peer, backend, backend.tracker.state());
            backend.internalFailed = true;
            backend.internalPending = 1;
        }
        if (step == ServerStep.COMPLETE || step == ServerStep.UNEXPECTED) {
            if (--backend.internalPending == 0) {
                internalDone(backend);
            }
        }
    }

    private void internalDone(SessionBackend backend) {
        SessionBackend.Internal kind = backend.internal;
        boolean failed = backend.internalFailed;
        backend.internal = SessionBackend.Internal.NONE;
        backend.internalFailed = false;
        backend.preparing = null;
        if (kind == SessionBackend.Internal.TRACKING) {
            if (failed) {
                log.warn("[{} {}] the primary {} refused session tracking of GTIDs: reads of this session stay on the primary"
                        + " after its writes", connectionId, peer, backend);
            }
            if (phase == FrontendPhase.CONNECTING_BACKEND || phase == FrontendPhase.CHANGING_USER) {
                finishLogin();
                return;
            }
        }
        if (failed && !backend.primary) {
            // A replica that cannot take the session's state (or the statement) does not serve it.
            log.info("[{} {}] {} of the session's state failed on {}; its reads go elsewhere", connectionId, peer, kind, backend);
            dropBackend(backend, true);
            if (waitedOn == backend) {
                waitedOn = null;
                waitForPosition = false;
            }
        }
        resumeHeld();
    }

    /** Runs the command that waited, then the packets the client sent behind it. */
    private void resumeHeld() {
        if (probe != null || !isCommandPhase()) {
            return;
        }
        if (held != null) {
            ByteBuf frame = held;
            held = null;
            if (!tryDispatch(frame)) {
                held = frame;
                return;
            }
        }
        while (held == null && !pending.isEmpty() && isCommandPhase()) {
            onCommandPacket(pending.poll());
        }
        flushBackends();
        if (held == null && isCommandPhase()) {
            ctx.read();
        }
    }

    // ---------------------------------------------------------------- command phase: from the backends

    @Override
    public void backendPacket(BackendConnection from, ByteBuf frame) {
        SessionBackend backend = backendOf(from);
        if (backend == null || !isCommandPhase() && phase != FrontendPhase.CONNECTING_BACKEND
                && phase != FrontendPhase.CHANGING_USER) {
            frame.release();
            return;
        }
        if (backend.internalPending > 0) {
            internalPacket(backend, frame);
            return;
        }
        ResponseTracker tracker = backend.tracker;
        ResponseTracker.State before = tracker.state();
        int first = Packets.firstByte(frame);
        if (before == ResponseTracker.State.PREPARE_HEAD && first == 0x00 && !backend.completions.isEmpty()) {
            // The client gets an id of the session's own, so that statements survive a change of primary.
            AfterResponse prepared = backend.completions.peek();
            int payload = Packets.payloadIndex(frame);
            prepared.backendStatementId = frame.getIntLE(payload + 1);
            prepared.parameters = frame.getUnsignedShortLE(payload + 7);
            prepared.statementId = nextStatementId++;
            frame.setIntLE(payload + 1, prepared.statementId);
        }
        ServerStep step = tracker.onServerPacket(frame);
        if (step == ServerStep.UNEXPECTED || backend != current) {
            frame.release();
            log.warn("[{} {}] unexpected packet from backend {} while {}; closing the session", connectionId, peer,
                    backend, tracker.state());
            fail(responseStarted ? -1 : lastClientSequence + 1, ConnectorErrors.backendLost(from.target().toString()));
            return;
        }
        if ((backend.stripSessionState || backend.primary && routing.smartscale()) && isOk(before, first, frame)) {
            sessionStateOf(backend, frame);
        }
        if (step == ServerStep.COMPLETE) {
            completed(backend, backend.completions.poll(), first != 0xFF);
        }
        responseStarted = true;
        ctx.write(frame, ctx.voidPromise());
        if (step == ServerStep.COMPLETE && tracker.isIdle()) {
            responseStarted = false;
            if (allIdle() && held == null) {
                phase = FrontendPhase.COMMAND_IDLE;
                if (draining) {
                    ctx.flush();
                    close();
                    return;
                }
            }
            if (held != null) {
                resumeHeld();
            }
        }
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
            if (backend.primary && routing.smartscale()) {
                String gtid = SessionStateInfo.trackedGtid(frame);
                if (gtid != null) {
                    state.wrote(GtidPosition.parse(gtid));
                }
            }
            if (backend.stripSessionState) {
                SessionStateInfo.strip(frame);
            }
        } catch (RuntimeException e) {
            log.debug("[{} {}] unreadable session state from {}: {}", connectionId, peer, backend, e.getMessage());
        }
    }

    /** The response to a client command is complete: the session learns what it changed. */
    private void completed(SessionBackend backend, AfterResponse after, boolean succeeded) {
        if (backend.primary) {
            state.primaryStatus(backend.tracker.serverStatus());
        }
        if (after == null) {
            return;
        }
        switch (after.kind) {
            case NOTHING -> { }
            case RECORD -> {
                if (succeeded) {
                    boolean upToDate = backend.replayedEpoch == state.historyEpoch()
                            && backend.replayed == state.history().size();
                    state.recordSessionCommand(after.payload);
                    if (upToDate) { // the backend that ran it has the whole history
                        backend.replayedEpoch = state.historyEpoch();
                        backend.replayed = state.history().size();
                    }
                    if (backend.primary && routing.smartscale() && setsTrackedVariables(after.payload)) {
                        retrack = true; // the client replaced the tracked variables (MariaDB Connector/J does at connect)
                    }
                }
            }
            case PREPARED -> {
                preparesInFlight--;
                if (after.statementId != 0) {
                    lastPreparedId = after.statementId;
                    PreparedStatement statement = new PreparedStatement(after.statementId, after.payload, after.reason,
                            after.parameters, backends.length);
                    statement.backendId(backend.slot, after.backendStatementId);
                    statements.put(after.statementId, statement);
                }
            }
            case RESET -> {
                if (succeeded) {
                    resetSessionState();
                }
            }
        }
    }

    /** After COM_RESET_CONNECTION: the primary forgot everything; replicas are let go, to be reopened clean. */
    private void resetSessionState() {
        state.reset();
        statements.clear();
        lastPreparedId = 0;
        for (SessionBackend backend : backends) {
            if (backend != null && !backend.primary) {
                dropBackend(backend, false);
            }
        }
    }

    @Override
    public void backendReadComplete(BackendConnection from) {
        ctx.flush();
        if (ctx.channel().isWritable()) {
            from.read();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!isCommandPhase()) {
            return;
        }
        flushBackends();
        if (held == null && probe == null && (current == null || current.connection.isWritable())) {
            ctx.read();
        }
    }

    private void flushBackends() {
        for (SessionBackend backend : backends) {
            if (backend != null && (written & (1L << backend.slot)) != 0) {
                backend.connection.flush();
            }
        }
        written = 0;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            for (SessionBackend backend : backends) {
                if (backend != null) {
                    backend.connection.read();
                }
            }
        }
    }

    @Override
    public void backendWritabilityChanged(BackendConnection from, boolean writable) {
        if (writable && held == null && isCommandPhase()) {
            ctx.read();
        }
    }

    @Override
    public void backendClosed(BackendConnection closed) {
        SessionBackend backend = backendOf(closed);
        if (backend == null) {
            return;
        }
        boolean inFlight = !backend.isIdle() && backend.internalPending == 0;
        if (!backend.primary && !(inFlight && backend == current)) {
            log.info("[{} {}] replica connection {} closed", connectionId, peer, backend);
            dropBackend(backend, true);
            if (waitedOn == backend) {
                waitedOn = null;
                waitForPosition = false;
            }
            resumeHeld();
            return;
        }
        if (backend == primary && isCommandPhase() && !(responseStarted && current == backend)
                && backend.internalPending == 0) {
            checkPrimary(backend);
            return;
        }
        switch (phase) {
            case COMMAND_IN_FLIGHT -> {
                log.info("[{} {}] backend {} closed during a command", connectionId, peer, closed.target());
                fail(responseStarted ? -1 : lastClientSequence + 1, ConnectorErrors.backendLost(closed.target().toString()));
            }
            case COMMAND_IDLE -> {
                log.info("[{} {}] backend {} closed; closing the session", connectionId, peer, closed.target());
                close();
            }
            default -> { }
        }
    }

    /** Forgets a replica connection (closing it); with {@code backoff}, its datasource serves this session no reads for a while. */
    private void dropBackend(SessionBackend backend, boolean backoff) {
        letGo(backend);
        statements.forEach((id, statement) -> statement.forget(backend.slot));
        if (backoff) {
            backoffUntil[backend.slot] = services.ticker().nanoTime() + REPLICA_BACKOFF_NANOS;
        }
        if (current == backend) {
            current = primary;
        }
    }

    private SessionBackend backendOf(BackendConnection connection) {
        for (SessionBackend backend : backends) {
            if (backend != null && backend.connection == connection) {
                return backend;
            }
        }
        return null;
    }

    /** No command in flight or waiting on any backend. */
    private boolean allIdle() {
        for (SessionBackend backend : backends) {
            if (backend != null && backend.isReady() && !backend.isIdle()) {
                return false;
            }
        }
        return true;
    }

    private boolean isCommandPhase() {
        return phase == FrontendPhase.COMMAND_IDLE || phase == FrontendPhase.COMMAND_IN_FLIGHT;
    }

    private static byte[] payloadOf(ByteBuf frame) {
        byte[] payload = new byte[Packets.payloadLength(frame)];
        frame.getBytes(Packets.payloadIndex(frame), payload);
        return payload;
    }

    /**
     * A KILL that names a connector session's id is rewritten to name the server thread of that
     * session's backend; one that names an id no session has is answered here (error 1094), so it
     * can never hit an unrelated server thread. Returns the frame to forward, or null when answered.
     */
    private ByteBuf translateKill(ByteBuf frame, int command) {
        int from = Packets.payloadIndex(frame) + 1;
        int to = Packets.payloadIndex(frame) + Packets.payloadLength(frame);
        KillStatement kill;
        if (command == Command.COM_PROCESS_KILL) {
            kill = to - from == 4 ? new KillStatement(frame.getUnsignedIntLE(from), false) : null;
        } else {
            kill = KillStatement.parse(frame, from, to);
        }
        if (kill == null || kill.id() < SessionServices.FIRST_CONNECTION_ID) {
            return frame;
        }
        FrontendHandler idle = services.releasedSessions().get(kill.id());
        if (idle != null) {
            // A released session runs nothing: KILL QUERY has nothing to stop; KILL ends it.
            frame.release();
            if (!kill.queryOnly()) {
                idle.ctx.executor().execute(idle::killed);
            }
            OkPacket ok = new OkPacket(0, 0, state.primaryStatus(), 0, "");
            writePacket(1, out -> ok.encode(out, clientCapabilities));
            ctx.flush();
            return null;
        }
        Long serverThread = services.serverThreads().get(kill.id());
        if (serverThread == null) {
            frame.release();
            writePacket(1, ConnectorErrors.unknownThread(kill.id())::encode);
            ctx.flush();
            return null;
        }
        if (command == Command.COM_PROCESS_KILL) {
            frame.setIntLE(from, serverThread.intValue());
            return frame;
        }
        byte[] sql = kill.rewrite(serverThread);
        frame.release();
        ByteBuf rewritten = ctx.alloc().buffer(Packets.HEADER_SIZE + 1 + sql.length);
        Packets.writeHeader(rewritten, 1 + sql.length, 0);
        rewritten.writeByte(Command.COM_QUERY).writeBytes(sql);
        return rewritten;
    }

    private void changeUser(ByteBuf frame) {
        ComChangeUser request;
        try {
            request = ComChangeUser.decode(frame.slice(Packets.payloadIndex(frame), Packets.payloadLength(frame)),
                    clientCapabilities);
        } catch (MalformedPacketException | IndexOutOfBoundsException e) {
            fail(1, ConnectorErrors.badHandshake("malformed COM_CHANGE_USER"));
            return;
        } finally {
            frame.release();
        }
        // The session starts over: new backend connections carry no state of the old ones.
        dropAll();
        state.reset();
        statements.clear();
        lastPreparedId = 0;
        authSequence = 1;
        String plugin = request.authPluginName() != null ? request.authPluginName() : AuthPlugins.MYSQL_NATIVE_PASSWORD;
        authenticate(new Login(request.username(), plugin, request.authResponse(), request.database(),
                request.characterSet(), request.connectAttributes(), true));
    }

    // ---------------------------------------------------------------- inline commands

    /** Answers a {@code tungsten ...} statement itself, as a result set (or an ERR for one it does not know). */
    private void answerInline(ByteBuf frame, int from, int to) {
        String text = frame.toString(from, Math.max(0, to - from), StandardCharsets.UTF_8).trim();
        frame.release();
        while (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1).trim();
        }
        String[] words = text.isEmpty() ? new String[0] : text.split("\\s+", 2);
        String verb = words.length == 0 ? "" : words[0].toLowerCase(Locale.ROOT);
        String rest = words.length < 2 ? "" : words[1];
        TextResultSet answer = switch (verb + " " + rest.toLowerCase(Locale.ROOT)) {
            case "connection status" -> connectionStatus();
            case "connection count" -> InlineCommands.connectionCount(services.sessionCount().get(), services.topology());
            case "cluster status" -> InlineCommands.clusterStatus(services.topology());
            case "help " -> InlineCommands.help();
            case "flush privileges" -> flushPrivileges();
            default -> verb.equals("explain") && !rest.isBlank() ? explain(rest) : null;
        };
        if (answer == null) {
            writePacket(1, ConnectorErrors.of(ErrorCode.SYNTAX, "Unknown command 'tungsten " + text
                    + "'; 'tungsten help' lists the connector's commands")::encode);
        } else {
            ByteBuf out = ctx.alloc().buffer();
            answer.encode(out, clientCapabilities, state.primaryStatus(), 1);
            ctx.write(out, ctx.voidPromise());
        }
        ctx.flush();
    }

    private TextResultSet connectionStatus() {
        return InlineCommands.connectionStatus(connectionId, config.serviceName(), sessionQos, listener,
                routedDatasource, current == null || current.primary ? Role.MASTER : Role.SLAVE, routedReason,
                state, routing, backends);
    }

    /** Where a statement would go now, and why, without running it. */
    private TextResultSet explain(String sql) {
        Classification explained = StatementClassifier.classify(sql);
        Reason savedReason = routedReason;
        boolean savedWait = waitForPosition;
        try {
            Dataservice service = services.topology().dataservice();
            Reason reason = SessionState.statementReason(explained);
            String target;
            Role role;
            if (explained.type() == StatementType.INLINE_COMMAND) {
                target = "connector";
                role = null;
                routedReason = null;
            } else if (reason == Reason.DIAGNOSTICS && current != null) {
                target = current.datasource;
                role = current.primary ? Role.MASTER : Role.SLAVE;
                routedReason = reason;
            } else {
                Datasource replica = decide(service, reason, explained.hint());
                target = replica == null ? primary.datasource : replica.name();
                role = replica == null ? Role.MASTER : Role.SLAVE;
            }
            return InlineCommands.explain(target, role, routedReason, waitForPosition, explained, sessionQos);
        } finally {
            routedReason = savedReason;
            waitForPosition = savedWait;
        }
    }

    private TextResultSet flushPrivileges() {
        return InlineCommands.message(services.reloadUsers());
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Called (on this session's loop) when the connector shuts down: an idle session is closed now,
     * a session with a command in flight when its response is complete.
     */
    public void drain() {
        drain(ConnectorErrors.shuttingDown());
    }

    /**
     * Like {@link #drain()}, with the error a client still logging in gets (a session going OFFLINE
     * tells it so rather than that the connector shuts down).
     */
    public void drain(ErrPacket loginError) {
        draining = true;
        switch (phase) {
            case COMMAND_IN_FLIGHT, CLOSING, FAILED -> { }
            case HANDSHAKE_SENT, AUTH_SWITCH_SENT, CONNECTING_BACKEND, CHANGING_USER -> fail(authSequence, loginError);
            default -> close();
        }
    }

    /**
     * Called (on this session's loop) after the connector's state or topology changed: a command
     * that waited for the hold to end goes on.
     */
    public void wake() {
        if (isCommandPhase()) {
            resumeHeld();
        }
    }

    /**
     * Whether the session is at a transaction boundary with nothing in flight (called on this
     * session's loop when a manager waits for every session to be held).
     */
    public boolean atTransactionBoundary() {
        if (!isCommandPhase() || primary == null) {
            return true;
        }
        return allIdle() && !ServerStatus.has(state.primaryStatus(), ServerStatus.IN_TRANS);
    }

    /**
     * Called (on this session's loop) when a switch has waited connector-disconnect-timeout for this
     * session to leave its transaction: the transaction is aborted (the primary rolls it back when
     * its connection closes) and the session ends with an error — as the answer to a statement in
     * flight, else unsolicited, as a server that kills a connection sends it.
     */
    public void abortTransactionForSwitch() {
        if (atTransactionBoundary()) {
            return;
        }
        log.info("[{} {}] still inside a transaction when the switch could wait no longer; aborting it", connectionId, peer);
        ErrPacket error = ConnectorErrors.abortedBySwitch(config.disconnectTimeout().toMillis());
        fail(responseStarted ? -1 : allIdle() ? 0 : lastClientSequence + 1, error);
    }

    /** Closes the session, and its backends. */
    private void close() {
        if (phase == FrontendPhase.CLOSING || phase == FrontendPhase.FAILED) {
            return;
        }
        phase = FrontendPhase.CLOSING;
        releasePending();
        dropAll();
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Ends the session after a failure: sends {@code error} with the given sequence id (none when
     * {@code sequenceId} is negative, e.g. in the middle of a result stream) and closes.
     */
    private void fail(int sequenceId, ErrPacket error) {
        if (phase == FrontendPhase.CLOSING || phase == FrontendPhase.FAILED) {
            return;
        }
        phase = FrontendPhase.FAILED;
        releasePending();
        dropAll();
        if (sequenceId >= 0) {
            writePacket(sequenceId & 0xFF, error::encode);
        }
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Lets go of every backend: COM_QUIT at a command boundary, an abrupt close in the middle of a command. */
    private void dropAll() {
        for (SessionBackend backend : backends) {
            if (backend != null) {
                letGo(backend);
            }
        }
        primary = null;
        current = null;
        movingTo = null;
        preparesInFlight = 0;
    }

    /** Closes one backend connection: COM_QUIT at a command boundary, an abrupt close in the middle of a command. */
    private void letGo(SessionBackend backend) {
        if (backends[backend.slot] == backend) {
            backends[backend.slot] = null;
        }
        if (backend.counted) {
            backend.counted = false;
            services.topology().sessionMoved(backend.datasource, -1);
        }
        if (backend.isIdle() && backend.poolKey != null) {
            BackendPool.of().release(backend.connection, backend.poolKey, config.backendPool());
        } else if (backend.isIdle()) {
            backend.connection.quit();
        } else {
            backend.connection.close();
        }
    }

    private void releasePending() {
        ByteBuf frame;
        while ((frame = pending.poll()) != null) {
            frame.release();
        }
        if (held != null) {
            held.release();
            held = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        log.debug("[{} {}] client disconnected", connectionId, peer);
        cancelHandshakeTimer();
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        services.sessionCount().decrementAndGet();
        services.serverThreads().remove(connectionId);
        services.releasedSessions().remove(connectionId);
        if (phase != FrontendPhase.FAILED) {
            phase = FrontendPhase.CLOSING;
        }
        releasePending();
        dropAll();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            // Only the connection phase limits packet sizes (limitClientPackets): answer as a
            // server does to a handshake it cannot read, after the packet the client sent.
            log.debug("[{} {}] connection-phase packet too large: {}", connectionId, peer, cause.getMessage());
            int clientSequence = phase == FrontendPhase.AUTH_SWITCH_SENT ? authSequence + 1 : tls ? authSequence : 1;
            fail(clientSequence + 1, ConnectorErrors.badHandshake("packet too large"));
            return;
        }
        if (cause instanceof IOException) {
            log.debug("[{} {}] client connection error: {}", connectionId, peer, cause.getMessage());
        } else if (cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() instanceof javax.net.ssl.SSLException) {
            log.info("[{} {}] TLS failure: {}", connectionId, peer, cause.getCause().getMessage());
        } else {
            log.warn("[{} {}] session failed", connectionId, peer, cause);
        }
        if (phase != FrontendPhase.CLOSING && phase != FrontendPhase.FAILED) {
            phase = FrontendPhase.FAILED;
            releasePending();
            dropAll();
        }
        ctx.close();
    }

    private void writePacket(int sequenceId, Consumer<ByteBuf> payloadWriter) {
        ByteBuf out = ctx.alloc().buffer();
        out.writerIndex(Packets.HEADER_SIZE);
        payloadWriter.accept(out);
        out.setMediumLE(out.readerIndex(), out.writerIndex() - Packets.HEADER_SIZE);
        out.setByte(out.readerIndex() + 3, sequenceId);
        ctx.write(out, ctx.voidPromise());
    }
}
