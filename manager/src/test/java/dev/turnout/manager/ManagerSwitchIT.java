package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.manager.cli.CctrlTestAccess;
import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.push.ConnectorState;
import dev.turnout.push.PushClient;
import dev.turnout.push.PushMessage;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.Role;
import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The manager against a sandbox cluster of its own (MariaDB primary + 2 replicas, GTID), with a
 * {@link PushClient} standing in for a connector and cctrl commands run through the REST API.
 * The tests run in order: the switch changes the cluster for the ones after it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagerSwitchIT {

    /** The sandbox's replication account (MariaDbDistribution.REPLICATION_USER / _PASSWORD). */
    private static final String REPL = "repl";

    private static SandboxCluster cluster;
    private static Manager manager;
    private static PushClient client;
    private static TopologyHolder connectorView;
    private static final List<String> events = new CopyOnWriteArrayList<>();
    private static CctrlTestAccess cctrl;

    @BeforeAll
    static void start() throws Exception {
        cluster = SandboxCluster.builder().replicas(2).start();
        List<DatasourceAddress> addresses = new ArrayList<>();
        for (DbServer s : cluster.servers()) {
            addresses.add(new DatasourceAddress(name(s), s.host(), s.port()));
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        manager = Manager.start(ManagerSettingsFixture.of(cluster)
                .replication(REPL)
                .rest("s3cret")
                .build());
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
                new PushClient.Identity("connector@host1[8616]", "host1", 8616, List.of(9999)),
                connectorView,
                () -> new PushMessage.Stats(3, 1),
                new PushClient.Listener() {
                    @Override
                    public void onHold(long request, Runnable ack) {
                        events.add("hold");
                        ack.run();
                    }

                    @Override
                    public void onRelease() {
                        events.add("release");
                    }

                    @Override
                    public void onState(ConnectorState state) {
                        events.add("state " + state.label());
                    }
                });
        InetSocketAddress rest = manager.restAddress();
        cctrl = new CctrlTestAccess("http://" + rest.getHostString() + ":" + rest.getPort(), "admin", "s3cret");
    }

    @AfterAll
    static void stop() {
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

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "; topology " + manager.topology());
            }
            Thread.sleep(50);
        }
    }

    private static String master(TopologySnapshot s) {
        return s.dataservice("alpha").master().map(Datasource::name).orElse("none");
    }

    private static boolean allOnline() {
        return manager.dataservice().datasources().stream()
                .allMatch(d -> d.reachable() && d.state() == DatasourceState.ONLINE);
    }

    @Test
    @Order(1)
    void theManagerSeesThePrimaryAndReplicasAndTheConnectorReceivesItAndIsListed() throws Exception {
        await("every datasource reachable and online", ManagerSwitchIT::allOnline);
        await(
                "the connector has the manager's topology",
                () -> connectorView.current().dataservices().containsKey("alpha"));
        assertThat(master(manager.topology())).isEqualTo(name(cluster.primary()));
        assertThat(manager.dataservice().slaves())
                .extracting(Datasource::name)
                .containsExactly(
                        name(cluster.replicas().get(0)), name(cluster.replicas().get(1)));
        await(
                "the connector's stats reached the manager",
                () -> manager.routers().size() == 1 && manager.routers().get(0).created() == 3);

        String ls = cctrl.run("ls");

        assertThat(ls)
                .contains("COORDINATOR[" + manager.coordinator() + ":AUTOMATIC:ONLINE]")
                .contains("|connector@host1[8616](ONLINE, created=3, active=1)")
                .contains("|" + name(cluster.primary()) + "(master:ONLINE, latency=0.000, position=0-1-")
                .contains("|" + name(cluster.replicas().get(0)) + "(slave:ONLINE, latency=");
    }

    @Test
    @Order(2)
    void theRestApiRefusesAWrongPasswordAndNamesUnknownDatasources() throws Exception {
        InetSocketAddress rest = manager.restAddress();
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://" + rest.getHostString() + ":" + rest.getPort() + "/api/v1/status"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(new CctrlTestAccess("http://" + rest.getHostString() + ":" + rest.getPort(), "admin", "wrong")
                        .run("ls"))
                .contains("ERROR: wrong user or password");

        assertThat(cctrl.run("datasource nosuchhost shun")).contains("ERROR: no datasource 'nosuchhost'");
    }

    @Test
    @Order(3)
    void policyAndDatasourceStatesChangeThePushedTopology() throws Exception {
        String replica = name(cluster.replicas().get(1));

        assertThat(cctrl.run("set policy maintenance")).contains("policy is now MAINTENANCE");
        await("the connector sees MAINTENANCE", () -> connectorView.current().policy() == Policy.MAINTENANCE);
        cctrl.run("datasource " + replica + " shun");
        await(
                "the connector sees the replica SHUNNED",
                () -> connectorView
                                .current()
                                .dataservice("alpha")
                                .datasource(replica)
                                .orElseThrow()
                                .state()
                        == DatasourceState.SHUNNED);
        cctrl.run("datasource " + replica + " online");
        await(
                "the connector sees it ONLINE again",
                () -> connectorView
                                .current()
                                .dataservice("alpha")
                                .datasource(replica)
                                .orElseThrow()
                                .state()
                        == DatasourceState.ONLINE);
        cctrl.run("set policy automatic");
        cctrl.run("router connector@host1[8616] offline");
        await("the connector was told OFFLINE", () -> events.contains("state OFFLINE"));
        cctrl.run("router connector@host1[8616] online");
    }

    @Test
    @Order(4)
    void aPlannedSwitchPromotesTheReplicaRepointsEveryoneAndPushesTheNewMaster() throws Exception {
        DbServer oldPrimary = cluster.primary();
        DbServer newPrimary = cluster.replicas().get(0);
        DbServer other = cluster.replicas().get(1);
        execute(
                oldPrimary,
                "CREATE TABLE IF NOT EXISTS test.switch_it (id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO test.switch_it VALUES (1, 'before')");
        events.clear();

        String out = cctrl.run("switch to " + name(newPrimary));

        assertThat(out).contains("SWITCH TO '" + name(newPrimary) + "' SUCCEEDED");
        assertThat(events).containsSubsequence("hold", "release");
        assertThat(master(manager.topology())).isEqualTo(name(newPrimary));
        await(
                "the connector received the new master",
                () -> master(connectorView.current()).equals(name(newPrimary)));
        assertThat(connectorView
                        .current()
                        .dataservice("alpha")
                        .datasource(name(oldPrimary))
                        .orElseThrow()
                        .role())
                .isEqualTo(Role.SLAVE);

        assertThat(queryString(newPrimary, "SELECT @@global.read_only")).isEqualTo("0");
        assertThat(queryString(oldPrimary, "SELECT @@global.read_only")).isEqualTo("1");
        await(
                "the old primary and the other replica replicate from the new one",
                () -> replicatesFrom(oldPrimary, newPrimary) && replicatesFrom(other, newPrimary));
        assertThat(queryString(newPrimary, "SELECT v FROM test.switch_it WHERE id = 1"))
                .isEqualTo("before");

        execute(newPrimary, "INSERT INTO test.switch_it VALUES (2, 'after')");
        for (DbServer s : List.of(oldPrimary, other)) {
            await(
                    "the write on the new primary reached " + name(s),
                    () -> "after".equals(queryStringOrNull(s, "SELECT v FROM test.switch_it WHERE id = 2")));
        }
        await(
                "the manager folds the new roles from the servers and stays there",
                () -> allOnline() && master(manager.topology()).equals(name(newPrimary)));
        Thread.sleep(1000); // a few probe rounds: stale rounds must not flip the master back
        assertThat(master(manager.topology())).isEqualTo(name(newPrimary));
        assertThat(master(connectorView.current())).isEqualTo(name(newPrimary));
    }

    @Test
    @Order(5)
    void aSwitchWithoutATargetPromotesTheMostAdvancedReplicaBack() throws Exception {
        String before = master(manager.topology());

        String out = cctrl.run("switch");

        assertThat(out).contains("SUCCEEDED");
        String after = master(manager.topology());
        assertThat(after).isNotEqualTo(before);
        await("the connector follows", () -> master(connectorView.current()).equals(after));
        DbServer newPrimary = cluster.servers().stream()
                .filter(s -> name(s).equals(after))
                .findFirst()
                .orElseThrow();
        execute(newPrimary, "INSERT INTO test.switch_it VALUES (3, 'again')");
        for (DbServer s : cluster.servers()) {
            await(
                    "the write reached " + name(s),
                    () -> "again".equals(queryStringOrNull(s, "SELECT v FROM test.switch_it WHERE id = 3")));
        }
    }

    private static boolean replicatesFrom(DbServer replica, DbServer source) {
        try (Connection c = replica.rootConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next()
                    && rs.getInt("Master_Port") == source.port()
                    && "Yes".equals(rs.getString("Slave_IO_Running"))
                    && "Yes".equals(rs.getString("Slave_SQL_Running"));
        } catch (SQLException e) {
            return false;
        }
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
