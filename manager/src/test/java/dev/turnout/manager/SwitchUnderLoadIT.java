package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.routing.topology.Policy;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A planned switch under load, end to end: a manager and a connector that follows it, in front of
 * a sandbox cluster of the test's own; 8 client threads write and read through the connector
 * while the manager switches the primary. No client sees an error, every acknowledged write is on
 * the new primary, and the longest pause between two acknowledged writes is reported.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SwitchUnderLoadIT {

    private static final int THREADS = 8;
    private static ManagedCluster managed;
    private static SandboxCluster cluster;
    private static Manager manager;
    private static ConnectorServer connector;

    @BeforeAll
    static void start() throws Exception {
        managed = new ManagedCluster(
                SandboxCluster.builder().replicas(2).start(),
                Policy.MAINTENANCE,
                Duration.ofMillis(200),
                0,
                "connector-disconnect-timeout=1s");
        cluster = managed.cluster;
        manager = managed.manager;
        connector = managed.connector;
        try (Connection root = cluster.primary().rootConnection();
                Statement st = root.createStatement()) {
            st.execute("CREATE TABLE test.load (id BIGINT PRIMARY KEY, thread INT, server INT)");
        }
        cluster.awaitReplication(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (managed != null) {
            managed.close();
        }
    }

    /** The current master per the manager, and another server to switch to. */
    private static DbServer[] masterAndCandidate() {
        String master =
                manager.topology().dataservice("alpha").master().orElseThrow().name();
        DbServer current = cluster.servers().stream()
                .filter(s -> s.hostPort().equals(master))
                .findFirst()
                .orElseThrow();
        DbServer candidate =
                cluster.servers().stream().filter(s -> s != current).findFirst().orElseThrow();
        return new DbServer[] {current, candidate};
    }

    @Test
    void aTransactionLeftOpenDuringASwitchIsAbortedAfterTheGraceAndTheSwitchGoesOn() throws Exception {
        DbServer newPrimary = masterAndCandidate()[1];
        String url = managed.url();
        try (Connection c = DriverManager.getConnection(url, cluster.appUser(), cluster.appPassword());
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO test.load VALUES (-1, -1, @@server_id)");
            long start = System.nanoTime();
            manager.switchOver(newPrimary.hostPort());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("switch with a transaction left open took " + millis + " ms");
            assertThat(millis)
                    .as("the switch waited about connector-disconnect-timeout")
                    .isBetween(900L, 15_000L);
            SQLException aborted = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, c::commit);
            System.out.println("the open transaction's commit: " + aborted.getErrorCode() + " " + aborted.getMessage());
        }
        try (Connection root = newPrimary.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM test.load WHERE id = -1")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the aborted transaction's insert").isZero();
        }
    }

    @Test
    void aPlannedSwitchUnderLoadGivesNoClientErrorsAndLosesNoAcknowledgedWrite() throws Exception {
        DbServer newPrimary = masterAndCandidate()[1];
        String url = managed.url();
        ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicLong lastWrite = new AtomicLong(System.nanoTime());
        AtomicLong longestPause = new AtomicLong();
        long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        CountDownLatch done = new CountDownLatch(THREADS);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread worker = new Thread(
                    () -> {
                        try (Connection c = DriverManager.getConnection(url, cluster.appUser(), cluster.appPassword());
                                PreparedStatement insert =
                                        c.prepareStatement("INSERT INTO test.load VALUES (?, ?, @@server_id)");
                                PreparedStatement read =
                                        c.prepareStatement("SELECT COUNT(*) FROM test.load WHERE thread = ?")) {
                            for (long i = 0; i < 1_000_000 && System.nanoTime() < stopAt; i++) {
                                long id = thread * 1_000_000L + i;
                                try {
                                    insert.setLong(1, id);
                                    insert.setInt(2, thread);
                                    insert.executeUpdate();
                                    acknowledged.add(id);
                                    long now = System.nanoTime();
                                    long previous = lastWrite.getAndSet(now);
                                    longestPause.accumulateAndGet(now - previous, Math::max);
                                    read.setInt(1, thread);
                                    try (ResultSet rs = read.executeQuery()) {
                                        rs.next();
                                    }
                                } catch (SQLException e) {
                                    errors.add(e.getErrorCode() + " " + e.getMessage());
                                }
                            }
                        } catch (SQLException e) {
                            errors.add("connection: " + e.getMessage());
                        } finally {
                            done.countDown();
                        }
                    },
                    "load-" + t);
            threads.add(worker);
            worker.start();
        }
        Thread.sleep(2500);
        int beforeSwitch = acknowledged.size();
        long switchStart = System.nanoTime();
        String outcome = manager.switchOver(newPrimary.hostPort());
        long switchMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - switchStart);
        assertThat(done.await(60, TimeUnit.SECONDS))
                .as("the load threads finish")
                .isTrue();

        System.out.printf(
                "switch under load: %s in %d ms; %d writes acknowledged (%d before the switch); longest pause"
                        + " between acknowledged writes %d ms; errors %d%n",
                outcome,
                switchMillis,
                acknowledged.size(),
                beforeSwitch,
                TimeUnit.NANOSECONDS.toMillis(longestPause.get()),
                errors.size());
        assertThat(errors).as("client-visible errors").isEmpty();
        assertThat(acknowledged.size()).isGreaterThan(beforeSwitch);
        try (Connection root = newPrimary.rootConnection();
                Statement st = root.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT @@read_only")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the new primary is writable").isZero();
            }
            List<Long> stored = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT id FROM test.load")) {
                while (rs.next()) {
                    stored.add(rs.getLong(1));
                }
            }
            assertThat(stored)
                    .as("every acknowledged write is on the new primary")
                    .containsAll(acknowledged);
            try (ResultSet rs =
                    st.executeQuery("SELECT COUNT(*) FROM test.load WHERE server = " + newPrimary.serverId())) {
                rs.next();
                assertThat(rs.getLong(1))
                        .as("writes after the switch ran on the new primary")
                        .isPositive();
            }
        }
    }
}
