package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What read-your-writes costs in replica offload (issue 11, item 5; the figures are in
 * docs/routing.md): {@value #SESSIONS} sessions each run {@value #ROUNDS} rounds of one insert and
 * {@value #READS} point reads (the first of its own new row) through a connector with
 * {@code connector-qos=RO_RELAXED}, once with the default (read-your-writes), once with a wait,
 * once with {@code connector-smartscale=false}; every read reports its {@code @@server_id}, so the
 * share the replicas served is counted exactly (the probes' and heartbeats' statements do not
 * count). Run alone:
 * {@code ./mvnw -o verify -pl connector-core -am -Dit.test=ReadYourWritesCostIT -Dtest=NoSuchTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@ExtendWith(SandboxExtension.class)
class ReadYourWritesCostIT {

    private static final int SESSIONS = 8;
    private static final int ROUNDS = 100;
    private static final int READS = 9;
    private static final int PRELOADED = 1000;

    private static final AtomicInteger IDS = new AtomicInteger(PRELOADED);

    private static SandboxCluster cluster;

    @BeforeAll
    static void table(SandboxCluster sandbox) throws Exception {
        cluster = sandbox;
        ConnectorHarness.executeAsRoot(
                cluster.primary(), "CREATE TABLE IF NOT EXISTS test.ryw_cost (id INT PRIMARY KEY, v INT)");
        ConnectorHarness.executeAsRoot(cluster.primary(), "DELETE FROM test.ryw_cost");
        ConnectorHarness.executeAsRoot(
                cluster.primary(), "INSERT INTO test.ryw_cost SELECT seq, seq FROM seq_1_to_" + PRELOADED);
        cluster.awaitReplication(Duration.ofSeconds(30));
    }

    /** One configuration's outcome: reads served by replicas and by the primary, own rows missed, time. */
    record Mix(String config, long replicaReads, long primaryReads, long missed, long millis) {
        double replicaShare() {
            return replicaReads / (double) (replicaReads + primaryReads);
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %.1f %% | %d | %d |",
                    config,
                    replicaReads,
                    primaryReads,
                    100 * replicaShare(),
                    missed,
                    millis);
        }
    }

    @Test
    void readYourWritesKeepsTheSessionsRowsAndTheRelaxedSettingOffloadsMore() throws Exception {
        Mix consistent = run("default (read-your-writes)", "");
        Mix waiting = run("default, connector-smartscale-wait=100ms", "connector-smartscale-wait=100ms\n");
        Mix relaxed = run("connector-smartscale=false", "connector-smartscale=false\n");
        System.out.println("| configuration | replica reads | primary reads | replica share | own rows missed | ms |");
        System.out.println("|---|---|---|---|---|---|");
        for (Mix mix : List.of(consistent, waiting, relaxed)) {
            System.out.println(mix);
        }
        assertThat(consistent.missed()).isZero();
        assertThat(waiting.missed()).isZero();
        assertThat(relaxed.replicaShare()).isGreaterThanOrEqualTo(consistent.replicaShare());
    }

    private static Mix run(String name, String settings) throws Exception {
        long primaryId = cluster.primary().serverId();
        try (ConnectorServer connector = ConnectorHarness.start(cluster, "connector-qos=RO_RELAXED\n" + settings)) {
            ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
            try {
                long start = System.nanoTime();
                List<Future<long[]>> sessions = new ArrayList<>();
                for (int s = 0; s < SESSIONS; s++) {
                    Driver driver = s % 2 == 0 ? Driver.MARIADB : Driver.MYSQL;
                    sessions.add(pool.submit(() -> session(connector, driver, primaryId)));
                }
                long[] total = new long[3];
                for (Future<long[]> session : sessions) {
                    long[] counts = session.get(240, TimeUnit.SECONDS);
                    for (int i = 0; i < total.length; i++) {
                        total[i] += counts[i];
                    }
                }
                return new Mix(
                        name, total[0], total[1], total[2], TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    /** One session's rounds: {replica reads, primary reads, own rows missed}. */
    private static long[] session(ConnectorServer connector, Driver driver, long primaryId) throws Exception {
        long[] counts = new long[3];
        try (Connection c = driver.connect(connector.port(), cluster.appUser(), cluster.appPassword(), "");
                PreparedStatement insert = c.prepareStatement("INSERT INTO test.ryw_cost VALUES (?, ?)");
                PreparedStatement read = c.prepareStatement("SELECT v, @@server_id FROM test.ryw_cost WHERE id = ?")) {
            for (int round = 0; round < ROUNDS; round++) {
                int id = IDS.incrementAndGet();
                insert.setInt(1, id);
                insert.setInt(2, id);
                insert.executeUpdate();
                for (int r = 0; r < READS; r++) {
                    read.setInt(1, r == 0 ? id : 1 + (id * 31 + r) % PRELOADED);
                    try (ResultSet rs = read.executeQuery()) {
                        if (!rs.next()) {
                            counts[0]++; // only a replica that has not applied the row yet answers so
                            counts[2]++;
                            continue;
                        }
                        counts[rs.getLong(2) == primaryId ? 1 : 0]++;
                    }
                }
            }
        }
        return counts;
    }
}
