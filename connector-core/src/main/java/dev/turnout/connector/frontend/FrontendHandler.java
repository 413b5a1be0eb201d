package dev.turnout.connector.frontend;

import dev.turnout.connector.backend.BackendConnection;
import dev.turnout.connector.backend.BackendListener;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.auth.ClientAuthExchange;
import dev.turnout.protocol.auth.Scrambles;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
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
 * client is writable. The {@link ResponseTracker} of the backend connection tells where the command
 * boundaries are.
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

    private BackendConnection backend;
    private ResponseTracker tracker;
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
    /** Set while the frame decoder is replaced after an SSLRequest (see {@link #startTls()}). */
    private boolean tlsSwitching;

    /** The identity and credentials a client presented, from HandshakeResponse41 or COM_CHANGE_USER. */
    private record Login(String user, String plugin, byte[] response, String database, int characterSet,
            Map<String, String> attributes, boolean changeUser) {
    }

    /** A session accepted on {@code listener}. */
    public FrontendHandler(SessionServices services, Listener listener) {
        this.services = services;
        this.listener = listener;
        this.config = services.config();
        this.connectionId = services.nextConnectionId();
        this.seed = Scrambles.newSeed(services.random());
    }

    /** The listener (port) this session was accepted on. */
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
        byte[] password = config.applicationPassword();
        boolean userMatches = MessageDigest.isEqual(
                candidate.user().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                config.applicationUser().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        boolean passwordMatches = switch (candidate.plugin()) {
            case AuthPlugins.CACHING_SHA2_PASSWORD -> Scrambles.verifyCachingSha2(password, seed, candidate.response());
            case AuthPlugins.MYSQL_CLEAR_PASSWORD -> MessageDigest.isEqual(password, stripNul(candidate.response()));
            default -> Scrambles.verifyNative(password, seed, candidate.response());
        };
        java.util.Arrays.fill(password, (byte) 0);
        if (!(userMatches & passwordMatches)) {
            log.info("[{} {}] access denied for user '{}'", connectionId, peer, candidate.user());
            fail(authSequence, ConnectorErrors.accessDenied(candidate.user(), hostOf(peer), candidate.response().length > 0));
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
        Map<String, String> attributes = new LinkedHashMap<>(candidate.attributes());
        attributes.put("_turnout_client", peer);
        long backendCapabilities = clientCapabilities & ~Capabilities.CLIENT_SSL;
        ClientAuthExchange exchange = new ClientAuthExchange(config.applicationUser(), config.applicationPassword(),
                candidate.database(), backendCapabilities, candidate.characterSet(), attributes);
        var master = config.dataservice().master();
        BackendConnection.Target target = new BackendConnection.Target(config.serviceName(), master.host(), master.port(),
                config.connectTimeout());
        backend = BackendConnection.connect(ctx.channel().eventLoop(), services.backendChannelClass(), target, exchange,
                this, services.greetings()::update);
    }

    @Override
    public void backendReady(BackendConnection ready, OkPacket ok) {
        if (ready != backend) {
            return;
        }
        if (phase != FrontendPhase.CONNECTING_BACKEND && phase != FrontendPhase.CHANGING_USER) {
            ready.close();
            return;
        }
        tracker = new ResponseTracker(ready.capabilities());
        OkPacket toClient = new OkPacket(0, 0, ok.statusFlags(), ok.warnings(), "");
        writePacket(authSequence, out -> toClient.encode(out, clientCapabilities));
        ctx.flush();
        phase = FrontendPhase.COMMAND_IDLE;
        clientPacketContinues = false;
        services.serverThreads().put(connectionId, ready.serverConnectionId());
        log.debug("[{} {}] authenticated as '{}', backend {} thread {}", connectionId, peer, login.user(),
                ready.target(), ready.serverConnectionId());
        login = null;
        if (draining) {
            close();
            return;
        }
        while (!pending.isEmpty() && (phase == FrontendPhase.COMMAND_IDLE || phase == FrontendPhase.COMMAND_IN_FLIGHT)) {
            onCommandPacket(pending.poll());
        }
        if (backend == null) {
            return; // a pipelined COM_QUIT or a protocol violation ended the session
        }
        backend.flush();
        ctx.read();
        backend.read();
    }

    @Override
    public void backendFailed(BackendConnection failed, ErrPacket error) {
        if (failed != backend) {
            return;
        }
        log.info("[{} {}] no backend for dataservice {}: {}", connectionId, peer, config.serviceName(), error.message());
        fail(authSequence, error);
    }

    // ---------------------------------------------------------------- command phase

    private void onCommandPacket(ByteBuf frame) {
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
        if (!continuation && tracker.isIdle()) {
            int command = Packets.firstByte(frame);
            if (lastClientSequence != 0) {
                frame.release();
                fail(lastClientSequence + 1, ConnectorErrors.outOfOrder("a command must start with sequence id 0"));
                return;
            }
            if (command == Command.COM_CHANGE_USER) {
                changeUser(frame);
                return;
            }
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
        }
        ClientStep step = tracker.onClientPacket(frame);
        switch (step) {
            case COMMAND_STARTED -> phase = FrontendPhase.COMMAND_IN_FLIGHT;
            case COMMAND_COMPLETE_NO_RESPONSE, CONTINUATION, LOCAL_INFILE_END -> { }
            case UNEXPECTED -> {
                frame.release();
                fail(responseStarted ? -1 : lastClientSequence + 1,
                        ConnectorErrors.outOfOrder("unexpected packet from the client while " + tracker.state()));
                return;
            }
        }
        backend.write(frame);
        if (step == ClientStep.COMMAND_COMPLETE_NO_RESPONSE && tracker.isIdle()) {
            phase = FrontendPhase.COMMAND_IDLE;
        }
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
        // The session starts over: a new backend connection carries no state of the old one.
        releaseBackend();
        tracker = null;
        authSequence = 1;
        String plugin = request.authPluginName() != null ? request.authPluginName() : AuthPlugins.MYSQL_NATIVE_PASSWORD;
        authenticate(new Login(request.username(), plugin, request.authResponse(), request.database(),
                request.characterSet(), request.connectAttributes(), true));
    }

    @Override
    public void backendPacket(ByteBuf frame) {
        if (phase != FrontendPhase.COMMAND_IN_FLIGHT && phase != FrontendPhase.COMMAND_IDLE) {
            frame.release();
            return;
        }
        ServerStep step = tracker.onServerPacket(frame);
        if (step == ServerStep.UNEXPECTED) {
            frame.release();
            log.warn("[{} {}] unexpected packet from backend {} while {}; closing the session", connectionId, peer,
                    backend.target(), tracker.state());
            fail(responseStarted ? -1 : lastClientSequence + 1, ConnectorErrors.backendLost(backend.target().toString()));
            return;
        }
        responseStarted = true;
        ctx.write(frame, ctx.voidPromise());
        if (step == ServerStep.COMPLETE && tracker.isIdle()) {
            phase = FrontendPhase.COMMAND_IDLE;
            responseStarted = false;
            if (draining) {
                ctx.flush();
                close();
            }
        }
    }

    @Override
    public void backendReadComplete() {
        ctx.flush();
        if (ctx.channel().isWritable()) {
            backend.read();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (backend != null && backend.isReady()) {
            backend.flush();
            if (backend.isWritable() && (phase == FrontendPhase.COMMAND_IDLE || phase == FrontendPhase.COMMAND_IN_FLIGHT)) {
                ctx.read();
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && backend != null) {
            backend.read();
        }
    }

    @Override
    public void backendWritabilityChanged(boolean writable) {
        if (writable && (phase == FrontendPhase.COMMAND_IDLE || phase == FrontendPhase.COMMAND_IN_FLIGHT)) {
            ctx.read();
        }
    }

    @Override
    public void backendClosed(BackendConnection closed) {
        if (closed != backend) {
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

    // ---------------------------------------------------------------- lifecycle

    /**
     * Called (on this session's loop) when the connector shuts down: an idle session is closed now,
     * a session with a command in flight when its response is complete.
     */
    public void drain() {
        draining = true;
        switch (phase) {
            case COMMAND_IN_FLIGHT, CLOSING, FAILED -> { }
            case HANDSHAKE_SENT, AUTH_SWITCH_SENT -> fail(authSequence, ConnectorErrors.shuttingDown());
            default -> close();
        }
    }

    /** Closes the session, and its backend. */
    private void close() {
        if (phase == FrontendPhase.CLOSING || phase == FrontendPhase.FAILED) {
            return;
        }
        phase = FrontendPhase.CLOSING;
        releasePending();
        releaseBackend();
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
        releaseBackend();
        if (sequenceId >= 0) {
            writePacket(sequenceId & 0xFF, error::encode);
        }
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Lets go of the backend: COM_QUIT at a command boundary, an abrupt close in the middle of a command. */
    private void releaseBackend() {
        if (backend != null) {
            if (tracker != null && tracker.isIdle()) {
                backend.quit();
            } else {
                backend.close();
            }
            backend = null;
        }
    }

    private void releasePending() {
        ByteBuf frame;
        while ((frame = pending.poll()) != null) {
            frame.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        log.debug("[{} {}] client disconnected", connectionId, peer);
        cancelHandshakeTimer();
        services.serverThreads().remove(connectionId);
        if (phase != FrontendPhase.FAILED) {
            phase = FrontendPhase.CLOSING;
        }
        releasePending();
        releaseBackend();
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
            releaseBackend();
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
