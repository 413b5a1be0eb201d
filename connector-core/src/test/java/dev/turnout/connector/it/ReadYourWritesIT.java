package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.DbServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Session consistency (connector-smartscale): a session's reads never miss its own writes, even
 * with the replicas' appliers stopped, and go back to the replicas once they have caught up.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReadYourWritesIT {

    @RegisterExtension
    static final ConnectorExtension turnout =
            new ConnectorExtension("connector-qos=RO_RELAXED\nconnector-smartscale=true\n");

    private static long primaryId;
    private static Set<Long> replicaIds;

    @BeforeAll
    static void table() throws Exception {
        primaryId = turnout.primaryServerId();
        replicaIds = ConnectorHarness.replicaIds(turnout.cluster());
        try (Connection root = turnout.cluster().primary().rootConnection();
                Statement st = root.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS test.ryw (id INT PRIMARY KEY, v INT)");
            st.execute("DELETE FROM test.ryw");
        }
        turnout.cluster().awaitReplication(Duration.ofSeconds(10));
    }

    @Test
    void aSessionReadsItsOwnWritesWithTheAppliersStoppedAndReturnsToReplicasAfterwards() throws Exception {
        Map<Long, Integer> servedBy = new HashMap<>();
        try (Connection c = turnout.connect(Driver.MARIADB, "");
                PreparedStatement insert = c.prepareStatement("INSERT INTO test.ryw VALUES (?, ?)");
                PreparedStatement read = c.prepareStatement("SELECT v, @@server_id FROM test.ryw WHERE id = ?")) {
            ConnectorHarness.awaitReadFrom(c, replicaIds);
            for (DbServer replica : turnout.cluster().replicas()) {
                ConnectorHarness.executeAsRoot(replica, "STOP SLAVE SQL_THREAD");
            }
            try {
                for (int i = 0; i < 1000; i++) {
                    insert.setInt(1, i);
                    insert.setInt(2, i * 7);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                    read.setInt(1, i);
                    try (ResultSet rs = read.executeQuery()) {
                        assertThat(rs.next()).as("row %d read back at once", i).isTrue();
                        assertThat(rs.getInt(1)).isEqualTo(i * 7);
                        servedBy.merge(rs.getLong(2), 1, Integer::sum);
                    }
                }
            } finally {
                for (DbServer replica : turnout.cluster().replicas()) {
                    ConnectorHarness.executeAsRoot(replica, "START SLAVE SQL_THREAD");
                }
            }
            System.out.println("read-your-writes with stopped appliers, reads served by server_id: " + servedBy);
            assertThat(servedBy).containsOnlyKeys(primaryId);
            turnout.cluster().awaitReplication(Duration.ofSeconds(30));
            // Caught up: the same session's reads, even of its last write, go to the replicas again.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Map<Long, Integer> after = new HashMap<>();
            while (System.nanoTime() < deadline && !after.keySet().containsAll(replicaIds)) {
                read.setInt(1, 999);
                try (ResultSet rs = read.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(999 * 7);
                    after.merge(rs.getLong(2), 1, Integer::sum);
                }
                Thread.sleep(20);
            }
            System.out.println("after the appliers restarted, reads served by server_id: " + after);
            assertThat(after.keySet()).containsAll(replicaIds);
        }
    }
}
