package dev.turnout.connector.backend;

import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.protocol.auth.ClientAuthExchange;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.client.SslRequest;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.wire.PacketFrameDecoder;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection from the connector to a database server, registered on the event loop of the
 * client session that owns it. It connects, upgrades to TLS after the server's greeting when its
 * dialer's {@link BackendTls} says so and the server offers it (SSLRequest, TLS handshake, then
 * the handshake response inside TLS), authenticates as a MySQL client (with
 * {@link ClientAuthExchange}) and then hands every packet of the command phase to its
 * {@link BackendListener} unchanged.
 *
 * <p>Threading: created, used and closed on one event loop only, the session's; no field is shared
 * with another thread. Auto-read is off: the session calls {@link #read()} when the client can take
 * more, so a slow client never makes the connector buffer a whole result.
 */
public final class BackendConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BackendConnection.class);

    private enum Phase {
        CONNECTING,
        AUTHENTICATING,
        READY,
        CLOSED
    }

    /** What a session needs to open a backend: target, credentials and the session's negotiated settings. */
    public record Target(String dataservice, String host, int port, Duration connectTimeout) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private final Target target;
    private final ClientAuthExchange auth;
    private final BackendTls tls;
    private BackendListener listener;
    private final Consumer<HandshakeV10> greetingObserver;
    private Phase phase = Phase.CONNECTING;
    // set by connect(), the only way to make a connection, before it returns it or any event reaches it
    @SuppressWarnings("NullAway.Init")
    private Channel channel;
    /** The connect and authentication timeout; null once cancelled. */
    private @Nullable ScheduledFuture<?> timeout;
    /** The sequence id of the answer to a relayed auth packet; -1 when none is awaited. */
    private int relaySequence = -1;
    /** The server greeting; null until it arrived. */
    private @Nullable HandshakeV10 greeting;

    private BackendConnection(
            Target target,
            ClientAuthExchange auth,
            BackendTls tls,
            BackendListener listener,
            Consumer<HandshakeV10> greetingObserver) {
        this.target = target;
        this.auth = auth;
        this.tls = tls;
        this.listener = listener;
        this.greetingObserver = greetingObserver;
    }

    /**
     * Starts connecting on {@code loop}; the outcome reaches {@code listener} on the same loop.
     *
     * @param greetingObserver told about every server greeting seen (to keep the connector's own
     *     handshake in line with the primary's version and capabilities)
     */
    public static BackendConnection connect(
            EventLoop loop,
            BackendDialer dialer,
            Target target,
            ClientAuthExchange auth,
            BackendListener listener,
            Consumer<HandshakeV10> greetingObserver) {
        BackendConnection backend = new BackendConnection(target, auth, dialer.tls(), listener, greetingObserver);
        int timeoutMillis =
                (int) Math.min(Integer.MAX_VALUE, target.connectTimeout().toMillis());
        ChannelFuture connect = dialer.dial(
                loop,
                target.host(),
                target.port(),
                target.connectTimeout(),
                new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast("frames", new PacketFrameDecoder())
                                .addLast("backend", backend);
                    }
                });
        backend.channel = connect.channel();
        backend.timeout = loop.schedule(
                () -> backend.fail(new TimeoutException("connect timed out")), timeoutMillis, TimeUnit.MILLISECONDS);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                backend.channel.read();
            } else {
                // Never from inside connect() (a dial may fail at once, e.g. on a name that does not
                // resolve): the caller has not kept the connection yet and would not know it.
                loop.execute(() -> backend.fail(f.cause()));
            }
        });
        return backend;
    }

    /**
     * Hands the connection to another owner on the same event loop (a session takes it from the
     * loop's pool, or gives it back): every later event goes to {@code owner}.
     */
    public void listener(BackendListener owner) {
        this.listener = owner;
    }

    /** The allocator of the connection's channel. */
    public io.netty.buffer.ByteBufAllocator alloc() {
        return channel.alloc();
    }

    /** The event loop the connection is registered on. */
    public EventLoop eventLoop() {
        return (EventLoop) channel.eventLoop();
    }

    /** The server greeting of this connection, once received; null before. */
    public @Nullable HandshakeV10 greeting() {
        return greeting;
    }

    /** The server's id for this connection (its thread id), once the greeting arrived; 0 before. */
    public long serverConnectionId() {
        return greeting == null ? 0 : greeting.connectionId();
    }

    /** Capabilities negotiated with the server; meaningful once ready. */
    public long capabilities() {
        return auth.negotiatedCapabilities();
    }

    public Target target() {
        return target;
    }

    public boolean isReady() {
        return phase == Phase.READY;
    }

    public boolean isWritable() {
        return channel.isWritable();
    }

    /** Writes one frame (ownership passes to the channel); flushed by {@link #flush()}. */
    public void write(ByteBuf frame) {
        channel.write(frame, channel.voidPromise());
    }

    public void flush() {
        channel.flush();
    }

    /** Asks for the next read batch from the server. */
    public void read() {
        if (phase == Phase.READY) {
            channel.read();
        }
    }

    /** Closes the connection without telling the listener (the session is the one closing). */
    public void close() {
        if (phase != Phase.CLOSED) {
            phase = Phase.CLOSED;
            cancelTimeout();
        }
        channel.close();
    }

    /**
     * Ends the connection politely when it is at a command boundary: sends COM_QUIT, then closes,
     * so that the server does not count and log an aborted connection. Not ready yet: closes.
     */
    public void quit() {
        if (phase != Phase.READY) {
            close();
            return;
        }
        phase = Phase.CLOSED;
        ByteBuf quit = channel.alloc().buffer(Packets.HEADER_SIZE + 1);
        Packets.writeHeader(quit, 1, 0);
        quit.writeByte(Command.COM_QUIT);
        channel.writeAndFlush(quit).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        switch (phase) {
            case READY -> listener.backendPacket(this, frame);
            case CONNECTING, AUTHENTICATING -> {
                try {
                    authenticate(frame);
                } finally {
                    frame.release();
                }
            }
            case CLOSED -> frame.release();
        }
    }

    private void authenticate(ByteBuf frame) {
        int sequenceId = Packets.sequenceId(frame);
        ByteBuf payload = frame.slice(Packets.payloadIndex(frame), Packets.payloadLength(frame));
        try {
            if (phase == Phase.CONNECTING) {
                phase = Phase.AUTHENTICATING;
                if (Packets.firstByte(frame) == 0xFF) {
                    // A server that refuses us before its greeting (too many connections, host blocked).
                    failWith(dev.turnout.protocol.message.server.ErrPacket.decode(payload, 0));
                    return;
                }
                greeting = HandshakeV10.decode(payload);
                greetingObserver.accept(greeting);
                HandshakeResponse41 response = auth.requestTls(tls.wanted()).start(greeting);
                SslRequest sslRequest = auth.sslRequest();
                if (sslRequest != null) {
                    send(sequenceId + 1, sslRequest::encode);
                    startTls(sequenceId + 2, response);
                    return;
                }
                if (tls.mode().requiresTls()) {
                    fail(new SSLException("the server offers no TLS (connector-backend-ssl-mode="
                            + tls.mode().keyword() + ")"));
                    return;
                }
                send(sequenceId + 1, response::encode);
                channel.read();
                return;
            }
            // Java 17 has no pattern switch: the sealed Step is matched with instanceof, exhaustively.
            ClientAuthExchange.Step step = auth.onServerPacket(payload);
            if (step instanceof ClientAuthExchange.Step.Send send) {
                send(sequenceId + 1, out -> out.writeBytes(send.payload()));
                channel.read();
            } else if (step instanceof ClientAuthExchange.Step.Await) {
                channel.read();
            } else if (step instanceof ClientAuthExchange.Step.Relay relay) {
                relaySequence = sequenceId + 1;
                listener.backendAuthRelay(this, relay.packet());
            } else if (step instanceof ClientAuthExchange.Step.Done done) {
                phase = Phase.READY;
                cancelTimeout();
                listener.backendReady(this, done.ok());
            } else {
                failWith(ConnectorErrors.backendRefused(
                        target.dataservice(), target.toString(), ((ClientAuthExchange.Step.Failed) step).err()));
            }
        } catch (MalformedPacketException | IndexOutOfBoundsException e) {
            fail(e);
        }
    }

    /**
     * After the SSLRequest: TLS from here on (the handler goes before the frame decoder, which
     * holds nothing: the server says nothing until the handshake), then the handshake response,
     * numbered {@code sequenceId}, inside TLS. A failed handshake fails the connection.
     */
    private void startTls(int sequenceId, HandshakeResponse41 response) {
        SslHandler handler = tls.newHandler(channel.alloc(), target.host(), target.port());
        handler.setHandshakeTimeoutMillis(0); // the connect timeout covers the handshake
        channel.pipeline().addFirst("tls", handler);
        handler.handshakeFuture().addListener(done -> {
            if (!done.isSuccess()) {
                fail(done.cause());
                return;
            }
            auth.secureTransport(true);
            send(sequenceId, response::encode);
            channel.read();
        });
        channel.read();
    }

    /** The real client's answer to the auth packet last relayed ({@link BackendListener#backendAuthRelay}). */
    public void relayAnswer(byte[] answer) {
        if (phase != Phase.AUTHENTICATING || relaySequence < 0) {
            return; // failed or closed meanwhile
        }
        int sequenceId = relaySequence;
        relaySequence = -1;
        send(sequenceId, out -> out.writeBytes(answer));
        channel.read();
    }

    private void send(int sequenceId, Consumer<ByteBuf> payloadWriter) {
        ByteBuf out = channel.alloc().buffer();
        out.writerIndex(Packets.HEADER_SIZE);
        payloadWriter.accept(out);
        out.setMediumLE(0, out.writerIndex() - Packets.HEADER_SIZE);
        out.setByte(3, sequenceId);
        channel.writeAndFlush(out, channel.voidPromise());
    }

    private void fail(Throwable cause) {
        if (phase == Phase.READY || phase == Phase.CLOSED) {
            return;
        }
        log.debug(
                "backend {} of dataservice {} failed: {}",
                target,
                target.dataservice(),
                ConnectorErrors.describe(cause));
        failWith(ConnectorErrors.noPrimary(target.dataservice(), target.toString(), cause));
    }

    private void failWith(dev.turnout.protocol.message.server.ErrPacket error) {
        if (phase == Phase.READY || phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        cancelTimeout();
        channel.close();
        listener.backendFailed(this, error);
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (phase == Phase.READY) {
            listener.backendReadComplete(this);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (phase == Phase.READY) {
            listener.backendWritabilityChanged(this, ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        switch (phase) {
            case CONNECTING, AUTHENTICATING -> fail(new java.nio.channels.ClosedChannelException());
            case READY -> {
                phase = Phase.CLOSED;
                listener.backendClosed(this);
            }
            case CLOSED -> {}
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("backend {} error: {}", target, ConnectorErrors.describe(cause));
        if (phase == Phase.READY) {
            ctx.close();
        } else {
            fail(cause);
        }
    }
}
