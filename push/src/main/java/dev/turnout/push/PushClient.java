package dev.turnout.push;

import dev.turnout.routing.topology.TopologyHolder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's end of the push protocol (docs/push-protocol.md): subscribes to every
 * configured manager over TLS, admits only a manager that proves the shared secret, says hello,
 * checks every snapshot it receives ({@link SnapshotCheck#versionBound} and the caller's check;
 * a refused one is logged) and offers the others to a {@link TopologyHolder} (which ignores one
 * that is not newer than what it has), reports statistics every {@link Settings#statsInterval()},
 * and passes hold, release and state requests to a {@link Listener}. A hold that no release
 * follows within {@link Settings#holdExpiry()} is released by the client itself. A lost or
 * refused connection is retried forever with exponential backoff; while no manager is reachable
 * the holder keeps the last topology, so the connector keeps routing by it.
 *
 * <p>Threading: one daemon thread per manager ({@code turnout-push-client-*}) reads that manager's
 * messages and calls the holder's listeners and the {@link Listener} on it; a writer thread per
 * manager sends ({@link PeerWriter}); one timer thread sends the statistics, bounds handshakes and
 * writes, and expires holds (calling {@link Listener#onRelease()} then). Every public method may
 * be called from any thread.
 */
public final class PushClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PushClient.class);

    /**
     * What the connector does when a manager asks. Called on that manager's reader thread (a hold's
     * expiry on the client's timer thread): return quickly and do the work elsewhere.
     */
    public interface Listener {
        /**
         * Hold new statements at transaction boundaries; run {@code ack} (from any thread, once) when
         * every session is held.
         */
        void onHold(long request, Runnable ack);

        /** Run the held statements and accept new ones. */
        void onRelease();

        /** An operator set this connector's state. */
        void onState(ConnectorState state);

        /** A listener that acknowledges holds at once and ignores the rest (tests, tools). */
        static Listener acknowledging() {
            return new Listener() {
                @Override
                public void onHold(long request, Runnable ack) {
                    ack.run();
                }

                @Override
                public void onRelease() {}

                @Override
                public void onState(ConnectorState state) {}
            };
        }
    }

    /**
     * How this connector introduces itself.
     *
     * @param connector its name as managers list it, {@code connector@host[pid]}
     * @param host its host name
     * @param pid its process id
     * @param ports its application ports
     */
    public record Identity(String connector, String host, long pid, List<Integer> ports) {
        /** Copies the ports. */
        public Identity {
            ports = List.copyOf(ports);
        }

        /** This process: {@code connector@<local host name>[<pid>]} with the given ports. */
        public static Identity ofThisProcess(List<Integer> ports) {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
            long pid = ProcessHandle.current().pid();
            return new Identity("connector@" + host + "[" + pid + "]", host, pid, ports);
        }
    }

    /**
     * How to reach the managers.
     *
     * @param managers every manager's push address (at least one)
     * @param secret the shared secret the managers must prove; {@link PushSecret#none()} only when
     *     every manager is on this host (a loopback address)
     * @param statsInterval how often statistics are sent
     * @param minBackoff the first wait before reconnecting
     * @param maxBackoff the longest wait between attempts (the wait doubles up to it)
     * @param connectTimeout bound of one connection attempt; the handshake after it has its own
     *     bound of {@link ManagerLink#HANDSHAKE_TIMEOUT}
     * @param holdExpiry how long a hold may go without a release before the client releases it
     * @param maxVersionAhead how far ahead of this host's clock a snapshot's version may be
     */
    public record Settings(
            List<InetSocketAddress> managers,
            PushSecret secret,
            Duration statsInterval,
            Duration minBackoff,
            Duration maxBackoff,
            Duration connectTimeout,
            Duration holdExpiry,
            Duration maxVersionAhead) {
        /**
         * Validates and copies.
         *
         * @throws IllegalArgumentException also without a secret for a manager off this host
         */
        public Settings {
            managers = List.copyOf(managers);
            if (managers.isEmpty()) {
                throw new IllegalArgumentException("managers must not be empty");
            }
            if (statsInterval.isNegative() || statsInterval.isZero()) {
                throw new IllegalArgumentException("statsInterval must be positive, got " + statsInterval);
            }
            if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
                throw new IllegalArgumentException(
                        "backoff must satisfy 0 < minBackoff <= maxBackoff, got " + minBackoff + " and " + maxBackoff);
            }
            if (holdExpiry.isNegative() || holdExpiry.isZero()) {
                throw new IllegalArgumentException("holdExpiry must be positive, got " + holdExpiry);
            }
            if (maxVersionAhead.isNegative()) {
                throw new IllegalArgumentException("maxVersionAhead must not be negative, got " + maxVersionAhead);
            }
            if (secret.isNone()) {
                for (InetSocketAddress m : managers) {
                    if (m.getAddress() == null || !m.getAddress().isLoopbackAddress()) {
                        throw new IllegalArgumentException("no push secret (manager-push-secret) for manager " + m
                                + ", which is not on this host: anybody at its address could pose as a manager");
                    }
                }
            }
        }

        /** Stats every 5 s, reconnect after 100 ms doubling up to 5 s, connect within 2 s, holds expire after 30 s, versions at most 5 min ahead. */
        public static Settings defaults(List<InetSocketAddress> managers, PushSecret secret) {
            return new Settings(
                    managers,
                    secret,
                    Duration.ofSeconds(5),
                    Duration.ofMillis(100),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(5));
        }

        /** These settings with other intervals (tests make them short). */
        public Settings withTimings(
                Duration statsInterval, Duration minBackoff, Duration maxBackoff, Duration connectTimeout) {
            return new Settings(
                    managers,
                    secret,
                    statsInterval,
                    minBackoff,
                    maxBackoff,
                    connectTimeout,
                    holdExpiry,
                    maxVersionAhead);
        }

        /** These settings with another {@link #holdExpiry()}. */
        public Settings withHoldExpiry(Duration expiry) {
            return new Settings(
                    managers, secret, statsInterval, minBackoff, maxBackoff, connectTimeout, expiry, maxVersionAhead);
        }
    }

    private final Settings settings;
    private final Identity identity;
    private final TopologyHolder holder;
    private final Supplier<PushMessage.Stats> stats;
    private final Listener listener;
    private final SnapshotCheck check;
    private final PushTls tls;
    private final SecureRandom random = new SecureRandom();
    private final List<ManagerLink> links = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor timer;
    private final Object holdLock = new Object();
    private long heldRequest = -1; // guarded by holdLock
    private @Nullable ScheduledFuture<?> holdExpiry; // guarded by holdLock
    private volatile boolean closed;

    private PushClient(
            Settings settings,
            Identity identity,
            TopologyHolder holder,
            Supplier<PushMessage.Stats> stats,
            Listener listener,
            SnapshotCheck check) {
        this.settings = settings;
        this.identity = identity;
        this.holder = holder;
        this.stats = stats;
        this.listener = listener;
        this.check = SnapshotCheck.versionBound(settings.maxVersionAhead(), System::currentTimeMillis)
                .and(check);
        this.tls = PushTls.client(random);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "turnout-push-client-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Starts subscribing to every manager of {@code settings}, with no check beyond the version bound. */
    public static PushClient start(
            Settings settings,
            Identity identity,
            TopologyHolder holder,
            Supplier<PushMessage.Stats> stats,
            Listener listener) {
        return start(settings, identity, holder, stats, listener, SnapshotCheck.none());
    }

    /** Starts subscribing to every manager of {@code settings}; {@code check} judges every snapshot too. */
    public static PushClient start(
            Settings settings,
            Identity identity,
            TopologyHolder holder,
            Supplier<PushMessage.Stats> stats,
            Listener listener,
            SnapshotCheck check) {
        PushClient c = new PushClient(settings, identity, holder, stats, listener, check);
        if (settings.secret().isNone()) {
            log.warn(
                    "NO manager-push-secret: managers {} are not authenticated (TLS only); allowed on loopback only",
                    settings.managers());
        }
        for (InetSocketAddress manager : settings.managers()) {
            ManagerLink link = new ManagerLink(c, manager);
            c.links.add(link);
            Thread t = new Thread(link, "turnout-push-client-" + manager.getHostString() + ":" + manager.getPort());
            t.setDaemon(true);
            c.threads.add(t);
            t.start();
        }
        long every = settings.statsInterval().toMillis();
        c.timer.scheduleWithFixedDelay(c::sendStats, every, every, TimeUnit.MILLISECONDS);
        return c;
    }

    /** How many managers it is subscribed to right now. */
    public int connectedManagers() {
        int n = 0;
        for (ManagerLink link : links) {
            if (link.subscribed()) {
                n++;
            }
        }
        return n;
    }

    /** Stops reconnecting and closes every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        for (Thread t : threads) {
            t.interrupt();
        }
        for (ManagerLink link : links) {
            link.close();
        }
    }

    private void sendStats() {
        PushMessage.Stats s;
        try {
            s = stats.get();
        } catch (RuntimeException e) {
            log.warn("statistics supplier failed: {}", e.toString());
            return;
        }
        for (ManagerLink link : links) {
            link.send(s);
        }
    }

    // ---------------------------------------------------------------- for ManagerLink

    Settings settings() {
        return settings;
    }

    Identity identity() {
        return identity;
    }

    TopologyHolder holder() {
        return holder;
    }

    PushMessage.Stats stats() {
        return stats.get();
    }

    Listener listener() {
        return listener;
    }

    SnapshotCheck check() {
        return check;
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

    /**
     * A manager asked to hold: tells the listener; the hold expires after
     * {@link Settings#holdExpiry()} unless released. Serialised with releases and expiries, so that
     * an expiry never undoes a newer hold.
     */
    void hold(long request, InetSocketAddress manager, Runnable ack) {
        synchronized (holdLock) {
            if (holdExpiry != null) {
                holdExpiry.cancel(false);
            }
            heldRequest = request;
            long millis = settings.holdExpiry().toMillis();
            holdExpiry = timer.schedule(() -> expire(request, manager), millis, TimeUnit.MILLISECONDS);
            listener.onHold(request, ack);
        }
    }

    /** A manager released: tells the listener; no hold is left to expire. */
    void release() {
        synchronized (holdLock) {
            if (holdExpiry != null) {
                holdExpiry.cancel(false);
                holdExpiry = null;
            }
            heldRequest = -1;
            listener.onRelease();
        }
    }

    private void expire(long request, InetSocketAddress manager) {
        synchronized (holdLock) {
            if (heldRequest != request) {
                return;
            }
            heldRequest = -1;
            holdExpiry = null;
            log.warn(
                    "hold {} of manager {} not released within {} ms: released by this connector (the manager may"
                            + " have stopped during a switch)",
                    request,
                    manager,
                    settings.holdExpiry().toMillis());
            listener.onRelease();
        }
    }
}
