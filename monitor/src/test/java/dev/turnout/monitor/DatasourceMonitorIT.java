package dev.turnout.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The monitor against the sandbox's primary and two replicas (MariaDB 11.4, GTID replication).
 * Tests that stop a replica's SQL thread or kill a replica restore it before they return.
 */
@ExtendWith(SandboxExtension.class)
class DatasourceMonitorIT {

    private static final Pattern GTID = Pattern.compile("(\\d+-\\d+-\\d+)(,\\d+-\\d+-\\d+)*");

    private static SandboxCluster cluster;
    private final List<DatasourceMonitor> monitors = new ArrayList<>();

    @BeforeAll
    static void cluster(SandboxCluster sandbox) {
        cluster = sandbox;
    }

    @AfterEach
    void closeMonitors() {
        monitors.forEach(DatasourceMonitor::close);
    }

    @Test
    void aRoundProbesThePrimaryAndBothReplicas() throws Exception {
        Rounds rounds = new Rounds();
        DatasourceMonitor monitor = start(settings("it-round"), addresses(), rounds);

        List<Probe> round =
                rounds.await("all reachable", r -> r.stream().allMatch(Probe::reachable), Duration.ofSeconds(5));

        assertThat(round).extracting(Probe::name).containsExactly("db1", "db2", "db3");
        assertThat(round).extracting(Probe::serverId).containsExactly(1L, 2L, 3L);
        assertThat(round).allSatisfy(probe -> {
            assertThat(probe.flavor()).isEqualTo(Flavor.MARIADB);
            assertThat(probe.version()).contains("MariaDB");
            assertThat(probe.gtidPosition()).matches(GTID);
            assertThat(probe.roundTripMicros()).isPositive();
            assertThat(probe.error()).isNull();
        });
        Probe primary = round.get(0);
        assertThat(primary.readOnly()).isFalse();
        assertThat(primary.replica()).isNull();
        assertThat(primary.latencyMillis()).isZero();
        for (Probe replica : round.subList(1, 3)) {
            assertThat(replica.readOnly()).as(replica.name()).isTrue();
            assertThat(replica.replica()).as(replica.name()).isNotNull();
            assertThat(replica.replica().ioRunning()).as(replica.name()).isTrue();
            assertThat(replica.replica().sqlRunning()).as(replica.name()).isTrue();
            assertThat(replica.replica().sourceHost())
                    .isEqualTo(cluster.primary().host());
            assertThat(replica.replica().sourcePort())
                    .isEqualTo(cluster.primary().port());
            assertThat(replica.replica().lastIoErrno()).isZero();
            assertThat(replica.replica().lastSqlErrno()).isZero();
        }
        assertThat(monitor.latest()).hasSize(3);

        Map<Long, Long> written;
        try (Connection app = cluster.primary().connect(cluster.appUser(), cluster.appPassword());
                Statement statement = app.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS monitor_it (id INT PRIMARY KEY AUTO_INCREMENT, v INT)");
            statement.execute("INSERT INTO monitor_it (v) VALUES (1)");
            try (ResultSet rs = statement.executeQuery("SELECT @@global.gtid_current_pos")) {
                rs.next();
                written = gtid(rs.getString(1));
            }
        }
        rounds.drain();
        List<Probe> caughtUp = rounds.await(
                "replicas at the primary's GTID position " + written,
                r -> r.stream().allMatch(probe -> covers(gtid(probe.gtidPosition()), written)),
                Duration.ofSeconds(3));
        assertThat(caughtUp)
                .allSatisfy(probe -> assertThat(covers(gtid(probe.gtidPosition()), written))
                        .as(probe.name() + " " + probe.gtidPosition())
                        .isTrue());
    }

