package dev.turnout.connector.bridge;

import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.connector.session.Listener;
import dev.turnout.connector.session.SessionServices;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bridged client connection: on accept it connects to the datasource {@link BridgeTargets}
 * chooses, then relays the bytes of both directions untouched. The client's pipeline holds only
 * this handler (no frame decoder): every {@link ByteBuf} read from one channel is written as is to
 * the other, so the MySQL greeting, authentication, TLS and compression are end to end between the
 * client and the server, and the client sees the server's own thread id.
 *
 * <p><b>Flow control.</b> Auto-read is off on both channels. A channel is read again after a read
 * batch only while the other channel is writable, and when the other channel becomes writable
 * again; writes are flushed once per read batch. A slow reader therefore holds back its peer
 * instead of making the connector buffer.
 *
 * <p><b>Failure before the first byte.</b> Until the datasource has sent something (its greeting),
 * nothing has reached the client, so a datasource that refuses the connection, cannot be reached or
 * stays silent for {@code connector-connect-timeout} is reported as a server that refuses a
 * connection does: one ERR packet with sequence id 0 (error 2003), then the connection is closed.
 * Afterwards, when either side closes, the other is flushed and closed.
 *
 * <p><b>Threading.</b> The datasource channel is registered on the client channel's event loop;
 * every method of this class and of its datasource-side handler runs on that loop: no locks, no
 * volatile fields.
 */
public final class BridgeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BridgeHandler.class);

    private enum Phase {
        /** Connecting to the datasource, or waiting for its first byte. */
        CONNECTING,
        /** The datasource has spoken: bytes flow both ways. */
        RELAYING,
        /** Either side is closed or closing; nothing more is relayed. */
        CLOSED
    }

    private final SessionServices services;
    private final BridgeTargets targets;
    private final Listener listener;
    private final DatasourceSide datasourceSide = new DatasourceSide();

    private Phase phase = Phase.CONNECTING;
    // client, datasource and target: set by channelActive, the first event of an accepted channel;
    // the datasource side only starts there
    @SuppressWarnings("NullAway.Init")
    private ChannelHandlerContext client;

    @SuppressWarnings("NullAway.Init")
    private Channel datasource;

    @SuppressWarnings("NullAway.Init")
    private HostPort target;
    /** Ends the wait for the datasource's first byte; null once it arrived or the session ended. */
    private @Nullable ScheduledFuture<?> connectTimer;

    /** A bridged connection accepted on {@code listener}, relayed to the datasource {@code targets} chooses for it. */
    public BridgeHandler(SessionServices services, BridgeTargets targets, Listener listener) {
        this.services = services;
        this.targets = targets;
        this.listener = listener;
    }

    /** The listener (port) the client connected to. */
    public Listener listener() {
        return listener;
    }

    // ---------------------------------------------------------------- client side

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx;
        target = targets.choose(listener);
        long timeoutMillis = services.config().connectTimeout().toMillis();
        ChannelFuture connect = services.dialer()
                .dial(
                        ctx.channel().eventLoop(),
                        target.host(),
                        target.port(),
                        services.config().connectTimeout(),
                        datasourceSide);
        datasource = connect.channel();
        connectTimer = ctx.executor()
                .schedule(
                        () -> unreachable(new TimeoutException("connect timed out")),
                        timeoutMillis,
                        TimeUnit.MILLISECONDS);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                unreachable(f.cause());
            } else if (phase == Phase.CLOSED) {
                datasource.close();
            } else {
                log.debug("[bridge {} -> {}] connected ({})", peer(), target, listener);
                datasource.read();
                client.read();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.CLOSED || !datasource.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        datasource.write(msg, datasource.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (phase == Phase.CLOSED || !datasource.isActive()) {
            return;
        }
        datasource.flush();
        if (datasource.isWritable()) {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (phase != Phase.CLOSED && ctx.channel().isWritable() && datasource.isActive()) {
            datasource.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        log.debug("[bridge {} -> {}] client closed", peer(), target);
        phase = Phase.CLOSED;
        cancelConnectTimer();
        if (datasource != null) {
            if (datasource.isActive()) {
                closeOnFlush(datasource);
            } else {
                datasource.close(); // still connecting: abandons the attempt
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("[bridge {} -> {}] client connection error: {}", peer(), target, cause.getMessage());
        } else {
            log.warn("[bridge {} -> {}] client connection failed", peer(), target, cause);
        }
        ctx.close();
    }

    // ---------------------------------------------------------------- failure before the first byte

    /**
     * The datasource could not be reached or stayed silent: the client gets one ERR in place of a
     * greeting, sequence id 0 and without SQL state, as a server refusing a connection sends it.
     */
    private void unreachable(Throwable cause) {
        if (phase != Phase.CONNECTING) {
            return;
        }
        phase = Phase.CLOSED;
        cancelConnectTimer();
        datasource.close();
        ErrPacket error = switch (listener) {
            case READ_WRITE -> ConnectorErrors.noPrimary(services.config().serviceName(), target.toString(), cause);
            case READ_ONLY -> ConnectorErrors.noReplica(services.config().serviceName(), target.toString(), cause);
        };
        log.info("[bridge {} -> {}] datasource unavailable: {}", peer(), target, ConnectorErrors.describe(cause));
        ByteBuf out = client.alloc().buffer();
        out.writerIndex(Packets.HEADER_SIZE);
        error.encode(out, 0); // as a server refusing a connection: no capabilities, so no SQL state

        out.setMediumLE(0, out.writerIndex() - Packets.HEADER_SIZE);
        out.setByte(3, 0);
        client.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }

    private void cancelConnectTimer() {
        if (connectTimer != null) {
            connectTimer.cancel(false);
            connectTimer = null;
        }
    }

    private static void closeOnFlush(Channel channel) {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private String peer() {
        SocketAddress remote = client == null ? null : client.channel().remoteAddress();
        return remote instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : String.valueOf(remote);
    }

    // ---------------------------------------------------------------- datasource side

    /** The handler of the datasource channel: the mirror image of the client side. */
    private final class DatasourceSide extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (phase == Phase.CONNECTING) {
                phase = Phase.RELAYING;
                cancelConnectTimer();
            }
            if (phase == Phase.CLOSED || !client.channel().isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            client.write(msg, client.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (phase == Phase.CLOSED || !client.channel().isActive()) {
                return;
            }
            client.flush();
            if (client.channel().isWritable()) {
                ctx.read();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (phase != Phase.CLOSED
                    && ctx.channel().isWritable()
                    && client.channel().isActive()) {
                client.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (phase == Phase.CONNECTING) {
                unreachable(new ClosedChannelException());
                return;
            }
            log.debug("[bridge {} -> {}] datasource closed", peer(), target);
            phase = Phase.CLOSED;
            if (client.channel().isActive()) {
                closeOnFlush(client.channel());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug(
                    "[bridge {} -> {}] datasource connection error: {}",
                    peer(),
                    target,
                    ConnectorErrors.describe(cause));
            ctx.close();
        }
    }
}
