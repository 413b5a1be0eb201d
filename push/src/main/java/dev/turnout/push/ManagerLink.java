package dev.turnout.push;

import dev.turnout.routing.topology.TopologySnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PushClient}'s subscription to one manager, kept up forever: connect, TLS, the
 * {@link PushHandshake} (the manager must prove the secret before anything else is read from it),
 * hello, then the manager's messages until the connection ends; then again after a backoff.
 * Everything a manager sends that the connector does not take is logged with the manager's address:
 * a refused handshake, a refused snapshot, a message a manager may not send.
 *
 * <p>Threading: {@link #run} is the link's own thread, the only reader; {@link #send},
 * {@link #subscribed} and {@link #close} may be called from any thread and never block.
 */
final class ManagerLink implements Runnable {

    /** Bound of TLS and the proofs of one connection; a manager that takes longer is refused. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    /** The most messages (stats, acks) waiting for one manager before it is dropped. */
    static final int QUEUE_CAPACITY = 64;
    /** The longest one write to a manager may take before it is dropped. */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(ManagerLink.class);

    private final PushClient client;
    private final InetSocketAddress manager;
    private volatile @Nullable LineChannel channel;
    private volatile @Nullable PeerWriter writer;
    private volatile boolean timedOut;

    ManagerLink(PushClient client, InetSocketAddress manager) {
        this.client = client;
        this.manager = manager;
    }

    /** Whether the manager proved the secret and the connection is open. */
    boolean subscribed() {
        PeerWriter w = writer;
        return w != null && !w.isClosed();
    }

    /** Queues {@code m} for the manager when subscribed. */
    void send(PushMessage m) {
        PeerWriter w = writer;
        if (w != null) {
            w.offer(m);
        }
    }

    void close() {
        PeerWriter w = writer;
        if (w != null) {
            w.close();
        }
        LineChannel c = channel;
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void run() {
        PushClient.Settings settings = client.settings();
        long backoff = settings.minBackoff().toMillis();
        while (!client.isClosed()) {
            boolean subscribed = connectOnce();
            if (subscribed) {
                backoff = settings.minBackoff().toMillis();
            }
            if (client.isClosed()) {
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, settings.maxBackoff().toMillis());
        }
    }

    /** One connection, until it ends; true when the manager was subscribed to. */
    private boolean connectOnce() {
        Socket raw = new Socket();
        timedOut = false;
        ScheduledFuture<?> deadline = null;
        boolean subscribed = false;
        try {
            raw.connect(manager, (int) client.settings().connectTimeout().toMillis());
            raw.setTcpNoDelay(true);
            raw.setKeepAlive(true);
            deadline = client.timer()
                    .schedule(() -> handshakeTimedOut(raw), HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            SSLSocket ssl = tls(raw);
            LineChannel c = new LineChannel(ssl, raw);
            channel = c;
            PushHandshake.asConnector(
                    c, client.settings().secret(), client.tls().channelBinding(ssl), client.random());
            if (!deadline.cancel(false)) {
                return false; // timed out meanwhile: closed and logged
            }
            PeerWriter w = new PeerWriter(c, manager.toString(), QUEUE_CAPACITY, WRITE_TIMEOUT, client.timer());
            PushClient.Identity me = client.identity();
            w.offer(new PushMessage.Hello(
                    me.connector(),
                    me.host(),
                    me.pid(),
                    me.ports(),
                    client.holder().current().version()));
            w.offer(client.stats());
            writer = w;
            subscribed = true;
            log.info("subscribed to manager {} (TLS, secret proven)", manager);
            readLoop(c, w);
            if (!client.isClosed()) {
                log.info("manager {} closed the push connection", manager);
            }
        } catch (PushRefusedException e) {
            if (!client.isClosed() && !timedOut) {
                log.warn("refused manager {}: {}", manager, e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            if (!client.isClosed() && !timedOut) {
                log.info("push connection to manager {} failed: {}", manager, e.toString());
            }
        } finally {
            if (deadline != null) {
                deadline.cancel(false);
            }
            close();
            writer = null;
            channel = null;
            try {
                raw.close();
            } catch (IOException ignored) {
                // never connected
            }
        }
        return subscribed;
    }

    private SSLSocket tls(Socket raw) throws IOException {
        try {
            return client.tls().open(raw);
        } catch (SSLException e) {
            throw new PushRefusedException("no TLS 1.3 handshake with it: " + e.getMessage());
        }
    }

    private void handshakeTimedOut(Socket raw) {
        timedOut = true;
        log.warn("refused manager {}: no handshake within {} ms", manager, HANDSHAKE_TIMEOUT.toMillis());
        try {
            raw.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private void readLoop(LineChannel c, PeerWriter w) throws IOException {
        long lastHold = -1;
        while (!client.isClosed()) {
            PushMessage m;
            try {
                m = c.read(LineChannel.MAX_LINE_CHARS);
            } catch (IllegalArgumentException e) {
                throw new PushRefusedException("invalid message: " + e.getMessage());
            }
            if (m == null) {
                return;
            }
            if (m instanceof PushMessage.Topology t) {
                offer(t.snapshot());
            } else if (m instanceof PushMessage.Hold h) {
                long request = h.request();
                if (request == lastHold) {
                    // A manager may send a hold twice to a connector that subscribed while it began
                    // (once with the topology, once to every subscriber); the first ack answers both.
                    continue;
                }
                lastHold = request;
                client.hold(request, manager, () -> w.offer(new PushMessage.Ack(request)));
            } else if (m instanceof PushMessage.Release) {
                client.release();
            } else if (m instanceof PushMessage.State s) {
                client.listener().onState(s.state());
            } else {
                throw new PushRefusedException("a manager may not send " + PushCodec.typeOf(m) + " here");
            }
        }
    }

    private void offer(TopologySnapshot s) {
        String refusal = client.check().refusal(s);
        if (refusal != null) {
            log.warn("refused topology version {} from manager {}: {}", s.version(), manager, refusal);
            return;
        }
        TopologySnapshot have = client.holder().current();
        if (s.epoch() < have.epoch()) {
            // A deposed coordinator (or a manager that still follows it) may push a higher version of
            // an older epoch: what it decided is no longer the group's word.
            log.warn(
                    "refused topology version {} of epoch {} from manager {}: epoch {} (version {}) is applied",
                    s.version(),
                    s.epoch(),
                    manager,
                    have.epoch(),
                    have.version());
            return;
        }
        if (!client.holder().offer(s)) {
            log.debug(
                    "ignored topology version {} from manager {}: have {}",
                    s.version(),
                    manager,
                    client.holder().current().version());
        }
    }
}
