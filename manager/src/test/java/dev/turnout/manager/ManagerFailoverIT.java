package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.push.PushClient;
import dev.turnout.push.PushMessage;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Automatic failover against a sandbox cluster of its own: the primary is killed, the manager
 * promotes a replica and pushes it, the restarted old primary is fenced, and {@code recover} makes
 * it a replica again.
 */
class ManagerFailoverIT {

    private SandboxCluster cluster;
    private Manager manager;
    private PushClient client;
    private TopologyHolder connectorView;

    @BeforeEach
    void start() throws Exception {
        cluster = SandboxCluster.builder().replicas(2).start();
        List<DatasourceAddress> addresses = new ArrayList<>();
        for (DbServer s : cluster.servers()) {
            addresses.add(new DatasourceAddress(name(s), s.host(), s.port()));
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        manager = Manager.start(ManagerSettingsFixture.of(cluster).build());
        connectorView = new TopologyHolder(TopologySnapshot.of(0, Policy.AUTOMATIC));
        client = PushClient.start(
                PushClient.Settings.defaults(
                                List.of(new InetSocketAddress(loopback, manager.pushPort())),
                                ManagedCluster.PUSH_SECRET)
                        .withTimings(
                                Duration.ofMillis(100),
                                Duration.ofMillis(50),
                                Duration.ofMillis(500),
                                Duration.ofSeconds(1)),
                PushClient.Identity.ofThisProcess(List.of(9999)),
                connectorView,
                () -> new PushMessage.Stats(0, 0),
                PushClient.Listener.acknowledging());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (manager != null) {
            manager.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String name(DbServer s) {
        return s.host() + ":" + s.port();
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "; topology " + manager.topology());
            }
            Thread.sleep(20);
        }
    }

    private static String master(TopologySnapshot s) {
        return s.dataservices().containsKey("alpha")
                ? s.dataservice("alpha").master().map(Datasource::name).orElse("none")
                : "none";
    }

    @Test
    void aKilledPrimaryIsReplacedByAReplicaFencedWhenItReturnsAndRecoveredAsAReplica() throws Exception {
        DbServer old = cluster.primary();
        await(
                "all online",
                () -> manager.dataservice().datasources().stream()
                        .allMatch(d -> d.reachable() && d.state() == DatasourceState.ONLINE));
        execute(
                old,
                "CREATE TABLE test.failover_it (id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO test.failover_it VALUES (1, 'before')");
        cluster.awaitReplication(Duration.ofSeconds(10));

        long killed = System.nanoTime();
        old.kill();
        await(
                "a replica is the master at the connector",
                () -> !master(connectorView.current()).equals(name(old))
                        && !master(connectorView.current()).equals("none"));
        long detectedMillis = (System.nanoTime() - killed) / 1_000_000;
        String promoted = master(connectorView.current());
        DbServer newPrimary = server(promoted);
        DbServer other = cluster.replicas().stream()
                .filter(s -> s != newPrimary)
                .findFirst()
                .orElseThrow();
        System.out.println("failover: kill to new topology at the connector in " + detectedMillis + " ms");

        assertThat(connectorView
                        .current()
                        .dataservice("alpha")
                        .datasource(name(old))
                        .orElseThrow()
                        .state())
                .isEqualTo(DatasourceState.SHUNNED);
        assertThat(queryString(newPrimary, "SELECT @@global.read_only")).isEqualTo("0");
        assertThat(queryString(newPrimary, "SELECT v FROM test.failover_it WHERE id = 1"))
                .isEqualTo("before");
        execute(newPrimary, "INSERT INTO test.failover_it VALUES (2, 'after')");
        await(
                "the other replica follows the new primary",
                () -> "after".equals(queryStringOrNull(other, "SELECT v FROM test.failover_it WHERE id = 2")));

        old.start();
        await(
                "the returning old primary is fenced read-only",
                () -> "1".equals(queryStringOrNull(old, "SELECT @@global.read_only")));
        assertThat(master(manager.topology())).isEqualTo(promoted);
        assertThat(manager.dataservice().datasource(name(old)).orElseThrow().state())
                .isEqualTo(DatasourceState.SHUNNED);

        manager.datasource(name(old), DatasourceAction.RECOVER);

        await(
                "the recovered old primary receives the new primary's writes",
                () -> "after".equals(queryStringOrNull(old, "SELECT v FROM test.failover_it WHERE id = 2")));
        await(
                "it is ONLINE again",
                () -> manager.dataservice().datasource(name(old)).orElseThrow().state() == DatasourceState.ONLINE);
        assertThat(master(manager.topology())).isEqualTo(promoted);
    }

    private DbServer server(String name) {
        return cluster.servers().stream()
                .filter(s -> name(s).equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static void execute(DbServer server, String... sql) throws SQLException {
        try (Connection c = server.rootConnection();
                Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private static String queryString(DbServer server, String sql) throws SQLException {
        try (Connection c = server.rootConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String queryStringOrNull(DbServer server, String sql) {
        try {
            return queryString(server, sql);
        } catch (SQLException e) {
            return null;
        }
    }
}
