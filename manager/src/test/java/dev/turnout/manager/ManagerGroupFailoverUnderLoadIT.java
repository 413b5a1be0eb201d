package dev.turnout.manager;

import static dev.turnout.manager.GroupCluster.master;
import static dev.turnout.manager.GroupCluster.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.sandbox.DbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primary really dies under load, with a manager group: semi-synchronous replication, three
 * managers with their default detection (500 ms probes, 3 failed probes, a 2 s ZooKeeper
 * session), and a real Turnout connector following all three; 8 client threads write through the
 * connector when the primary's mariadbd is killed with SIGKILL. The coordinator fails over once
 * the majority sees the primary dead; no acknowledged write is lost (every one is on the new
 * primary), never are two servers writable, the surviving replica ends on the new primary's
 * GTIDs, and the time from the kill to the first acknowledged write on the new primary is
 * reported.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ManagerGroupFailoverUnderLoadIT {

    private static final int THREADS = 8;

    @TempDir
    Path dir;

    private GroupCluster g;

    @AfterEach
    void stop() {
        if (g != null) {
            g.close();
        }
    }

    @Test
    void killingThePrimaryUnderLoadLosesNoAcknowledgedWrite() throws Exception {
        g = GroupCluster.builder(dir).semiSync().defaultTimings().connector().start();
        DbServer old = g.cluster.primary();
        GroupCluster.execute(old, "CREATE TABLE test.group_load (id BIGINT PRIMARY KEY, thread INT, server INT)");
        g.cluster.awaitReplication(Duration.ofSeconds(10));
        try (WritableWatch watch = WritableWatch.start(g.cluster)) {
            ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
            Map<Long, Long> acknowledgedAt = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            AtomicLong killedAt = new AtomicLong();
            AtomicLong writesAfterKill = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch done = new CountDownLatch(THREADS);
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String url = g.url();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Thread worker = new Thread(
                        () -> {
                            try (Connection c = DriverManager.getConnection(
                                            url, g.cluster.appUser(), g.cluster.appPassword());
                                    PreparedStatement insert = c.prepareStatement(
                                            "INSERT INTO test.group_load VALUES (?, ?, @@server_id)")) {
                                for (long i = 0; i < 1_000_000 && !stop.get() && System.nanoTime() < limit; i++) {
                                    long id = thread * 1_000_000L + i;
                                    try {
                                        insert.setLong(1, id);
                                        insert.setInt(2, thread);
                                        insert.executeUpdate();
                                        acknowledged.add(id);
                                        acknowledgedAt.put(id, System.nanoTime());
                                        if (killedAt.get() != 0) {
                                            writesAfterKill.incrementAndGet();
                                        }
                                    } catch (SQLException e) {
                                        errors.add(e.getErrorCode() + " " + e.getSQLState() + " " + e.getMessage());
                                        if (errors.size() > 100) {
                                            return; // something else than a failover: the test fails below
                                        }
                                        Thread.sleep(10);
                                    }
                                }
                            } catch (SQLException e) {
                                errors.add("connection: " + e.getMessage());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } finally {
                                done.countDown();
                            }
                        },
                        "group-load-" + t);
                worker.setDaemon(true);
                worker.start();
            }
            g.await("writes flow through the connector", () -> acknowledged.size() >= 200);
            killedAt.set(System.nanoTime());
            old.kill();
            g.await(
                    "the threads write on the new primary",
                    Duration.ofSeconds(45),
                    () -> writesAfterKill.get() >= 200 || done.getCount() == 0);
            stop.set(true);
            assertThat(done.await(30, TimeUnit.SECONDS))
                    .as("the load threads finish")
                    .isTrue();

            String now = master(g.connectorView.current());
            DbServer promoted = g.server(now);
            Set<Long> stored = new HashSet<>();
            long firstOnNew = Long.MAX_VALUE;
            try (Connection root = promoted.rootConnection();
                    Statement st = root.createStatement();
                    ResultSet rs = st.executeQuery("SELECT id, server = @@server_id FROM test.group_load")) {
                while (rs.next()) {
                    stored.add(rs.getLong(1));
                    Long at = acknowledgedAt.get(rs.getLong(1));
                    if (rs.getBoolean(2) && at != null) {
                        firstOnNew = Math.min(firstOnNew, at); // a row the new primary wrote itself
                    }
                }
            }
            long resumedMillis =
                    firstOnNew == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(firstOnNew - killedAt.get());
            List<Long> lost =
                    acknowledged.stream().filter(id -> !stored.contains(id)).toList();
            System.out.printf(
                    "group failover under load: master now %s; %d writes acknowledged, %d lost; first acknowledged"
                            + " write on the new primary %d ms after the kill; %d statement(s) failed, the first: %s%n",
                    now, acknowledged.size(), lost.size(), resumedMillis, errors.size(), errors.peek());
            assertThat(now)
                    .as("a replica is the master")
                    .isNotEqualTo(name(old))
                    .isNotEqualTo("none");
            assertThat(resumedMillis).as("writes resumed through the connector").isPositive();
            assertThat(lost)
                    .as("acknowledged writes missing on the new primary")
                    .isEmpty();
            assertThat(errors)
                    .as("only statements in flight on the dead primary fail, with 1105")
                    .allSatisfy(error -> assertThat(error).startsWith("1105 HY000"));
            g.assertOneWritable(promoted);
            watch.assertNeverTwoWritable();
            WritableWatch.assertSameGtids(g.cluster, promoted);
        }
    }
}