    @Test
    void aReplicaWithItsSqlThreadStoppedFallsBehindInMillisecondsAndCatchesUpAfterItStarts() throws Exception {
        Rounds rounds = new Rounds();
        start(settings("it-latency"), addresses(), rounds);
        rounds.await(
                "heartbeat rows on both replicas",
                r -> r.get(1).latencyMillis() >= 0 && r.get(2).latencyMillis() >= 0,
                Duration.ofSeconds(5));

        List<Long> healthy = new ArrayList<>();
        rounds.drain();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until) {
            List<Probe> round = rounds.next(Duration.ofSeconds(2));
            healthy.add(round.get(1).latencyMillis());
            healthy.add(round.get(2).latencyMillis());
        }
        System.out.println("healthy replica latencies (ms), " + healthy.size() + " samples: " + describe(healthy));
        assertThat(healthy)
                .hasSizeGreaterThan(10)
                .allSatisfy(latency -> assertThat(latency).isNotNegative());
        assertThat(healthy.stream().filter(latency -> latency < 100).count())
                .as("samples under 100 ms among %s", healthy)
                .isGreaterThanOrEqualTo(healthy.size() * 3L / 4);

        DbServer db2 = cluster.replicas().get(0);
        try {
            sql(db2, "STOP SLAVE SQL_THREAD");
            long stopped = System.nanoTime();
            rounds.drain();
            List<Probe> behind = rounds.await(
                    "db2 more than 500 ms behind", r -> r.get(1).latencyMillis() > 500, Duration.ofMillis(1_500));
            long fellBehindMillis = (System.nanoTime() - stopped) / 1_000_000;
            System.out.println(
                    "db2 SQL thread stopped: latency " + behind.get(1).latencyMillis() + " ms after " + fellBehindMillis
                            + " ms; db3 meanwhile " + behind.get(2).latencyMillis() + " ms");
            assertThat(behind.get(1).replica().sqlRunning()).isFalse();
            assertThat(behind.get(1).reachable()).isTrue();
            assertThat(behind.get(2).latencyMillis()).isBetween(0L, 500L);
        } finally {
            sql(db2, "START SLAVE SQL_THREAD");
        }
        long restarted = System.nanoTime();
        rounds.drain();
        List<Probe> caughtUp = rounds.await(
                "db2 under 200 ms again",
                r -> r.get(1).latencyMillis() >= 0 && r.get(1).latencyMillis() < 200,
                Duration.ofMillis(1_500));
        System.out.println("db2 SQL thread started: latency " + caughtUp.get(1).latencyMillis() + " ms after "
                + (System.nanoTime() - restarted) / 1_000_000 + " ms");
        assertThat(caughtUp.get(1).replica().sqlRunning()).isTrue();
    }

    @Test
    void aKilledServerIsUnreachableWithinTimeoutPlusIntervalAndReachableAgainAfterItStarts() throws Exception {
        MonitorSettings settings = settings("it-kill");
        Rounds rounds = new Rounds();
        DatasourceMonitor monitor = start(settings, addresses(), rounds);
        rounds.await("all reachable", r -> r.stream().allMatch(Probe::reachable), Duration.ofSeconds(5));

        DbServer db3 = cluster.replicas().get(1);
        try {
            db3.kill();
            long killed = System.nanoTime();
            rounds.drain();
            List<Probe> down = rounds.await("db3 unreachable", r -> !r.get(2).reachable(), Duration.ofSeconds(3));
            long detectedMillis = (System.nanoTime() - killed) / 1_000_000;
            System.out.println("killed db3 reported unreachable after " + detectedMillis + " ms: "
                    + down.get(2).error());
            assertThat(detectedMillis)
                    .isLessThan(
                            settings.timeout().plus(settings.probeInterval()).toMillis() + 500);
            assertThat(down.get(2).error()).isNotBlank();
            assertThat(down.get(2).flavor()).isEqualTo(Flavor.MARIADB);
            assertThat(down.get(2).latencyMillis()).isEqualTo(-1);
            assertThat(down.subList(0, 2)).allMatch(Probe::reachable);
            assertThat(monitor.probeNow("db3").reachable()).isFalse();
            // The other datasources keep being probed at the probe interval while db3 is down.
            rounds.drain();
            long before = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                assertThat(rounds.next(Duration.ofSeconds(2)).subList(0, 2)).allMatch(Probe::reachable);
            }
            assertThat((System.nanoTime() - before) / 1_000_000)
                    .isLessThan(3 * settings.probeInterval().toMillis() + 500);
        } finally {
            db3.start();
        }
        long started = System.nanoTime();
        rounds.drain();
        List<Probe> up = rounds.await("db3 reachable again", r -> r.get(2).reachable(), Duration.ofSeconds(5));
        System.out.println(
                "restarted db3 reported reachable after " + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertThat(up.get(2).serverId()).isEqualTo(3);
        assertThat(monitor.probeNow("db3").reachable()).isTrue();
        cluster.awaitReplication(Duration.ofSeconds(10));
    }

    @Test
    void aSilentHostDelaysTheOtherDatasourcesByAtMostTheTimeout() throws Exception {
        MonitorSettings settings = new MonitorSettings(
                cluster.appUser(),
                cluster.appPassword(),
                Duration.ofMillis(200),
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                "turnout",
                "it-silent");
        try (SilentServer silent = new SilentServer()) {
            List<DatasourceAddress> addresses = new ArrayList<>(addresses().subList(0, 1));
            addresses.add(new DatasourceAddress("silent", "127.0.0.1", silent.port()));
            Rounds rounds = new Rounds();
            DatasourceMonitor monitor = start(settings, addresses, rounds);

            List<Probe> first = rounds.next(Duration.ofSeconds(2));
            assertThat(first.get(0).reachable()).isTrue();
            assertThat(first.get(1).reachable()).isFalse();
            assertThat(first.get(1).error()).isNotBlank();
            assertThat(first.get(1).flavor()).isNull();

            List<Long> arrivals = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                List<Probe> round = rounds.next(Duration.ofSeconds(2));
                arrivals.add(System.nanoTime());
                assertThat(round.get(0).reachable()).isTrue();
                assertThat(round.get(1).reachable()).isFalse();
            }
            long longestGapMillis = 0;
            for (int i = 1; i < arrivals.size(); i++) {
                longestGapMillis = Math.max(longestGapMillis, (arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000);
            }
            System.out.println("with a silent host: longest gap between rounds " + longestGapMillis + " ms");
            assertThat(longestGapMillis).isLessThan(settings.probeInterval().toMillis() + 250);

            long closing = System.nanoTime();
            monitor.close();
            long closeMillis = (System.nanoTime() - closing) / 1_000_000;
            System.out.println("close() with a probe stuck on the silent host took " + closeMillis + " ms");
            assertThat(closeMillis).isLessThan(2 * settings.timeout().toMillis() + 200);
            assertThat(monitorThreads()).isEmpty();
        }
    }

    @Test
    void closeStopsEveryThreadAndIsIdempotent() throws Exception {
        Rounds rounds = new Rounds();
        DatasourceMonitor monitor = start(settings("it-close"), addresses(), rounds);
        rounds.await("all reachable", r -> r.stream().allMatch(Probe::reachable), Duration.ofSeconds(5));
        assertThat(monitor.probeNow("db2").serverId()).isEqualTo(2);
        assertThat(monitorThreads()).isNotEmpty();

        monitor.close();
        assertThat(monitorThreads()).isEmpty();
        monitor.close();

        assertThat(monitorThreads()).isEmpty();
        rounds.drain();
        assertThat(rounds.poll(Duration.ofMillis(500))).isNull();
    }

    @Test
    void closingFromTheRoundCallbackReturnsAtOnceAndTheThreadsEndOnTheirOwn() throws Exception {
        AtomicReference<DatasourceMonitor> self = new AtomicReference<>();
        CompletableFuture<Long> closeNanos = new CompletableFuture<>();
        CountDownLatch started = new CountDownLatch(1);
        DatasourceMonitor monitor =
                DatasourceMonitor.start(settings("it-self-close"), addresses(), () -> "db1", round -> {
                    try {
                        started.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    long before = System.nanoTime();
                    self.get().close();
                    closeNanos.complete(System.nanoTime() - before);
                });
        monitors.add(monitor);
        self.set(monitor);
        started.countDown();

        assertThat(closeNanos.get(5, TimeUnit.SECONDS)).isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!monitorThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(monitorThreads()).isEmpty();
    }

    private DatasourceMonitor start(MonitorSettings settings, List<DatasourceAddress> addresses, Rounds rounds) {
        DatasourceMonitor monitor = DatasourceMonitor.start(settings, addresses, () -> "db1", rounds::add);
        monitors.add(monitor);
        return monitor;
    }

    private static MonitorSettings settings(String source) {
        return MonitorSettings.defaults(cluster.appUser(), cluster.appPassword(), source);
    }

    private static List<DatasourceAddress> addresses() {
        return cluster.servers().stream()
                .map(s -> new DatasourceAddress(s.name(), s.host(), s.port()))
                .toList();
    }

    private static List<String> monitorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("turnout-monitor-"))
                .toList();
    }

    private static void sql(DbServer server, String sql) throws Exception {
        try (Connection root = server.rootConnection();
                Statement statement = root.createStatement()) {
            statement.execute(sql);
        }
    }

    /** {@code 0-1-42,1-2-7} as domain → sequence number. */
    private static Map<Long, Long> gtid(String position) {
        Map<Long, Long> byDomain = new HashMap<>();
        if (position.isEmpty()) {
            return byDomain;
        }
        for (String gtid : position.split(",")) {
            String[] parts = gtid.trim().split("-");
            byDomain.put(Long.parseLong(parts[0]), Long.parseLong(parts[2]));
        }
        return byDomain;
    }

    private static boolean covers(Map<Long, Long> position, Map<Long, Long> target) {
        return target.entrySet().stream().allMatch(e -> position.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

    private static String describe(List<Long> samples) {
        List<Long> sorted = samples.stream().sorted().toList();
        return "min " + sorted.get(0) + ", median " + sorted.get(sorted.size() / 2) + ", p90 "
                + sorted.get(sorted.size() * 9 / 10) + ", max " + sorted.get(sorted.size() - 1) + "; all " + samples;
    }

    /** The rounds a monitor reported, in order, for the test thread to wait on. */
    private static final class Rounds {

        private final LinkedBlockingQueue<List<Probe>> queue = new LinkedBlockingQueue<>();

        void add(List<Probe> round) {
            queue.add(round);
        }

        void drain() {
            queue.clear();
        }

        List<Probe> poll(Duration timeout) throws InterruptedException {
            return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        List<Probe> next(Duration timeout) throws InterruptedException {
            List<Probe> round = poll(timeout);
            assertThat(round).as("a round within " + timeout).isNotNull();
            return round;
        }

        /** The first round from now on that satisfies {@code condition}, failing after {@code timeout}. */
        List<Probe> await(String what, Predicate<List<Probe>> condition, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<Probe> last = null;
            while (System.nanoTime() < deadline) {
                List<Probe> round = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (round == null) {
                    break;
                }
                last = round;
                if (condition.test(round)) {
                    return round;
                }
            }
            throw new AssertionError("no round with " + what + " within " + timeout + "; last round: " + last);
        }
    }

    /** Accepts TCP connections on loopback and never answers, as a host that hangs would. */
    private static final class SilentServer implements AutoCloseable {

        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Thread acceptor = new Thread(this::accept, "silent-server");

        SilentServer() throws IOException {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    accepted.add(socket.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
            acceptor.join(1_000);
        }
    }
}
