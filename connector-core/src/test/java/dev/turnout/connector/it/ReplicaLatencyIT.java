package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.DbServer;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The staleness bound in milliseconds: a replica lagging beyond connector-max-slave-latency=500ms
 * gets no reads within a second of exceeding it, and gets them back once it has caught up.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplicaLatencyIT {

    @RegisterExtension
    static final ConnectorExtension turnout =
            new ConnectorExtension("connector-qos=RO_RELAXED\nconnector-max-slave-latency=500ms\n");

    @Test
    void aReplicaBeyondTheBoundGetsNoReadsUntilItCatchesUp() throws Exception {
        DbServer lagging = turnout.cluster().replicas().get(1);
        long laggingId = lagging.serverId();
        long otherId = turnout.cluster().replicas().get(0).serverId();
        try (Connection c = turnout.connect(Driver.MARIADB, "")) {
            assertThat(readsUntil(c, laggingId, 10_000))
                    .as("the replica serves reads before it lags")
                    .isTrue();
            ConnectorHarness.executeAsRoot(lagging, "STOP SLAVE SQL_THREAD");
            long stopped = System.nanoTime();
            try {
                // 500 ms to exceed the bound, then at most a second to stop sending it reads.
                sleepUntil(stopped + TimeUnit.MILLISECONDS.toNanos(1500));
                Map<Long, Integer> servedBy = reads(c, 200);
                System.out.println("with replica " + laggingId + " lagging, reads served by server_id: " + servedBy);
                assertThat(servedBy).doesNotContainKey(laggingId).containsKey(otherId);
            } finally {
                ConnectorHarness.executeAsRoot(lagging, "START SLAVE SQL_THREAD");
            }
            long restarted = System.nanoTime();
            assertThat(readsUntil(c, laggingId, 5_000))
                    .as("reads return once it caught up")
                    .isTrue();
            System.out.println("reads returned to the caught-up replica after "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted) + " ms");
        }
    }

    private static Map<Long, Integer> reads(Connection c, int count) throws Exception {
        Map<Long, Integer> servedBy = new HashMap<>();
        for (int i = 0; i < count; i++) {
            servedBy.merge(ConnectorHarness.queryLong(c, "SELECT @@server_id"), 1, Integer::sum);
        }
        return servedBy;
    }

    private static boolean readsUntil(Connection c, long serverId, long millis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            if (ConnectorHarness.queryLong(c, "SELECT @@server_id") == serverId) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
