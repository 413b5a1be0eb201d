package dev.turnout.push;

import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's end of the push protocol (docs/push-protocol.md): subscribes to every
 * configured manager, says hello, offers every snapshot it receives to a {@link TopologyHolder}
 * (which ignores one that is not newer than what it has), reports statistics every
 * {@link Settings#statsInterval()}, and passes hold, release and state requests to a
 * {@link Listener}. A lost or refused connection is retried forever with exponential backoff;
 * while no manager is reachable the holder keeps the last topology, so the connector keeps
 * routing by it.
 *
 * <p>Threading: one daemon thread per manager ({@code turnout-push-client-*}) reads that manager's
 * messages and calls the holder's listeners and the {@link Listener} on it; one daemon thread sends
 * the statistics. Every public method may be called from any thread.
 */
public final class PushClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PushClient.class);

    /**
     * What the connector does when a manager asks. Called on that manager's reader thread: return
     * quickly and do the work elsewhere.
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
     * @param statsInterval how often statistics are sent
     * @param minBackoff the first wait before reconnecting
     * @param maxBackoff the longest wait between attempts (the wait doubles up to it)
     * @param connectTimeout bound of one connection attempt
     */
    public record Settings(
            List<InetSocketAddress> managers,
            Duration statsInterval,
            Duration minBackoff,
            Duration maxBackoff,
            Duration connectTimeout) {
        /** Validates and copies. */
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
        }

        /** Stats every 5 s, reconnect after 100 ms doubling up to 5 s, connect within 2 s. */
        public static Settings defaults(List<InetSocketAddress> managers) {
            return new Settings(
                    managers,
                    Duration.ofSeconds(5),
                    Duration.ofMillis(100),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(2));
        }
    }

    private final Settings settings;
    private final Identity identity;
    private final TopologyHolder holder;
    private final Supplier<PushMessage.Stats> stats;
    private final Listener listener;
    private final List<LineChannel> open = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService statsTimer;
    private volatile boolean closed;

    private PushClient(
            Settings settings,
            Identity identity,
            TopologyHolder holder,
            Supplier<PushMessage.Stats> stats,
            Listener listener) {
        this.settings = settings;
        this.identity = identity;
        this.holder = holder;
        this.stats = stats;
        this.listener = listener;
        this.statsTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "turnout-push-stats");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts subscribing to every manager of {@code settings}. */
    public static PushClient start(
            Settings settings,
            Identity identity,
            TopologyHolder holder,
            Supplier<PushMessage.Stats> stats,
            Listener listener) {
        PushClient c = new PushClient(settings, identity, holder, stats, listener);
        for (InetSocketAddress manager : settings.managers()) {
            Thread t = new Thread(
                    () -> c.subscribeLoop(manager),
                    "turnout-push-client-" + manager.getHostString() + ":" + manager.getPort());
            t.setDaemon(true);
            c.threads.add(t);
            t.start();
        }
        long every = settings.statsInterval().toMillis();
        c.statsTimer.scheduleWithFixedDelay(c::sendStats, every, every, TimeUnit.MILLISECONDS);
        return c;
    }

    /** How many managers it is subscribed to right now. */
    public int connectedManagers() {
        return open.size();
    }

    /** Stops reconnecting and closes every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        statsTimer.shutdownNow();
        for (Thread t : threads) {
            t.interrupt();
        }
        for (LineChannel c : open) {
            c.close();
        }
    }

    private void sendStats() {
        if (open.isEmpty()) {
            return;
        }
        PushMessage.Stats s;
        try {
            s = stats.get();
        } catch (RuntimeException e) {
            log.warn("statistics supplier failed: {}", e.toString());
            return;
        }
        for (LineChannel c : open) {
            try {
                c.send(s);
            } catch (IOException e) {
                c.close(); // its reader thread sees the failure and reconnects
            }
        }
    }

    private void subscribeLoop(InetSocketAddress manager) {
        long backoff = settings.minBackoff().toMillis();
        while (!closed) {
            boolean subscribed = false;
            Socket socket = new Socket();
            LineChannel channel = null;
            try {
                socket.connect(manager, (int) settings.connectTimeout().toMillis());
                channel = new LineChannel(socket);
                channel.send(new PushMessage.Hello(
                        identity.connector(),
                        identity.host(),
                        identity.pid(),
                        identity.ports(),
                        holder.current().version()));
                open.add(channel);
                subscribed = true;
                log.info("subscribed to manager {}", manager);
                channel.send(stats.get());
                readLoop(channel);
                if (!closed) {
                    log.info("manager {} closed the push connection", manager);
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    log.info("push connection to manager {} failed: {}", manager, e.toString());
                }
            } finally {
                if (channel != null) {
                    open.remove(channel);
                    channel.close();
                } else {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // never connected
                    }
                }
            }
            if (subscribed) {
                backoff = settings.minBackoff().toMillis();
            }
            if (closed) {
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

    private void readLoop(LineChannel channel) throws IOException {
        PushMessage m;
        long lastHold = -1;
        while (!closed && (m = channel.read()) != null) {
            if (m instanceof PushMessage.Topology t) {
                TopologySnapshot s = t.snapshot();
                if (!holder.offer(s)) {
                    log.debug(
                            "ignored topology version {}: have {}",
                            s.version(),
                            holder.current().version());
                }
            } else if (m instanceof PushMessage.Hold h) {
                long request = h.request();
                if (request == lastHold) {
                    // A manager may send a hold twice to a connector that subscribed while it began
                    // (once with the topology, once to every subscriber); the first ack answers both.
                    continue;
                }
                lastHold = request;
                listener.onHold(request, () -> {
                    try {
                        channel.send(new PushMessage.Ack(request));
                    } catch (IOException e) {
                        channel.close();
                    }
                });
            } else if (m instanceof PushMessage.Release) {
                listener.onRelease();
            } else if (m instanceof PushMessage.State s) {
                listener.onState(s.state());
            } else {
                throw new IllegalArgumentException("a manager may not send " + m);
            }
        }
    }
}
