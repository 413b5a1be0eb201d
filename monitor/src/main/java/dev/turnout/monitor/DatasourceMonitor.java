package dev.turnout.monitor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every datasource of a dataservice through JDBC: a round of probes every probe interval
 * and a heartbeat written on the primary every heartbeat interval.
 *
 * <h2>Connections</h2>
 * One plain MariaDB Connector/J connection per datasource ({@code connectTimeout} and
 * {@code socketTimeout} both set to the monitor's timeout), opened on first use and reopened after
 * any failure, plus one to the primary for the heartbeat. Not a HikariCP pool of one: a pool adds
 * a housekeeping thread per datasource and timeouts of its own (a borrow waits at least 250 ms)
 * on top of the driver's, while its point, sharing connections among threads, does not arise here:
 * exactly one thread at a time uses each connection, and a broken one is noticed and replaced by
 * the next probe, which is what a health check is for.
 *
 * <h2>Threads and bounds</h2>
 * All threads are daemons named {@code turnout-monitor-*}: one round thread, one heartbeat thread,
 * and a probe pool with one thread per datasource (plus one for {@link #probeNow}). Each round
 * submits the probes of all datasources at once and waits for them until their start plus the
 * timeout: a datasource that has not answered by then is reported unreachable ("no answer within
 * ..."), so one silent host delays the others' round by at most the timeout, once. Its probe goes
 * on until its socket timeout ends it; until then later rounds start no other probe of it. A
 * datasource already unreachable holds no round up: the round reports it unreachable (with its last
 * reason) unless its probe ended by the time the others did, and reports the probe's outcome in the
 * next round if it ended later. Every socket operation is bounded by the timeout, so no thread waits
 * without a bound, and {@link #close()} returns within about twice the timeout.
 *
 * <h2>Heartbeat and applied latency</h2>
 * The heartbeat thread keeps the table {@code <schema>.heartbeat (source VARCHAR(255) PRIMARY KEY,
 * ts BIGINT NOT NULL)} on the current primary (named by the {@code primaryName} supplier, which may
 * change) and upserts this monitor's row ({@code heartbeatSource}) with
 * {@link System#currentTimeMillis()}; several connectors and managers write rows of their own.
 * The timestamps whose writes committed are kept for 10 s. When a replica is probed, the newest
 * committed timestamp is noted, then the replica's row {@code ts} (T) is read:
 * <ul>
 *   <li>no row on the replica yet: -1; the heartbeat's own server (the primary): 0;</li>
 *   <li>the kept timestamps do not reach back to T, or no heartbeat committed within two intervals
 *       plus the timeout (the primary is down): {@code now - T};</li>
 *   <li>else, T at least the noted timestamp: 0 (it had applied everything committed when asked);</li>
 *   <li>else {@code now - E}, E the earliest committed timestamp after T: how long the oldest write
 *       it has not applied has been waiting. This has millisecond resolution whatever the heartbeat
 *       interval, where {@code now - T} would always include up to one interval.</li>
 * </ul>
 * The writer and the readers share one clock, so the clocks of the servers do not matter.
 *
 * <h2>Logging</h2>
 * DEBUG for every probe, INFO when a datasource becomes reachable or unreachable and when the
 * heartbeat starts or stops writing. The password is never logged.
 *
 * <p>Thread-safe: every public method may be called from any thread.
 */
public final class DatasourceMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatasourceMonitor.class);
    private static final long RING_WINDOW_MILLIS = 10_000;

    private final MonitorSettings settings;
    private final List<DatasourceAddress> datasources;
    private final Map<String, DatasourceAddress> byName;
    private final Supplier<String> primaryName;
    private final Consumer<List<Probe>> onRound;
    private final LongSupplier clock;
    private final HeartbeatRing ring;
    private final List<Prober> probers;
    private final HeartbeatWriter writer;
    private final MonitorThreads threads = new MonitorThreads();
    private final ScheduledThreadPoolExecutor rounds;
    private final ScheduledThreadPoolExecutor heartbeats;
    private final ThreadPoolExecutor probes;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Confined to the round thread: the probe of each datasource in flight or last done. */
    private final List<Future<Probe>> inFlight;
    /** Confined to the round thread: when ({@link System#nanoTime()}) each of those probes was submitted. */
    private final long[] submittedAt;
    /** Confined to the round thread: whether a round has reported the outcome of each of those probes. */
    private final boolean[] reported;
    /** Confined to the round thread: the previous round, null before the first. */
    private @Nullable List<Probe> previousRound;

    private volatile List<Probe> latest = List.of();

    private DatasourceMonitor(
            MonitorSettings settings,
            List<DatasourceAddress> datasources,
            Supplier<String> primaryName,
            Consumer<List<Probe>> onRound,
            LongSupplier clock) {
        this.settings = settings;
        this.datasources = datasources;
        this.primaryName = primaryName;
        this.onRound = onRound;
        this.clock = clock;
        Map<String, DatasourceAddress> names = new LinkedHashMap<>();
        for (DatasourceAddress address : datasources) {
            if (names.put(address.name(), address) != null) {
                throw new IllegalArgumentException("datasources: the name '" + address.name() + "' appears twice");
            }
        }
        this.byName = Map.copyOf(names);
        this.ring = HeartbeatRing.forInterval(
                clock,
                settings.heartbeatInterval().toMillis(),
                settings.timeout().toMillis(),
                RING_WINDOW_MILLIS);
        this.probers = datasources.stream()
                .map(address -> new Prober(address, settings, ring, clock, closed::get))
                .toList();
        this.writer = new HeartbeatWriter(settings, byName, primaryName, ring, clock, closed::get);
        this.inFlight = new ArrayList<>(datasources.size());
        for (int i = 0; i < datasources.size(); i++) {
            inFlight.add(null);
        }
        this.submittedAt = new long[datasources.size()];
        this.reported = new boolean[datasources.size()];
        this.rounds = new ScheduledThreadPoolExecutor(1, threads.factory("round"));
        this.heartbeats = new ScheduledThreadPoolExecutor(1, threads.factory("heartbeat"));
        int poolSize = datasources.size() + 1;
        this.probes = new ThreadPoolExecutor(
                poolSize, poolSize, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads.factory("probe"));
        this.probes.allowCoreThreadTimeOut(true);
        for (ScheduledThreadPoolExecutor executor : List.of(rounds, heartbeats)) {
            executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        }
    }

    /**
     * Starts probing at once; calls {@code onRound} (on the monitor's round thread) after each
     * complete round with one {@link Probe} per datasource, in the given order. An exception from
     * {@code onRound} is logged and does not stop the monitor.
     *
     * @param settings credentials, intervals, timeout and heartbeat table
     * @param datasources the datasources to watch, names unique; may be empty
     * @param primaryName where heartbeats are written: the name of the current primary, asked at every
     *     heartbeat and probe, so it may change (a manager's switch); null or an unknown name: nowhere
     * @param onRound receives each complete round
     * @throws IllegalArgumentException if two datasources share a name
     */
    public static DatasourceMonitor start(
            MonitorSettings settings,
            List<DatasourceAddress> datasources,
            Supplier<String> primaryName,
            Consumer<List<Probe>> onRound) {
        return start(settings, datasources, primaryName, onRound, System::currentTimeMillis);
    }

    static DatasourceMonitor start(
            MonitorSettings settings,
            List<DatasourceAddress> datasources,
            Supplier<String> primaryName,
            Consumer<List<Probe>> onRound,
            LongSupplier clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(primaryName, "primaryName");
        Objects.requireNonNull(onRound, "onRound");
        DatasourceMonitor monitor =
                new DatasourceMonitor(settings, List.copyOf(datasources), primaryName, onRound, clock);
        log.info(
                "monitoring {} as '{}' (user {}, probes every {} ms, heartbeat every {} ms, timeout {} ms)",
                monitor.datasources.stream()
                        .map(d -> d.name() + "=" + d.hostPort())
                        .toList(),
                settings.heartbeatSource(),
                settings.user(),
                settings.probeInterval().toMillis(),
                settings.heartbeatInterval().toMillis(),
                settings.timeout().toMillis());
        monitor.heartbeats.scheduleAtFixedRate(
                monitor.writer::tick, 0, settings.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
        monitor.rounds.scheduleWithFixedDelay(
                monitor::round, 0, settings.probeInterval().toMillis(), TimeUnit.MILLISECONDS);
        return monitor;
    }

    /** The last complete round, one probe per datasource in the given order; empty before the first. */
    public List<Probe> latest() {
        return latest;
    }

    /**
     * Probes {@code name} now, on a connection of its own (the round's connection stays with the
     * rounds), and returns within about the timeout: a datasource that has not answered by then is
     * reported unreachable.
     *
     * @throws IllegalArgumentException if no datasource has that name
     * @throws IllegalStateException if the monitor is closed
     */
    public Probe probeNow(String name) {
        DatasourceAddress address = byName.get(name);
        if (address == null) {
            throw new IllegalArgumentException("no datasource named '" + name + "' (known: " + byName.keySet() + ")");
        }
        if (closed.get()) {
            throw new IllegalStateException("the monitor is closed");
        }
        Prober prober = probers.get(datasources.indexOf(address));
        Prober once = new Prober(address, settings, ring, clock, closed::get);
        boolean heartbeatPrimary = name.equals(currentPrimary());
        Future<Probe> future;
        try {
            future = probes.submit(() -> {
                try {
                    return once.probe(heartbeatPrimary);
                } finally {
                    once.close();
                }
            });
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the monitor is closed", e);
        }
        return outcome(future, System.nanoTime() + settings.timeout().toNanos(), prober);
    }

    /**
     * Stops every thread of the monitor and closes its connections, within about twice the timeout.
     * Idempotent; never throws. Called from {@code onRound}, it stops the monitor without waiting for
     * its threads (the calling thread is one of them).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + settings.timeout().toNanos() * 2;
        rounds.shutdownNow();
        heartbeats.shutdownNow();
        probes.shutdownNow();
        if (threads.isCurrentOurs()) {
            // Closed from onRound: the round thread cannot wait for itself. Every thread ends on its own
            // within the timeout; the probes' connections stay to be collected with their threads.
            log.info("stopped monitoring {} (from the monitor's own thread)", byName.keySet());
            return;
        }
        boolean ended = awaitTermination(rounds, deadline)
                & awaitTermination(heartbeats, deadline)
                & awaitTermination(probes, deadline)
                & threads.joinAll(deadline);
        if (ended) {
            writer.close();
            probers.forEach(Prober::close);
            log.info("stopped monitoring {}", byName.keySet());
        } else {
            // A thread still blocked in a socket call owns its connection; its socket timeout ends it.
            log.warn(
                    "stopped monitoring {}, but threads {} had not ended within {} ms",
                    byName.keySet(),
                    threads.alive(),
                    settings.timeout().toMillis() * 2);
        }
    }

    /**
     * One round. Each datasource gets a new probe unless its previous one is still running or its
     * outcome has not been reported yet (it ended after its round moved on: reported now). The round
     * waits for the datasources that were reachable (or not yet probed) until their probes' deadline,
     * and for those unreachable in the previous round no longer than for the others: a host that is
     * down does not slow the rounds down, and its recovery shows at the latest one round later.
     */
    private void round() {
        if (closed.get()) {
            return;
        }
        try {
            String primary = currentPrimary();
            int n = probers.size();
            for (int i = 0; i < n; i++) {
                Future<Probe> previous = inFlight.get(i);
                if (previous == null || (previous.isDone() && reported[i])) {
                    Prober prober = probers.get(i);
                    boolean heartbeatPrimary = prober.address().name().equals(primary);
                    submittedAt[i] = System.nanoTime();
                    reported[i] = false;
                    inFlight.set(i, probes.submit(() -> prober.probe(heartbeatPrimary)));
                }
            }
            Probe[] results = new Probe[n];
            for (int i = 0; i < n; i++) {
                if (!wasUnreachable(i)) {
                    results[i] = outcome(i, submittedAt[i] + settings.timeout().toNanos());
                }
            }
            long othersDone = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (wasUnreachable(i)) {
                    results[i] = outcome(i, othersDone);
                }
            }
            if (closed.get()) {
                return;
            }
            List<Probe> round = List.of(results);
            reportReachability(round);
            previousRound = round;
            latest = round;
            onRound.accept(round);
        } catch (RejectedExecutionException e) {
            // The monitor is closing.
        } catch (RuntimeException e) {
            log.warn("a monitoring round failed", e);
        }
    }

    private boolean wasUnreachable(int index) {
        return previousRound != null && !previousRound.get(index).reachable();
    }

    /**
     * Why datasource {@code index} was unreachable in the previous round; null when it was reachable
     * or there was no previous round (a probe has an error exactly when it is unreachable).
     */
    private @Nullable String previousError(int index) {
        return previousRound == null ? null : previousRound.get(index).error();
    }

    /**
     * The outcome of datasource {@code index}'s probe if it ends by {@code deadline}; else an
     * unreachable probe: with the previous round's reason if it was unreachable then, otherwise
     * "no answer within" the timeout.
     */
    private Probe outcome(int index, long deadline) {
        Prober prober = probers.get(index);
        Future<Probe> future = inFlight.get(index);
        try {
            Probe probe = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            reported[index] = true;
            return probe;
        } catch (TimeoutException e) {
            String previous = previousError(index);
            String error = previous != null
                    ? previous
                    : "no answer within " + settings.timeout().toMillis() + " ms";
            return Probe.unreachable(prober.address().name(), error, prober.lastFlavor(), clock.getAsLong());
        } catch (ExecutionException | CancellationException | InterruptedException e) {
            reported[index] = true;
            return failed(e, prober);
        }
    }

    /** The probe {@code future} returns by {@code deadline}, or an unreachable one saying why not. */
    private Probe outcome(Future<Probe> future, long deadline, Prober prober) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Probe.unreachable(
                    prober.address().name(),
                    "no answer within " + settings.timeout().toMillis() + " ms",
                    prober.lastFlavor(),
                    clock.getAsLong());
        } catch (ExecutionException | CancellationException | InterruptedException e) {
            return failed(e, prober);
        }
    }

    private Probe failed(Exception e, Prober prober) {
        String error;
        if (e instanceof ExecutionException) {
            Throwable cause = e.getCause(); // what the probe threw: FutureTask always sets it
            error = MonitorConnections.message(cause != null ? cause : e);
        } else if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } else {
            error = "the monitor is closing";
        }
        return Probe.unreachable(prober.address().name(), error, prober.lastFlavor(), clock.getAsLong());
    }

    private void reportReachability(List<Probe> round) {
        for (int i = 0; i < round.size(); i++) {
            Probe probe = round.get(i);
            if (previousRound == null || previousRound.get(i).reachable() != probe.reachable()) {
                DatasourceAddress address = datasources.get(i);
                if (probe.reachable()) {
                    log.info(
                            "{} ({}) is reachable: {} server_id={} read_only={}",
                            address.name(),
                            address.hostPort(),
                            probe.version(),
                            probe.serverId(),
                            probe.readOnly());
                } else {
                    log.info("{} ({}) is unreachable: {}", address.name(), address.hostPort(), probe.error());
                }
            }
        }
    }

    private @Nullable String currentPrimary() {
        try {
            return primaryName.get();
        } catch (RuntimeException e) {
            log.warn("the primary's name could not be had: {}", e.toString());
            return null;
        }
    }

    private static boolean awaitTermination(ExecutorService executor, long deadline) {
        try {
            return executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
