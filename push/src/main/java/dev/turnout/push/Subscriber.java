package dev.turnout.push;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection accepted by a {@link PushServer}: TLS, the {@link PushHandshake}, the connector's
 * hello — all within the handshake timeout, else the connection is closed — then the connector's
 * stats and acks, while a {@link PeerWriter} sends it what the manager pushes. Until its hello
 * it is unauthenticated and counts against the server's cap of those.
 *
 * <p>Threading: {@link #run} is the connection's own thread ({@code turnout-push-conn-*}), the
 * only reader; every other method may be called from any thread and never blocks.
 */
final class Subscriber implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);

    final int id;
    private final PushServer server;
    private final Socket raw;
    private final String peer;
    private final AtomicBoolean counted = new AtomicBoolean(true); // among the unauthenticated
    private volatile @Nullable LineChannel channel;
    private volatile @Nullable PeerWriter writer;
    private volatile @Nullable RouterInfo info;
    private volatile boolean timedOut;
    volatile long acked;
    volatile boolean closed;

    Subscriber(PushServer server, Socket raw, int id) {
        this.server = server;
        this.raw = raw;
        this.id = id;
        this.peer = LineChannel.peerOf(raw);
    }

    /** Its hello and the state the manager gave it; null until it said hello. */
    @Nullable
    RouterInfo info() {
        return info;
    }

    @Override
    public void run() {
        PushServer.Settings settings = server.settings();
        ScheduledFuture<?> deadline;
        try {
            deadline = server.timer()
                    .schedule(
                            this::handshakeTimedOut, settings.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) { // the server is closing
            close();
            return;
        }
        try {
            SSLSocket ssl = tls();
            LineChannel c = new LineChannel(ssl, raw);
            channel = c;
            PushHandshake.asManager(c, settings.secret(), server.tls().channelBinding(ssl), server.random());
            PushMessage first = read(c);
            if (!(first instanceof PushMessage.Hello hello)) {
                throw new PushRefusedException(
                        first == null
                                ? "it closed the connection"
                                : "its first message is " + PushCodec.typeOf(first) + ", not hello");
            }
            if (!deadline.cancel(false)) {
                return; // timed out meanwhile: closed and logged
            }
            uncount();
            subscribed(c, hello);
            PushMessage m;
            while ((m = read(c)) != null) {
                handle(m);
            }
            log.info("push connection {} ({}) closed by {}", id, name(), peer);
        } catch (PushRefusedException e) {
            if (!timedOut && !server.isClosed()) {
                log.warn("push connection {} from {} refused: {}", id, peer, e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            if (!timedOut && !closed && !server.isClosed()) {
                log.info("push connection {} ({}) from {} failed: {}", id, name(), peer, e.toString());
            }
        } finally {
            deadline.cancel(false);
            close();
        }
    }

    private SSLSocket tls() throws IOException {
        try {
            return server.tls().open(raw);
        } catch (SSLException e) {
            throw new PushRefusedException("no TLS 1.3 handshake with it: " + e.getMessage());
        }
    }

    private @Nullable PushMessage read(LineChannel c) throws IOException {
        try {
            return c.read(LineChannel.MAX_SHORT_LINE_CHARS);
        } catch (IllegalArgumentException e) {
            throw new PushRefusedException("invalid message: " + e.getMessage());
        }
    }

    private void subscribed(LineChannel c, PushMessage.Hello h) {
        PushServer.Settings settings = server.settings();
        PeerWriter w =
                new PeerWriter(c, "conn-" + id, settings.queueCapacity(), settings.writeTimeout(), server.timer());
        writer = w;
        info = new RouterInfo(h.connector(), h.host(), h.pid(), h.ports(), peer, ConnectorState.ONLINE, 0, 0);
        log.info("connector {} subscribed from {} with topology version {}", h.connector(), peer, h.lastVersion());
        w.offer(new PushMessage.Topology(server.currentSnapshot()));
        long hold = server.activeHold();
        if (hold > 0) {
            w.offer(new PushMessage.Hold(hold));
        }
    }

    private void handle(PushMessage m) throws PushRefusedException {
        if (m instanceof PushMessage.Stats s) {
            updateStats(s);
        } else if (m instanceof PushMessage.Ack a) {
            server.acknowledged(this, a.request());
        } else {
            throw new PushRefusedException("a connector may not send " + PushCodec.typeOf(m) + " here");
        }
    }

    private void handshakeTimedOut() {
        timedOut = true;
        log.warn(
                "push connection {} from {} refused: no handshake within {} ms",
                id,
                peer,
                server.settings().handshakeTimeout().toMillis());
        close();
    }

    /** The peer as {@code ip:port}. */
    String peer() {
        return peer;
    }

    String name() {
        RouterInfo i = info;
        return i == null ? "no hello yet" : i.connector();
    }

    /** Queues {@code m}; false when the connection is gone or was dropped just now for not reading. */
    boolean send(PushMessage m) {
        PeerWriter w = writer;
        return w != null && w.offer(m);
    }

    /** Queues one encoded message; see {@link #send}. */
    boolean sendLine(String line) {
        PeerWriter w = writer;
        return w != null && w.offerLine(line);
    }

    synchronized void updateState(ConnectorState state) {
        RouterInfo i = info;
        if (i != null) {
            info = new RouterInfo(
                    i.connector(), i.host(), i.pid(), i.ports(), i.remote(), state, i.created(), i.active());
        }
    }

    private synchronized void updateStats(PushMessage.Stats s) {
        RouterInfo i = info;
        if (i != null) {
            info = new RouterInfo(
                    i.connector(), i.host(), i.pid(), i.ports(), i.remote(), i.state(), s.created(), s.active());
        }
    }

    private void uncount() {
        if (counted.compareAndSet(true, false)) {
            server.authenticatedOrGone();
        }
    }

    /** Ends the connection. Idempotent; never blocks. */
    void close() {
        closed = true;
        PeerWriter w = writer;
        if (w != null) {
            w.close();
        }
        LineChannel c = channel;
        if (c != null) {
            c.close();
        }
        try {
            raw.close();
        } catch (IOException ignored) {
            // already closed
        }
        uncount();
        server.removed(this);
    }
}
