package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.turnout.connector.config.BackendSslMode;
import dev.turnout.connector.config.BackendTlsSettings;
import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.Policy;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.testkit.TestCertificates;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager's own paths to the database servers follow {@code connector-backend-ssl-mode}: its
 * probes and administrative SQL (a CA that did not sign the servers' certificate leaves every
 * datasource unreachable, the right one reaches them), and the replication it sets up at a switch
 * ({@code MASTER_SSL=1} with {@code required}), against servers started with a test certificate.
 */
@Timeout(240)
class ManagerBackendTlsIT {

    @TempDir
    static Path dir;

    private static TestCertificates certificates;
    private static SandboxCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(TestCertificates.available(), "openssl is not installed: cannot make the test certificates");
        certificates = TestCertificates.make(dir);
        cluster = SandboxCluster.builder()
                .replicas(1)
                .tls(certificates.certificate(), certificates.key())
                .start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Manager manager(BackendTlsSettings tls, Policy policy) throws Exception {
        List<DatasourceAddress> addresses = new ArrayList<>();
        for (DbServer s : cluster.servers()) {
            addresses.add(new DatasourceAddress(s.hostPort(), "127.0.0.1", s.port()));
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        return Manager.start(ManagerSettingsFixture.of(cluster)
                .backendTls(tls)
                .policy(policy)
                .restPassword("s3cret")
                .switchTimeout(Duration.ofSeconds(20))
                .build());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /**
     * Whether the manager finds every datasource {@code reachable}: reachable ones once probed (a
     * latency measured), unreachable ones as the probes found them (configured ones start reachable).
     */
    private static boolean all(Manager manager, boolean reachable) {
        List<Datasource> datasources = manager.dataservice().datasources();
        return datasources.size() == cluster.servers().size()
                && datasources.stream()
                        .allMatch(d -> d.reachable() == reachable && (!reachable || d.latencyMillis() >= 0));
    }

    @Test
    void probesWithACaThatDidNotSignTheServersReachNoneAndWithTheRightCaReachAll() throws Exception {
        BackendTlsSettings wrongCa =
                new BackendTlsSettings(BackendSslMode.VERIFY_CA, Optional.of(certificates.otherCa()));
        try (Manager manager = manager(wrongCa, Policy.MAINTENANCE)) {
            await("every datasource unreachable with the wrong CA", () -> all(manager, false));
        }
        BackendTlsSettings rightCa = new BackendTlsSettings(BackendSslMode.VERIFY_CA, Optional.of(certificates.ca()));
        try (Manager manager = manager(rightCa, Policy.MAINTENANCE)) {
            await("every datasource reachable with the right CA", () -> all(manager, true));
        }
    }

    @Test
    void aSwitchWithRequiredTlsRepointsTheOldPrimaryOverTls() throws Exception {
        DbServer oldPrimary = cluster.primary();
        DbServer replica = cluster.servers().get(1);
        BackendTlsSettings required = new BackendTlsSettings(BackendSslMode.REQUIRED, Optional.empty());
        try (Manager manager = manager(required, Policy.AUTOMATIC)) {
            await("every datasource reachable", () -> all(manager, true));
            manager.switchOver(replica.hostPort());
            try (Connection old = oldPrimary.rootConnection();
                    Connection fresh = replica.rootConnection()) {
                await(
                        "the old primary replicates from the new one",
                        () -> slaveStatus(old, "Slave_IO_Running").equals("Yes"));
                assertThat(slaveStatus(old, "Master_SSL_Allowed")).isEqualTo("Yes");
                assertThat(slaveStatus(old, "Master_Port")).isEqualTo(String.valueOf(replica.port()));
                try (Statement s = fresh.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS test.tls_switch (id INT PRIMARY KEY)");
                    s.execute("INSERT INTO test.tls_switch VALUES (1)");
                }
                String position = query(fresh, "SELECT @@gtid_binlog_pos");
                assertThat(query(old, "SELECT MASTER_GTID_WAIT('" + position + "', 30)"))
                        .as("the write on the new primary reaches the old one over TLS")
                        .isEqualTo("0");
                assertThat(query(old, "SELECT COUNT(*) FROM test.tls_switch")).isEqualTo("1");
            }
        }
    }

    private static String slaveStatus(Connection c, String column) {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() ? String.valueOf(rs.getString(column)) : "";
        } catch (SQLException e) {
            return "error: " + e.getMessage();
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row for %s", sql).isTrue();
            return rs.getString(1);
        }
    }
}
