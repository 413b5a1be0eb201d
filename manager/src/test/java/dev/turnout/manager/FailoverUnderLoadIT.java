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
 * Automatic failover under load, end to end: semi-synchronous replication, a manager with policy
 * AUTOMATIC and its default detection settings, and a connector that follows it; 8 client threads
 * write and read through the connector when the primary is killed with SIGKILL. Only statements in
 * flight on the dead primary fail (with error 1105, the connection stays usable); the threads go on
 * with the same connections, no acknowledged write is lost, and the time from the kill to the
 * first acknowledged write on the new primary is reported.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FailoverUnderLoadIT {

    private static final int THREADS = 8;
    private static ManagedCluster managed;
    private static SandboxCluster cluster;
    private static Manager manager;
    private static ConnectorServer connector;

    @BeforeAll
    static void start() throws Exception {
        managed = new ManagedCluster(
                SandboxCluster.builder().replicas(2).semiSync(true).start(),
                Policy.AUTOMATIC,
                Duration.ofMillis(500),
                0,
                ""); // the manager's default detection: 500 ms probes
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

    @Test
    void killingThePrimaryUnderLoadFailsOnlyInFlightStatementsAndLosesNoAcknowledgedWrite() throws Exception {
        DbServer oldPrimary = cluster.primary();
        String url = managed.url();
        ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicLong killedAt = new AtomicLong();
        AtomicLong firstWriteAfterKill = new AtomicLong();
        long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
        CountDownLatch done = new CountDownLatch(THREADS);
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread worker = new Thread(
                    () -> {
                        try (Connection c = DriverManager.getConnection(url, cluster.appUser(), cluster.appPassword());
                                PreparedStatement insert =
                                        c.prepareStatement("INSERT INTO test.load VALUES (?, ?, @@server_id)");
                                PreparedStatement read =
                                        c.prepareStatement("SELECT COUNT(*) FROM test.load WHERE thread = ?")) {
                            boolean failedOver = false;
                            for (long i = 0; i < 1_000_000 && System.nanoTime() < stopAt; i++) {
                                long id = thread * 1_000_000L + i;
                                try {
                                    insert.setLong(1, id);
                                    insert.setInt(2, thread);
                                    insert.executeUpdate();
                                    acknowledged.add(id);
                                    if (failedOver) { // this thread's first write on the new primary
                                        firstWriteAfterKill.compareAndSet(0, System.nanoTime());
                                        failedOver = false;
                                    }
                                    read.setInt(1, thread);
                                    try (ResultSet rs = read.executeQuery()) {
                                        rs.next();
                                    }
                                } catch (SQLException e) {
                                    errors.add(e.getErrorCode() + " " + e.getSQLState() + " " + e.getMessage());
                                    failedOver = true;
                                    if (e.getErrorCode() != 1105) {
                                        return; // anything but the in-flight error ends this thread: the test fails
                                        // below
                                    }
                                }
                            }
                        } catch (SQLException e) {
                            errors.add("connection: " + e.getMessage());
                        } finally {
                            done.countDown();
                        }
                    },
                    "load-" + t);
            worker.start();
        }
        Thread.sleep(2500);
        killedAt.set(System.nanoTime());
        oldPrimary.kill();
        assertThat(done.await(90, TimeUnit.SECONDS))
                .as("the load threads finish")
                .isTrue();

        long resumedMillis = firstWriteAfterKill.get() == 0
                ? -1
                : TimeUnit.NANOSECONDS.toMillis(firstWriteAfterKill.get() - killedAt.get());
        String master = manager.topology()
                .dataservice("alpha")
                .master()
                .map(d -> d.name())
                .orElse("none");
        System.out.printf(
                "failover under load: master now %s; %d writes acknowledged; first acknowledged write %d ms"
                        + " after the kill; %d statement(s) failed, the first: %s%n",
                master, acknowledged.size(), resumedMillis, errors.size(), errors.peek());
        assertThat(errors)
                .as("only statements in flight on the dead primary fail, with 1105")
                .allSatisfy(error -> assertThat(error).startsWith("1105 HY000"));
        assertThat(errors.size()).isLessThanOrEqualTo(THREADS);
        assertThat(resumedMillis).as("writes resumed through the connector").isPositive();
        DbServer newPrimary = cluster.replicas().stream()
                .filter(s -> s.hostPort().equals(master))
                .findFirst()
                .orElseThrow();
        try (Connection root = newPrimary.rootConnection();
                Statement st = root.createStatement()) {
            List<Long> stored = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT id FROM test.load")) {
                while (rs.next()) {
                    stored.add(rs.getLong(1));
                }
            }
            assertThat(stored)
                    .as("every acknowledged write is on the new primary")
                    .containsAll(acknowledged);
        }
    }
}
