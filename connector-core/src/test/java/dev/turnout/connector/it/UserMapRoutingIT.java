package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The quality of service from the user map ({@code @direct}), a user's affinity with an exclusion,
 * the read-only port of a proxy-mode connector, comment hints, and {@code tungsten flush
 * privileges} re-reading the map — on a connector whose own {@code connector-qos} is RW_STRICT.
 */
@ExtendWith(SandboxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UserMapRoutingIT {

    private static SandboxCluster cluster;
    private static ConnectorServer connector;
    private static Path dir;
    private static Path userMap;

    @BeforeAll
    static void start(SandboxCluster sandbox) throws Exception {
        cluster = sandbox;
        dir = Files.createTempDirectory("turnout-usermap-");
        userMap = dir.resolve("user.map");
        DbServer excluded = cluster.replicas().get(1);
        Files.writeString(
                userMap,
                "# the application user, its reads never on the second replica\n"
                        + cluster.appUser() + " " + cluster.appPassword() + " alpha -" + excluded.hostPort() + "\n"
                        + "@direct " + cluster.appUser() + "\n");
        connector = ConnectorHarness.start(
                cluster, "connector-user-map=" + userMap + "\n", config -> config.withReadOnlyPort(0));
        cluster.awaitReplication(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() throws Exception {
        if (connector != null) {
            connector.shutdown(Duration.ofSeconds(2));
        }
        Files.deleteIfExists(userMap);
        Files.deleteIfExists(dir);
    }

    @Test
    void aDirectUserReadsFromItsAffinityReplicasOnlyAndHintsOverrideIt() throws Exception {
        long primary = cluster.primary().serverId();
        long allowed = cluster.replicas().get(0).serverId();
        try (Connection c = Driver.MARIADB.connect(connector.port(), cluster.appUser(), cluster.appPassword(), "")) {
            Map<Long, Integer> servedBy = reads(c, "SELECT @@server_id", 200);
            assertThat(servedBy).as("served by %s", servedBy).containsOnlyKeys(allowed);
            assertThat(ConnectorHarness.queryLong(c, "/* TUNGSTEN USE qos=RW_STRICT */ SELECT @@server_id"))
                    .isEqualTo(primary);
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("tungsten connection status")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("qos")).isEqualTo("RO_RELAXED");
                assertThat(rs.getString("reason")).isEqualTo("qos_rw_strict");
                assertThat(rs.getString("role")).isEqualTo("master");
            }
        }
    }

    @Test
    void theReadOnlyPortServesReadsFromReplicasAndWritesFromThePrimary() throws Exception {
        long primary = cluster.primary().serverId();
        try (Connection c =
                        Driver.MYSQL.connect(connector.readOnlyPort(), cluster.appUser(), cluster.appPassword(), "");
                Statement st = c.createStatement()) {
            assertThat(reads(c, "SELECT @@server_id", 50)).doesNotContainKey(primary);
            st.execute("CREATE TABLE IF NOT EXISTS test.ro_port (id INT PRIMARY KEY)");
            st.execute("REPLACE INTO test.ro_port VALUES (1)");
            assertThat(ConnectorHarness.queryLong(c, "SELECT @@server_id FROM test.ro_port FOR UPDATE"))
                    .isEqualTo(primary);
        }
    }

    @Test
    void flushPrivilegesRereadsTheUserMap() throws Exception {
        try (Connection c = Driver.MARIADB.connect(connector.port(), cluster.appUser(), cluster.appPassword(), "");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("tungsten flush privileges")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("user.map reloaded successfully");
        }
        try (Connection c = Driver.MARIADB.connect(connector.port(), cluster.appUser(), cluster.appPassword(), "");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("tungsten explain SELECT 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("reason")).isEqualTo("replica_read");
        }
    }

    private static Map<Long, Integer> reads(Connection c, String sql, int count) throws SQLException {
        Map<Long, Integer> servedBy = new HashMap<>();
        for (int i = 0; i < count; i++) {
            servedBy.merge(ConnectorHarness.queryLong(c, sql), 1, Integer::sum);
        }
        return servedBy;
    }
}
