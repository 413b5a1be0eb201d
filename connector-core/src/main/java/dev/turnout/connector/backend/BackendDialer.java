package dev.turnout.connector.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Opens the channel of a connection to a database server on a given event loop: a TCP connection
 * with the connector's socket options ({@link #tcp}), or, in the session tests, a channel to a
 * scripted server in the same thread. The channel starts with auto-read off. A host name that does
 * not resolve fails the dial with an {@link java.net.UnknownHostException} naming it.
 *
 * <p>Thread-safe; {@link #dial} is called on {@code loop}.
 */
@FunctionalInterface
public interface BackendDialer {

    /**
     * Starts connecting to {@code host:port} on {@code loop}; {@code handler} is installed on the
     * new channel (usually a {@code ChannelInitializer}).
     */
    ChannelFuture dial(EventLoop loop, String host, int port, Duration connectTimeout, ChannelHandler handler);

    /** The TLS that connections opened by this dialer use, once the server greeted ({@link BackendConnection}). */
    default BackendTls tls() {
        return BackendTls.DISABLED;
    }

    /**
     * TCP connections through {@code channelClass} (epoll or NIO), with the connector's socket
     * options and {@code tls}; host names are resolved by {@code resolver}, off the event loop.
     */
    static BackendDialer tcp(Class<? extends Channel> channelClass, HostResolver resolver, BackendTls tls) {
        BackendDialer tcp = (loop, host, port, connectTimeout, handler) -> new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .resolver(resolver)
                .option(ChannelOption.AUTO_READ, false)
                // As the client side: the pooled allocator recycles the slices of forwarded packets (see
                // ConnectorServer).
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(handler)
                // Unresolved: new InetSocketAddress(host, port) would ask the system resolver on the event loop.
                .connect(InetSocketAddress.createUnresolved(host, port));
        return new BackendDialer() {
            @Override
            public ChannelFuture dial(
                    EventLoop loop, String host, int port, Duration connectTimeout, ChannelHandler handler) {
                return tcp.dial(loop, host, port, connectTimeout, handler);
            }

            @Override
            public BackendTls tls() {
                return tls;
            }
        };
    }
}
