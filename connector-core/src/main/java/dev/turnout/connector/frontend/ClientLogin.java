package dev.turnout.connector.frontend;

import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.connector.error.LogSafe;
import dev.turnout.connector.session.ClientConnection;
import dev.turnout.connector.session.FrontendPhase;
import dev.turnout.connector.session.Listener;
import dev.turnout.connector.session.Session;
import dev.turnout.connector.session.SessionHost;
import dev.turnout.connector.session.SessionLogin;
import dev.turnout.connector.session.SessionServices;
import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.auth.Scrambles;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.message.client.ComChangeUser;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.client.SslRequest;
import dev.turnout.protocol.message.server.AuthMoreData;
import dev.turnout.protocol.message.server.AuthSwitchRequest;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.message.server.OkPacket;
import dev.turnout.protocol.wire.PacketFrameDecoder;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection phase the connector plays as a server: its greeting, the TLS upgrade after an
 * SSLRequest, the client's handshake response and authentication (with an auth switch to
 * {@code mysql_native_password} where the client chose a method the connector does not verify, or
 * the primary's own exchange, relayed by {@link LoginRelay}, for an account the connector cannot verify),
 * {@code COM_CHANGE_USER} later on, and {@code connector-handshake-timeout}. A verified login
 * starts the {@link Session}, which tells this class when the client may get its OK.
 *
 * <p>Confined to the session's event loop.
 */
final class ClientLogin implements SessionHost {

    private static final Logger log = LoggerFactory.getLogger(ClientLogin.class);

    /** The largest packet accepted before authentication (a handshake response is a few hundred bytes). */
    private static final int MAX_CONNECTION_PHASE_PAYLOAD = 64 * 1024;

    private final SessionServices services;
    private final ChannelHandlerContext ctx;
    private final Listener listener;
    private final long connectionId;
    private final String tag;
    private final Accounts accounts;
    private final byte[] seed;
    // session and client: set by greet(), which FrontendHandler calls right after making this login
    @SuppressWarnings("NullAway.Init")
    private Session session;

    @SuppressWarnings("NullAway.Init")
    private ClientConnection client;

    @SuppressWarnings("NullAway.Init")
    private LoginRelay relay;

    private long advertisedCapabilities;
    private boolean tls;
    /** Sequence id of the next packet we send during the connection phase / change user. */
    private int authSequence;
    /** The login being authenticated, across an auth switch. */
    private @Nullable Login switching;
    /** The verified login until the client got its OK. */
    private @Nullable SessionLogin verified;
    /** Closes a session that does not complete the connection phase in time; null once it did. */
    private @Nullable ScheduledFuture<?> handshakeTimer;

    private final TlsUpgrade tlsUpgrade;
    /**
     * A refusal that came while the client was to speak next (the connector went OFFLINE after the
     * greeting or an auth switch): it answers the client's next packet, with the sequence id the
     * client expects, instead of arriving out of turn (which clients take for a broken packet).
     */
    private @Nullable ErrPacket refusal;
    /** The session's place among its user's sessions ({@code connector-max-user-connections}). */
    private final UserSlot userSlot;

    ClientLogin(
            SessionServices services, ChannelHandlerContext ctx, Listener listener, long connectionId, String peer) {
        this.services = services;
        this.ctx = ctx;
        this.listener = listener;
        this.connectionId = connectionId;
        this.tag = "[" + connectionId + " " + peer + "]";
        this.accounts = new Accounts(services.config(), services.routing(), services.accounts());
        this.seed = Scrambles.newSeed(services.random());
        this.userSlot = new UserSlot(services.registry().connections());
        this.tlsUpgrade = new TlsUpgrade(ctx);
    }

    /**
     * Sends the greeting of the session that the verified login will start; an OFFLINE connector
     * refuses the connection in place of the greeting, as a server does.
     */
    void greet(Session started) {
        this.session = started;
        this.client = started.client();
        this.relay = new LoginRelay(client);
        if (services.control().offline()) {
            log.debug("{} refused: the connector is OFFLINE", tag);
            client.refuse(ConnectorErrors.offline());
            return;
        }
        HandshakeV10 greeting = services.greetings().greetingFor(connectionId, seed, services.sslContext() != null);
        advertisedCapabilities = greeting.capabilities();
        limitClientPackets(MAX_CONNECTION_PHASE_PAYLOAD);
        long timeout = services.config().handshakeTimeout().toMillis();
        handshakeTimer = ctx.executor().schedule(this::handshakeTimedOut, timeout, TimeUnit.MILLISECONDS);
        client.writePacket(0, greeting::encode);
        client.flush();
        client.read();
    }

    /** Raw bytes of the TLS upgrade ({@link TlsUpgrade#handOver}); returns whether {@code msg} was such. */
    boolean handOver(Object msg) {
        return tlsUpgrade.handOver(msg);
    }

