package dev.turnout.push;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocket;
import org.slf4j.LoggerFactory;

/**
 * Servers, clients and raw peers of one push test, on the loopback interface, with the WARN lines
 * of the push package captured; {@link #close()} stops everything in reverse order.
 */
final class PushFixture implements AutoCloseable {

    /** The cluster's secret. */
    static final PushSecret SECRET = PushSecret.of("correct horse battery staple");
    /** Somebody else's secret. */
    static final PushSecret OTHER = PushSecret.of("a guess that is long enough");

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Logger pushLogger = (Logger) LoggerFactory.getLogger("dev.turnout.push");
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            warnings.add(event.getLevel() + " " + event.getFormattedMessage());
        }
    };

    PushFixture() {
        appender.start();
        pushLogger.addAppender(appender);
    }

    /** A server with {@link #SECRET}, bounds of 5 s (handshake, writes) and the given snapshot. */
    PushServer server(Supplier<TopologySnapshot> current) throws IOException {
        return server(
                current, new PushServer.Settings(SECRET, Duration.ofSeconds(5), 16, 4, 64, Duration.ofSeconds(5)));
    }

    PushServer server(Supplier<TopologySnapshot> current, PushServer.Settings settings) throws IOException {
        return server(0, current, settings);
    }

    PushServer server(int port, Supplier<TopologySnapshot> current, PushServer.Settings settings) throws IOException {
        PushServer s = PushServer.start(new InetSocketAddress(LOOPBACK, port), current, settings);
        closeables.add(s);
        return s;
    }

    /** Client settings of short intervals for managers at these loopback ports. */
    static PushClient.Settings clientSettings(PushSecret secret, int... ports) {
        List<InetSocketAddress> managers = new ArrayList<>();
        for (int port : ports) {
            managers.add(new InetSocketAddress(LOOPBACK, port));
        }
        return PushClient.Settings.defaults(managers, secret)
                .withTimings(
                        Duration.ofMillis(50), Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    PushClient client(TopologyHolder holder, PushClient.Listener listener, PushServer... servers) {
        int[] ports = new int[servers.length];
        for (int i = 0; i < servers.length; i++) {
            ports[i] = servers[i].port();
        }
        return client(clientSettings(SECRET, ports), holder, listener, SnapshotCheck.none());
    }

    PushClient client(
            PushClient.Settings settings, TopologyHolder holder, PushClient.Listener listener, SnapshotCheck check) {
        PushClient c = PushClient.start(
                settings,
                new PushClient.Identity("connector@host1[8616]", "host1", 8616, List.of(9999)),
                holder,
                () -> new PushMessage.Stats(7, 2),
                listener,
                check);
        closeables.add(c);
        return c;
    }

    /** A plain TCP connection to {@code port}, closed at the end. */
    Socket tcp(int port) throws IOException {
        Socket s = new Socket(LOOPBACK, port);
        closeables.add(s);
        return s;
    }

    /**
     * A connection to {@code server} that does TLS and the connector's handshake with {@code secret}
     * itself, and sends a hello: a test then has it read, or not.
     */
    LineChannel rawConnector(PushServer server, PushSecret secret) throws IOException {
        Socket raw = tcp(server.port());
        PushTls tls = PushTls.client(new SecureRandom());
        SSLSocket ssl = tls.open(raw);
        LineChannel channel = new LineChannel(ssl, raw);
        closeables.add(channel);
        PushHandshake.asConnector(channel, secret, tls.channelBinding(ssl), new SecureRandom());
        channel.send(new PushMessage.Hello("connector@raw[1]", "raw", 1, List.of(1), -1));
        return channel;
    }

    /** Closes {@code c} at the end, with the rest. */
    <C extends AutoCloseable> C closeAtEnd(C c) {
        closeables.add(c);
        return c;
    }

    /** The WARN (and ERROR) lines of the push package so far, as {@code LEVEL message}. */
    List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Waits until a WARN line contains every one of {@code parts}. */
    void awaitWarning(String... parts) throws InterruptedException {
        try {
            await(
                    "a warning with " + List.of(parts),
                    () -> warnings.stream()
                            .anyMatch(w -> List.of(parts).stream().allMatch(w::contains)));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (have " + warnings + ")", e);
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                failure = failure == null ? e : failure;
            }
        }
        pushLogger.detachAppender(appender);
        appender.stop();
        if (failure != null) {
            throw failure;
        }
    }
}
