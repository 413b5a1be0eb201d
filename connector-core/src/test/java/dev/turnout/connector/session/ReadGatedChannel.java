package dev.turnout.connector.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * An {@link EmbeddedChannel} that behaves like a socket with auto-read off: bytes written towards
 * its pipeline ({@link #deliver}) arrive only after the pipeline asked for a read, in one read batch
 * (reads, then {@code channelReadComplete}), as the connector's client and backend channels do in
 * production. A plain {@code EmbeddedChannel} delivers whatever is written inbound at once, which
 * would hide the session's flow control (a held command stops reading the client).
 *
 * <p>Every channel of one harness shares the harness's mock {@link Ticker}, so moving it moves the
 * clock of every scheduled task. Single-threaded, like everything in the harness.
 */
final class ReadGatedChannel extends EmbeddedChannel {

    private static final SocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

    private boolean readRequested;

    private ReadGatedChannel(Builder builder) {
        super(builder);
    }

    /** A registered, active channel with auto-read off and {@code handlers} installed. */
    static ReadGatedChannel open(Ticker ticker, ChannelHandler... handlers) {
        ReadGatedChannel channel = new ReadGatedChannel(
                EmbeddedChannel.builder().ticker(ticker).register(false).handlers(handlers));
        channel.config().setAutoRead(false);
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException("cannot register an embedded channel", e);
        }
        return channel;
    }

    /** A client (or a server) on the loopback address, as the connector's account matching needs one. */
    @Override
    protected SocketAddress remoteAddress0() {
        return PEER;
    }

    @Override
    protected void doBeginRead() {
        readRequested = true;
    }

    /** Whether the pipeline asked for a read that has not been served yet. */
    boolean wantsRead() {
        return readRequested && isOpen();
    }

    /** Serves the pending read with {@code bytes} (whose ownership passes to the pipeline): one read batch. */
    void deliver(ByteBuf bytes) {
        readRequested = false;
        writeOneInbound(bytes);
        if (isOpen()) { // the pipeline may close the channel while it reads (a session lets a backend go)
            flushInbound();
        }
    }
}