    /** A packet of the connection phase (released here). */
    void onPacket(ByteBuf frame) {
        try {
            if (Packets.payloadLength(frame) > MAX_CONNECTION_PHASE_PAYLOAD || Packets.isContinued(frame)) {
                client.fail(Packets.sequenceId(frame) + 1, ConnectorErrors.badHandshake("packet too large"));
                return;
            }
            authSequence = Packets.sequenceId(frame) + 1;
            if (refusal != null) {
                // An SSLRequest is answered by closing: the client would read the ERR as TLS.
                client.fail(
                        SslRequest.isSslRequest(frame.slice(Packets.payloadIndex(frame), Packets.payloadLength(frame)))
                                ? -1
                                : authSequence,
                        refusal);
                return;
            }
            ByteBuf payload = frame.slice(Packets.payloadIndex(frame), Packets.payloadLength(frame));
            Consumer<ByteBuf> step = switch (client.phase()) {
                case AUTH_SWITCH_SENT -> this::onAuthSwitchResponse;
                case AUTH_RELAYED -> relay::answer;
                default -> this::onHandshakeResponse;
            };
            step.accept(payload);
        } catch (MalformedPacketException e) {
            log.debug("{} malformed connection-phase packet: {}", tag, LogSafe.text(e.getMessage(), LogSafe.TEXT));
            client.fail(
                    authSequence,
                    ConnectorErrors.badHandshake(e.getMessage() == null ? "malformed packet" : e.getMessage()));
        } finally {
            frame.release();
        }
    }

    /** A client that has not authenticated within connector-handshake-timeout is sent away. */
    private void handshakeTimedOut() {
        handshakeTimer = null;
        FrontendPhase phase = client.phase();
        // (In CONNECTING_BACKEND only a relayed login still has the timer: the primary has not answered yet.)
        if (phase == FrontendPhase.HANDSHAKE_SENT
                || phase.awaitsClientAuth()
                || phase == FrontendPhase.CONNECTING_BACKEND) {
            long timeout = services.config().handshakeTimeout().toMillis();
            log.info("{} no login within connector-handshake-timeout ({} ms); closing", tag, timeout);
            client.fail(authSequence, ConnectorErrors.badHandshake("no login within " + timeout + " ms"));
        }
    }

    private void onHandshakeResponse(ByteBuf payload) {
        if (SslRequest.isSslRequest(payload)) {
            SslContext sslContext = services.sslContext();
            if (sslContext == null || tls) {
                client.fail(authSequence, ConnectorErrors.badHandshake("TLS is not offered by this connector"));
                return;
            }
            startTls(sslContext);
            return;
        }
        HandshakeResponse41 response = HandshakeResponse41.decode(payload);
        if (Capabilities.has(response.capabilities(), Capabilities.CLIENT_PROTOCOL_41)) {
            client.capabilities(response.capabilities() & advertisedCapabilities);
        }
        ErrPacket refusal = HandshakeRules.refusal(
                response, tls, services.sslContext() != null, services.config().requireTls());
        if (refusal != null) {
            log.info("{} refused: {}", tag, refusal.message());
            client.fail(authSequence, refusal);
            return;
        }
        String plugin =
                response.authPluginName() != null ? response.authPluginName() : AuthPlugins.MYSQL_NATIVE_PASSWORD;
        authenticate(new Login(
                response.username(),
                plugin,
                response.authResponse(),
                response.database(),
                response.characterSet(),
                response.connectAttributes(),
                false));
    }

    private void startTls(SslContext sslContext) {
        tlsUpgrade.start(sslContext, MAX_CONNECTION_PHASE_PAYLOAD);
        tls = true;
        client.read();
    }

    private void onAuthSwitchResponse(ByteBuf payload) {
        byte[] response = new byte[payload.readableBytes()];
        payload.readBytes(response);
        Login switched = Objects.requireNonNull(switching, "switchToNative set it with AUTH_SWITCH_SENT")
                .switched(AuthPlugins.MYSQL_NATIVE_PASSWORD, response);
        switching = null;
        verifyAndStart(switched, true);
    }

    /** Verifies a login with the method the client chose, or asks it to switch to ours. */
    private void authenticate(Login candidate) {
        if (accounts.authenticatedByPrimary(candidate.user(), ctx.channel().remoteAddress())) {
            verifyAndStart(candidate, true); // the primary asks for its account's own plugin
            return;
        }
        switch (candidate.plugin()) {
            case AuthPlugins.MYSQL_NATIVE_PASSWORD -> verifyAndStart(candidate, false);
            case AuthPlugins.CACHING_SHA2_PASSWORD -> {
                if (accounts.fromServer(candidate.user())) {
                    switchToNative(candidate); // a primary's account is verified against its native hash
                } else {
                    verifyAndStart(candidate, false);
                }
            }
            case AuthPlugins.MYSQL_CLEAR_PASSWORD -> {
                if (tls) {
                    verifyAndStart(candidate, false);
                } else {
                    switchToNative(candidate);
                }
            }
            default -> switchToNative(candidate);
        }
    }

