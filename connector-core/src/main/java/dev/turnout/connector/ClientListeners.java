package dev.turnout.connector;

import dev.turnout.connector.bridge.BridgeHandler;
import dev.turnout.connector.bridge.BridgeTargets;
import dev.turnout.connector.frontend.FrontendHandler;
import dev.turnout.connector.session.ConnectionCounts;
import dev.turnout.connector.session.Listener;
import dev.turnout.connector.session.SessionServices;
import dev.turnout.protocol.wire.PacketFrameDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * Binds the connector's client listeners: each accepted connection within
 * {@code connector-max-connections} joins the open sessions and gets the pipeline of its mode, a
 * {@link FrontendHandler} behind the frame decoder (or, in bridge mode, a {@link BridgeHandler}),
 * on a worker loop; one beyond it gets the {@link ConnectionRefusal}.
 */
final class ClientListeners {

    private final ServerBootstrap bootstrap;
    private final String listenAddress;
    private final ChannelGroup sessions;
    private final SessionServices services;
    private final @Nullable BridgeTargets bridgeTargets;

    ClientListeners(
            Transport transport,
            EventLoopGroup acceptGroup,
            EventLoopGroup workerGroup,
            String listenAddress,
            ChannelGroup sessions,
            SessionServices services,
            @Nullable BridgeTargets bridgeTargets) {
        this.listenAddress = listenAddress;
        this.sessions = sessions;
        this.services = services;
        this.bridgeTargets = bridgeTargets;
        this.bootstrap = new ServerBootstrap()
                .group(acceptGroup, workerGroup)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                // Netty 4.2's default (adaptive) allocator makes every retained slice a new object,
                // one per forwarded packet; the pooled allocator recycles its slices, so forwarding
                // allocates nothing. Backend channels use the same allocator.
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true);
    }

    /** Binds one listener on the listen address; its sessions are {@code kind} sessions. */
    Channel bind(int port, Listener kind) throws ConnectorStartException {
        ServerBootstrap listener = bootstrap.clone().childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ConnectionCounts connections = services.registry().connections();
                if (!connections.opened()) {
                    ch.pipeline().addLast("refusal", ConnectionRefusal.INSTANCE);
                    return;
                }
                ch.closeFuture().addListener(closed -> connections.closed());
                sessions.add(ch);
                if (bridgeTargets != null) {
                    ch.pipeline().addLast("bridge", new BridgeHandler(services, bridgeTargets, kind));
                } else {
                    ch.pipeline()
                            .addLast("frames", new PacketFrameDecoder())
                            .addLast("session", new FrontendHandler(services, kind));
                }
            }
        });
        InetSocketAddress address = new InetSocketAddress(listenAddress, port);
        try {
            return listener.bind(address).syncUninterruptibly().channel();
        } catch (Exception e) { // also the checked IOException Netty rethrows unchecked (e.g. port in use)
            throw new ConnectorStartException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }
}
