package dev.turnout.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP link a test can cut and heal: it listens on a loopback port of its own and relays every
 * connection to {@code target}. {@link #cut()} closes every relayed connection at once, and while
 * cut every new connection is closed as soon as it is accepted, so the process on this side sees
 * its peer gone, as after a partition that ends its connections. {@link #heal()} relays again.
 *
 * <p>Two daemon threads per connection and one accepting; {@link #close()} ends them all.
 * Thread-safe.
 */
public final class CuttableLink implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean cut;
    private volatile boolean closed;

    private CuttableLink(InetSocketAddress target, ServerSocket server) {
        this.target = target;
        this.server = server;
        this.acceptor = new Thread(this::accept, "cuttable-link-" + target.getPort());
        acceptor.setDaemon(true);
    }

    /** A link from a free port of 127.0.0.1 to {@code target}. */
    public static CuttableLink to(InetSocketAddress target) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        CuttableLink link = new CuttableLink(target, server);
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
        cut = true;
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    /** Relays new connections again. */
    public void heal() {
        cut = false;
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
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 2000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            open.add(client);
            open.add(upstream);
            if (cut) { // cut while connecting
                cut();
                continue;
            }
            pump(client, upstream);
            pump(upstream, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[16384];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
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