    private void switchToNative(Login candidate) {
        switching = candidate;
        client.phase(FrontendPhase.AUTH_SWITCH_SENT);
        AuthSwitchRequest request = new AuthSwitchRequest(AuthPlugins.MYSQL_NATIVE_PASSWORD, seed);
        client.writePacket(authSequence, request::encode);
        client.flush();
        client.read();
    }

    private void verifyAndStart(Login candidate, boolean afterSwitch) {
        accounts.verify(
                candidate, seed, tls, listener, ctx.channel(), tag, login -> verified(candidate, afterSwitch, login));
    }

    private void verified(Login candidate, boolean afterSwitch, @Nullable SessionLogin login) {
        if (!ctx.channel().isActive()) {
            return; // gone (or timed out) while the primary's accounts were read again
        }
        if (login == null) {
            client.fail(
                    authSequence,
                    ConnectorErrors.accessDenied(
                            candidate.user(),
                            Accounts.hostOf(ctx.channel().remoteAddress()),
                            candidate.response().length > 0));
            return;
        }
        if (services.control().offline()) {
            client.fail(authSequence, ConnectorErrors.offline());
            return;
        }
        if (!userSlot.take(login.user())) {
            client.fail(authSequence, ConnectorErrors.tooManyUserConnections(login.user()));
            return;
        }
        if (!login.relayed()) {
            cancelHandshakeTimer(); // a relayed login is still to answer the primary
        }
        verified = login;
        // Authenticated: commands (also those pipelined behind the login) may be as large as the protocol allows.
        limitClientPackets(Packets.MAX_PAYLOAD);
        if (!afterSwitch && AuthPlugins.CACHING_SHA2_PASSWORD.equals(candidate.plugin())) {
            // caching_sha2_password's "fast authentication succeeded"; the OK follows once the backend is ready.
            client.writePacket(authSequence++, new AuthMoreData(new byte[] {AuthMoreData.FAST_AUTH_SUCCESS})::encode);
            client.flush();
        }
        session.start(login);
    }

    @Override
    public void relayAuth(byte[] packet, Consumer<byte[]> answer) {
        limitClientPackets(MAX_CONNECTION_PHASE_PAYLOAD); // not authenticated yet
        relay.ask(
                packet,
                reply -> {
                    limitClientPackets(Packets.MAX_PAYLOAD);
                    answer.accept(reply);
                },
                authSequence);
    }

    @Override
    public void loggedIn(int status) {
        cancelHandshakeTimer();
        OkPacket ok = new OkPacket(0, 0, status, 0, "");
        client.writePacket(authSequence, out -> ok.encode(out, client.capabilities()));
        client.flush();
        client.phase(FrontendPhase.COMMANDS);
        SessionLogin login = Objects.requireNonNull(verified, "verifyAndStart set it before the session started");
        log.debug("{} authenticated as '{}', qos {}", tag, LogSafe.name(login.user()), login.qos());
        verified = null;
    }

    @Override
    public void loginFailed(ErrPacket backendError) {
        SessionLogin login = verified;
        ErrPacket error = login == null
                ? backendError
                : accounts.refusal(login, backendError, ctx.channel().remoteAddress());
        FrontendPhase phase = client.phase();
        if (phase == FrontendPhase.HANDSHAKE_SENT || phase.awaitsClientAuth()) {
            refusal = error; // the client speaks next: see onPacket
            return;
        }
        client.fail(authSequence, error);
    }

    @Override
    public void changeUser(ByteBuf frame) {
        ComChangeUser request;
        try {
            request = ComChangeUser.decode(
                    frame.slice(Packets.payloadIndex(frame), Packets.payloadLength(frame)), client.capabilities());
        } catch (MalformedPacketException e) {
            client.fail(1, ConnectorErrors.badHandshake("malformed COM_CHANGE_USER"));
            return;
        } finally {
            frame.release();
        }
        session.startOver();
        authSequence = 1;
        String plugin = request.authPluginName() != null ? request.authPluginName() : AuthPlugins.MYSQL_NATIVE_PASSWORD;
        authenticate(new Login(
                request.username(),
                plugin,
                request.authResponse(),
                request.database(),
                request.characterSet(),
                request.connectAttributes(),
                true));
    }

    /** The frame decoder refused a connection-phase packet that is too large: answered as a server does. */
    void tooLarge(@Nullable String detail) {
        log.debug("{} connection-phase packet too large: {}", tag, detail);
        int clientSequence = client.phase().awaitsClientAuth() ? authSequence + 1 : tls ? authSequence : 1;
        client.fail(clientSequence + 1, ConnectorErrors.badHandshake("packet too large"));
    }

    /** The client went away. */
    void closed() {
        cancelHandshakeTimer();
        userSlot.release();
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
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
}
