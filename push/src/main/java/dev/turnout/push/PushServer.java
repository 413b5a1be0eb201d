package dev.turnout.push;

import dev.turnout.routing.topology.TopologySnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's end of the push protocol (docs/push-protocol.md): accepts connectors over TLS,
 * admits those that prove the shared secret ({@link Subscriber}), sends each the current snapshot
 * when it says hello and every snapshot {@link #broadcast} later, keeps the registry of subscribed
 * connectors ({@link #routers()}), and holds and releases them for a planned switch
 * ({@link HoldCoordinator}).
 *
 * <p>Bounds: at most {@link Settings#maxConnections()} connections, of which at most
 * {@link Settings#maxUnauthenticated()} still in their handshake; a handshake (TLS, proofs, hello)
 * longer than {@link Settings#handshakeTimeout()} is closed; every connection has a queue of
 * {@link Settings#queueCapacity()} messages and its own writer thread, and a connector whose queue
 * fills or whose write takes longer than {@link Settings#writeTimeout()} is dropped. So no method
 * waits for a connector, except {@link #hold}, for at most the time it is given.
 *
 * <p>Threading: one daemon accept thread, a reader and a writer thread per connection and one timer
 * thread, named {@code turnout-push-*}. Every public method may be called from any thread.
 */
public final class PushServer implements AutoCloseable {

    /** The manager's push port when configuration names none, as in the seeds. */
    public static final int DEFAULT_PORT = 11999;

    private static final Logger log = LoggerFactory.getLogger(PushServer.class);

    /**
     * How the server protects itself.
     *
     * @param secret the shared secret connectors must prove; {@link PushSecret#none()} only on a
     *     loopback address
     * @param handshakeTimeout bound of TLS, proofs and hello of a new connection
     * @param maxConnections the most connections at once; more are closed at once
     * @param maxUnauthenticated the most connections at once that have not completed their handshake
     * @param queueCapacity the most messages waiting for one connector before it is dropped
     * @param writeTimeout the longest one write to a connector may take before it is dropped
     */
    public record Settings(
            PushSecret secret,
            Duration handshakeTimeout,
            int maxConnections,
            int maxUnauthenticated,
            int queueCapacity,
            Duration writeTimeout) {

        /** Validates. */
        public Settings {
            if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
                throw new IllegalArgumentException("handshakeTimeout must be positive, got " + handshakeTimeout);
            }
            if (writeTimeout.isNegative() || writeTimeout.isZero()) {
                throw new IllegalArgumentException("writeTimeout must be positive, got " + writeTimeout);
            }
            if (maxConnections < 1 || maxUnauthenticated < 1 || queueCapacity < 1) {
                throw new IllegalArgumentException("maxConnections, maxUnauthenticated and queueCapacity must be"
                        + " positive, got " + maxConnections + ", " + maxUnauthenticated + ", " + queueCapacity);
            }
        }

        /**
         * Handshakes within 5 s, 256 connections of which 32 unauthenticated, 1024 queued messages (a
         * broadcast queues one shared line for all), writes within 10 s.
         */
        public static Settings defaults(PushSecret secret) {
            return new Settings(secret, Duration.ofSeconds(5), 256, 32, 1024, Duration.ofSeconds(10));
        }
    }

    private final ServerSocket server;
    private final Supplier<TopologySnapshot> current;
    private final Settings settings;
    private final PushTls tls;
    private final SecureRandom random;
    private final ScheduledThreadPoolExecutor timer;
    private final List<Subscriber> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger unauthenticated = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private final HoldCoordinator holds = new HoldCoordinator(this);
    private volatile boolean closed;

    private PushServer(
            ServerSocket server, Supplier<TopologySnapshot> current, Settings settings, SecureRandom random) {
        this.server = server;
        this.current = current;
        this.settings = settings;
        this.random = random;
        this.tls = PushTls.server(random);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "turnout-push-timer-" + server.getLocalPort());
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Listens on {@code bind} and starts accepting.
     *
     * @param bind the address to listen on (port 0 picks a free one, see {@link #port()})
     * @param current the snapshot to send a connector when it subscribes; called on reader threads
     * @throws IllegalArgumentException without a secret on an address other than loopback
     */
    public static PushServer start(InetSocketAddress bind, Supplier<TopologySnapshot> current, Settings settings)
            throws IOException {
        InetAddress address = bind.getAddress();
        boolean loopback = address != null && address.isLoopbackAddress();
        if (settings.secret().isNone() && !loopback) {
            throw new IllegalArgumentException("no push secret (manager-push-secret): a manager listening for"
                    + " connectors on " + bind + " would let anybody who reaches it subscribe, and its"
                    + " connectors would follow anybody at its address; set the secret, or listen on 127.0.0.1");
        }
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        try {
            socket.bind(bind, 64);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen for connectors on " + bind + ": " + e.getMessage(), e);
        }
        PushServer s = new PushServer(socket, current, settings, new SecureRandom());
        Thread t = new Thread(s::acceptLoop, "turnout-push-accept-" + socket.getLocalPort());
        t.setDaemon(true);
        t.start();
        if (settings.secret().isNone()) {
            log.warn(
                    "push server on {}: NO manager-push-secret, connectors are not authenticated (TLS only);"
                            + " allowed on loopback only",
                    socket.getLocalSocketAddress());
        } else {
            log.info("push server listening on {} (TLS, shared secret)", socket.getLocalSocketAddress());
        }
        return s;
    }

    /** The port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** Queues {@code snapshot} for every subscribed connector; never waits for one. */
    public void broadcast(TopologySnapshot snapshot) {
        String line = PushCodec.encode(new PushMessage.Topology(snapshot));
        for (Subscriber c : subscribed()) {
            c.sendLine(line);
        }
    }

    /** The subscribed connectors, in the order they subscribed. */
    public List<RouterInfo> routers() {
        List<RouterInfo> out = new ArrayList<>();
        for (Subscriber c : connections) {
            RouterInfo info = c.info();
            if (info != null) {
                out.add(info);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Asks every subscribed connector to hold new statements at transaction boundaries and waits at
     * most {@code ackWait} for their acknowledgements (a connector that disconnects meanwhile no
     * longer counts); {@link Duration#ZERO} does not wait at all. Whoever did not acknowledge in time
     * is logged and left out: the hold stays in place until {@link #release}, for the connectors
     * that did. A connector that subscribes while the hold is in place is asked to hold too, but not
     * waited for. Only one hold runs at a time.
     */
    public HoldResult hold(Duration ackWait) throws InterruptedException {
        return holds.hold(ackWait);
    }

    /** Ends a hold: every subscribed connector is told to release and listed ONLINE again. */
    public void release() {
        holds.release();
    }

    /**
     * Sets the state of the connector of that name ({@code connector@host[pid]}).
     *
     * @return false when no subscribed connector has that name
     */
    public boolean setState(String connector, ConnectorState state) {
        boolean found = false;
        for (Subscriber c : subscribed()) {
            RouterInfo info = c.info();
            if (info != null && info.connector().equals(connector) && c.send(new PushMessage.State(state))) {
                c.updateState(state);
                found = true;
            }
        }
        return found;
    }

    /** Stops listening and closes every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (Subscriber c : connections) {
            c.close();
        }
        timer.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketException e) {
                if (!closed) {
                    log.warn("push server stopped accepting: {}", e.toString());
                }
                return;
            } catch (IOException e) {
                log.warn("push server accept failed: {}", e.toString());
                continue;
            }
            String refusal = connections.size() >= settings.maxConnections()
                    ? connections.size() + " connections already, the most it takes"
                    : unauthenticated.get() >= settings.maxUnauthenticated()
                            ? unauthenticated.get() + " connections in their handshake already, the most it takes"
                            : null;
            if (refusal != null) {
                log.warn("push connection from {} refused: {}", LineChannel.peerOf(socket), refusal);
                closeQuietly(socket);
                continue;
            }
            unauthenticated.incrementAndGet();
            Subscriber c = new Subscriber(this, socket, ids.incrementAndGet());
            connections.add(c);
            Thread t = new Thread(c, "turnout-push-conn-" + c.id);
            t.setDaemon(true);
            try {
                t.start();
            } catch (OutOfMemoryError | RuntimeException e) { // no thread to be had
                log.warn("push connection from {} refused: {}", LineChannel.peerOf(socket), e.toString());
                c.close();
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    // ---------------------------------------------------------------- for Subscriber and HoldCoordinator

    Settings settings() {
        return settings;
    }

    PushTls tls() {
        return tls;
    }

    SecureRandom random() {
        return random;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    boolean isClosed() {
        return closed;
    }

    TopologySnapshot currentSnapshot() {
        return current.get();
    }

    long activeHold() {
        return holds.active();
    }

    void acknowledged(Subscriber c, long request) {
        holds.acknowledged(c, request);
    }

    /** The connections that said hello and are still open. */
    List<Subscriber> subscribed() {
        List<Subscriber> out = new ArrayList<>();
        for (Subscriber c : connections) {
            if (c.info() != null && !c.closed) {
                out.add(c);
            }
        }
        return out;
    }

    /** A connection left the unauthenticated ones: its hello arrived, or it closed before. */
    void authenticatedOrGone() {
        unauthenticated.decrementAndGet();
    }

    void removed(Subscriber c) {
        connections.remove(c);
        holds.connectionClosed();
    }

    /** For tests: connections open now, authenticated or not. */
    int connectionCount() {
        return connections.size();
    }
}
