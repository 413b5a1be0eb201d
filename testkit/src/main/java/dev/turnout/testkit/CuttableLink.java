package dev.turnout.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A TCP link a test can cut and heal: it listens on a loopback port of its own and relays every
 * connection to {@code target}. {@link #cut()} closes every relayed connection at once, and while
 * cut every new connection is closed as soon as it is accepted, so the process on this side sees
 * its peer gone, as after a partition that ends its connections. {@link #heal()} relays again.
 *
 * <p>A link may be given a {@link Greeting}: it relays the first bytes a connection sends, and may
 * rewrite them (a protocol whose first message names an address to connect back to, as
 * ZooKeeper's election does, is kept on links that way).
 *
 * <p>Two daemon threads per connection and one accepting; {@link #close()} ends them all.
 * Thread-safe.
 */
public final class CuttableLink implements AutoCloseable {

    /** Relays (and may rewrite) the first message of every connection, before its bytes are pumped. */
    @FunctionalInterface
    public interface Greeting {
        /**
         * Reads the first message from {@code fromClient} and writes it (or what replaces it) to
         * {@code toTarget}.
         *
         * @throws IOException ending the connection
         */
        void relay(InputStream fromClient, OutputStream toTarget) throws IOException;
    }

    private final InetSocketAddress target;
    private final @Nullable Greeting greeting;
    private final long patienceMillis;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final java.util.concurrent.atomic.AtomicLong relayed = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean cut;
    private volatile boolean closed;

    private CuttableLink(
            InetSocketAddress target, ServerSocket server, @Nullable Greeting greeting, Duration patience) {
        this.target = target;
        this.greeting = greeting;
        this.patienceMillis = patience.toMillis();
        this.server = server;
        this.acceptor = new Thread(this::accept, "cuttable-link-" + target.getPort());
        acceptor.setDaemon(true);
    }

    /** A link from a free port of 127.0.0.1 to {@code target}. */
    public static CuttableLink to(InetSocketAddress target) throws IOException {
        return to(target, null, Duration.ZERO);
    }

    /**
     * A link from a free port of 127.0.0.1 to {@code target} whose connections begin with
     * {@code greeting} (none when null). A connection the target refuses is retried for
     * {@code patience} before the link closes this side's (zero: closed at once): behind a relay,
     * that side cannot see a refusal and retry itself, as it would connecting directly.
     */
    public static CuttableLink to(InetSocketAddress target, @Nullable Greeting greeting, Duration patience)
            throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        CuttableLink link = new CuttableLink(target, server, greeting, patience);
        link.acceptor.start();
        return link;
    }

    /** A link to {@code host:port}. */
    public static CuttableLink to(String host, int port) throws IOException {
        return to(new InetSocketAddress(host, port));
    }

    /** Where this side connects. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** The port this side connects to. */
    public int port() {
        return server.getLocalPort();
    }

    /** Ends every relayed connection and refuses new ones until {@link #heal()}. */
    public void cut() {
        synchronized (open) { // no connection starts relaying while its sockets are being closed
            cut = true;
            for (Socket s : open) {
                closeQuietly(s);
            }
            open.clear();
        }
    }

    /** Relays new connections again. */
    public void heal() {
        cut = false;
    }

    /** How many connections it has relayed so far (connected to the target). */
    public long connections() {
        return relayed.get();
    }

    /** Whether the link is cut. */
    public boolean isCut() {
        return cut;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut || closed) {
                closeQuietly(client);
                continue;
            }
            if (patienceMillis == 0) {
                connect(client);
            } else {
                Thread t = new Thread(() -> connect(client), "cuttable-link-connect-" + target.getPort());
                t.setDaemon(true);
                t.start();
            }
        }
    }

    /**
     * Connects {@code client} to the target, retrying a refused connection for the link's patience
     * (a server about to listen, as a new ZooKeeper leader is), and starts the pumps.
     */
    private void connect(Socket client) {
        long deadline = System.nanoTime() + patienceMillis * 1_000_000L;
        Socket upstream;
        while (true) {
            upstream = new Socket();
            try {
                upstream.connect(target, 2000);
                break;
            } catch (IOException e) {
                closeQuietly(upstream);
                if (cut || closed || System.nanoTime() >= deadline) {
                    closeQuietly(client);
                    return;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeQuietly(client);
                return;
            }
        }
        synchronized (open) {
            if (cut || closed) { // cut while connecting
                closeQuietly(client);
                closeQuietly(upstream);
                return;
            }
            open.add(client);
            open.add(upstream);
            relayed.incrementAndGet();
            pump(client, upstream, greeting);
            pump(upstream, client, null);
        }
    }

    private void pump(Socket from, Socket to, @Nullable Greeting first) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[16384];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        if (first != null) {
                            first.relay(in, out);
                            out.flush();
                        }
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // the connection ended or was cut
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        open.remove(from);
                        open.remove(to);
                    }
                },
                "cuttable-link-pump-" + target.getPort());
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Stops listening and ends every connection. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        cut();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
