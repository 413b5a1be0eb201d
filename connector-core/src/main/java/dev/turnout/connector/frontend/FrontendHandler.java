package dev.turnout.connector.frontend;

import dev.turnout.connector.error.LogSafe;
import dev.turnout.connector.session.Listener;
import dev.turnout.connector.session.Session;
import dev.turnout.connector.session.SessionServices;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty adapter of one client session: channel events go, by the connection's phase, to the
 * connection phase ({@link ClientLogin}) or to the {@link Session}; flow control follows the
 * session (auto-read is off: the client is read when the session can take more, see
 * {@code CommandQueue}); channel errors end the session.
 *
 * <p><b>Threading invariant.</b> A session lives on its client channel's event loop, and every
 * backend channel of the session is registered on the same loop, so the handler, the login and
 * every part of the session run on that one thread: no locks, no volatile fields. Only the
 * {@link SessionServices} (immutable or thread-safe) and the session registry cross loops.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    private final SessionServices services;
    private final Listener listener;
    private final long connectionId;
    private String peer = "?";
    // login and session: made by channelActive, the first event of an accepted channel
    @SuppressWarnings("NullAway.Init")
    private ClientLogin login;

    @SuppressWarnings("NullAway.Init")
    private Session session;

    /** A session accepted on {@code listener}. */
    public FrontendHandler(SessionServices services, Listener listener) {
        this.services = services;
        this.listener = listener;
        this.connectionId = services.nextConnectionId();
    }

    /** The listening port the client connected to. */
    public Listener listener() {
        return listener;
    }

    /** The id this session was given in the connector's handshake. */
    public long connectionId() {
        return connectionId;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        peer = remote instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : String.valueOf(remote);
        login = new ClientLogin(services, ctx, listener, connectionId, peer);
        session = new Session(services, listener, connectionId, peer, ctx, login);
        login.greet(session);
        log.debug("[{} {}] session opened", connectionId, peer);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (login.handOver(msg)) {
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        switch (session.client().phase()) {
            case COMMANDS, CONNECTING_BACKEND -> session.clientFrame(frame);
            case HANDSHAKE_SENT, AUTH_SWITCH_SENT, AUTH_RELAYED -> login.onPacket(frame);
            case CLOSING, FAILED -> frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        session.clientReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            session.clientWritable();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        log.debug("[{} {}] client disconnected", connectionId, peer);
        login.closed();
        session.closed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            // Only the connection phase limits packet sizes: answer as a server does to a handshake it cannot read.
            login.tooLarge(cause.getMessage());
            return;
        }
        if (cause instanceof IOException) {
            log.debug("[{} {}] client connection error: {}", connectionId, peer, cause.getMessage());
        } else if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            log.info(
                    "[{} {}] TLS failure: {}",
                    connectionId,
                    peer,
                    LogSafe.text(cause.getCause().getMessage(), LogSafe.TEXT));
        } else {
            log.warn("[{} {}] session failed", connectionId, peer, cause);
        }
        session.client().abort();
    }
}
