package dev.turnout.push;

import dev.turnout.routing.topology.TopologySnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's end of the push protocol (docs/push-protocol.md): accepts connectors, sends each
 * the current snapshot when it says hello and every snapshot {@link #broadcast} later, keeps the
 * registry of subscribed connectors ({@link #routers()}), and holds and releases them for a
 * planned switch.
 *
 * <p>Threading: one daemon accept thread and one daemon reader thread per connection, named
 * {@code turnout-push-*}. Every public method may be called from any thread; {@link #hold} blocks
 * its caller (bounded by its timeout) and only one hold runs at a time.
 */
public final class PushServer implements AutoCloseable {

    /** The manager's push port when configuration names none, as in the seeds. */
    public static final int DEFAULT_PORT = 11999;

    private static final Logger log = LoggerFactory.getLogger(PushServer.class);

    private final ServerSocket server;
    private final Supplier<TopologySnapshot> current;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger ids = new AtomicInteger();
    private final Object holdLock = new Object();
    private final Object ackMonitor = new Object();
    private volatile long activeHold = -1;
    private volatile boolean closed;

    private PushServer(ServerSocket server, Supplier<TopologySnapshot> current) {
        this.server = server;
        this.current = current;
    }

    /**
     * Listens on {@code bind} and starts accepting.
     *
     * @param bind the address to listen on (port 0 picks a free one, see {@link #port()})
     * @param current the snapshot to send a connector when it subscribes; called on reader threads
     */
    public static PushServer start(InetSocketAddress bind, Supplier<TopologySnapshot> current) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        try {
            socket.bind(bind, 64);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen for connectors on " + bind + ": " + e.getMessage(), e);
        }
        PushServer s = new PushServer(socket, current);
        Thread t = new Thread(s::acceptLoop, "turnout-push-accept-" + socket.getLocalPort());
        t.setDaemon(true);
        t.start();
        log.info("push server listening on {}", socket.getLocalSocketAddress());
        return s;
    }

    /** The port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** Sends {@code snapshot} to every subscribed connector; a connector that cannot take it is dropped. */
    public void broadcast(TopologySnapshot snapshot) {
        PushMessage.Topology m = new PushMessage.Topology(snapshot);
        for (Connection c : connections) {
            if (c.info != null) {
                c.sendOrDrop(m);
            }
        }
    }

    /** The subscribed connectors, in the order they subscribed. */
    public List<RouterInfo> routers() {
        List<RouterInfo> out = new ArrayList<>();
        for (Connection c : connections) {
            RouterInfo info = c.info;
            if (info != null) {
                out.add(info);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Asks every subscribed connector to hold new statements at transaction boundaries and waits
     * until each has acknowledged (a connector that disconnects meanwhile no longer counts). A
     * connector that subscribes while the hold is in place is asked to hold too, but not waited for.
     * On timeout the connectors are released again.
     *
     * @throws TimeoutException naming the connectors that did not acknowledge in time
     */
    public void hold(Duration timeout) throws TimeoutException, InterruptedException {
        synchronized (holdLock) {
            long request = requests.incrementAndGet();
            activeHold = request;
            List<Connection> waited = new ArrayList<>();
            for (Connection c : connections) {
                if (c.info != null && c.sendOrDrop(new PushMessage.Hold(request))) {
                    waited.add(c);
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (ackMonitor) {
                while (true) {
                    List<String> missing = new ArrayList<>();
                    for (Connection c : waited) {
                        if (!c.closed && c.acked < request) {
                            missing.add(c.subscribed().connector()); // waited for: it had said hello
                        }
                    }
                    if (missing.isEmpty()) {
                        log.info("hold {}: {} connector(s) acknowledged", request, waited.size());
                        return;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        releaseLocked();
                        throw new TimeoutException("connectors " + missing + " did not acknowledge hold " + request
                                + " within " + timeout.toMillis() + " ms; released them again");
                    }
                    ackMonitor.wait(Math.max(1, left / 1_000_000));
                }
            }
        }
    }

    /** Ends a hold: every subscribed connector is told to release and listed ONLINE again. */
    public void release() {
        synchronized (holdLock) {
            releaseLocked();
        }
    }

    private void releaseLocked() {
        activeHold = -1;
        for (Connection c : connections) {
            if (c.info != null && c.sendOrDrop(new PushMessage.Release())) {
                c.updateState(ConnectorState.ONLINE);
            }
        }
    }

    /**
     * Sets the state of the connector of that name ({@code connector@host[pid]}).
     *
     * @return false when no subscribed connector has that name
     */
    public boolean setState(String connector, ConnectorState state) {
        boolean found = false;
        for (Connection c : connections) {
            RouterInfo info = c.info;
            if (info != null && info.connector().equals(connector) && c.sendOrDrop(new PushMessage.State(state))) {
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
        for (Connection c : connections) {
            c.close();
        }
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
            try {
                Connection c = new Connection(new LineChannel(socket), ids.incrementAndGet());
                connections.add(c);
                Thread t = new Thread(c::readLoop, "turnout-push-conn-" + c.id);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                log.warn("push connection from {} failed: {}", socket.getRemoteSocketAddress(), e.toString());
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    /** One connector's connection; its info is null until its hello arrived, and never again after. */
    private final class Connection {
        final LineChannel channel;
        final int id;
        volatile @Nullable RouterInfo info;
        volatile long acked;
        volatile boolean closed;

        Connection(LineChannel channel, int id) {
            this.channel = channel;
            this.id = id;
        }

        void readLoop() {
            try {
                PushMessage m;
                while ((m = channel.read()) != null) {
                    handle(m);
                }
                log.info("push connection {} ({}) closed by {}", id, name(), channel.peer());
            } catch (IOException | RuntimeException e) {
                if (!PushServer.this.closed) {
                    log.info("push connection {} ({}) from {} failed: {}", id, name(), channel.peer(), e.toString());
                }
            } finally {
                close();
            }
        }

        private String name() {
            RouterInfo i = info;
            return i == null ? "no hello yet" : i.connector();
        }

        private void handle(PushMessage m) throws IOException {
            if (m instanceof PushMessage.Hello h) {
                info = new RouterInfo(
                        h.connector(), h.host(), h.pid(), h.ports(), channel.peer(), ConnectorState.ONLINE, 0, 0);
                log.info(
                        "connector {} subscribed from {} with topology version {}",
                        h.connector(),
                        channel.peer(),
                        h.lastVersion());
                channel.send(new PushMessage.Topology(current.get()));
                long hold = activeHold;
                if (hold > 0) {
                    channel.send(new PushMessage.Hold(hold));
                }
            } else if (info == null) {
                throw new IllegalArgumentException("first push message must be hello, got " + m);
            } else if (m instanceof PushMessage.Stats s) {
                updateStats(s);
            } else if (m instanceof PushMessage.Ack a) {
                synchronized (ackMonitor) {
                    acked = Math.max(acked, a.request());
                    if (a.request() == activeHold) {
                        updateState(ConnectorState.ON_HOLD);
                    }
                    ackMonitor.notifyAll();
                }
            } else {
                throw new IllegalArgumentException("a connector may not send " + m);
            }
        }

        /** The connector's info, once it said hello (its info is never cleared). */
        RouterInfo subscribed() {
            return Objects.requireNonNull(info, "only a connector that said hello is asked");
        }

        /** Only once the connector said hello, as every caller checks. */
        synchronized void updateState(ConnectorState state) {
            RouterInfo i = subscribed();
            info = new RouterInfo(
                    i.connector(), i.host(), i.pid(), i.ports(), i.remote(), state, i.created(), i.active());
        }

        /** Only once the connector said hello: {@link #handle} rejects anything else before. */
        synchronized void updateStats(PushMessage.Stats s) {
            RouterInfo i = subscribed();
            info = new RouterInfo(
                    i.connector(), i.host(), i.pid(), i.ports(), i.remote(), i.state(), s.created(), s.active());
        }

        boolean sendOrDrop(PushMessage m) {
            try {
                channel.send(m);
                return true;
            } catch (IOException e) {
                log.info("push connection {} ({}) dropped: {}", id, name(), e.toString());
                close();
                return false;
            }
        }

        void close() {
            closed = true;
            channel.close();
            connections.remove(this);
            synchronized (ackMonitor) {
                ackMonitor.notifyAll();
            }
        }
    }
}
