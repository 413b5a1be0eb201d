package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.manager.group.GroupMember;
import dev.turnout.manager.group.GroupSettings;
import dev.turnout.push.PushClient;
import dev.turnout.push.PushMessage;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.testkit.CuttableLink;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A sandbox cluster with a manager group in this JVM ({@link GroupClusterBuilder}): by default three
 * servers and three managers, one per datasource, each running its embedded ZooKeeper peer and
 * reaching every datasource through a {@link CuttableLink} of its own ({@link #link}); a push client
 * ({@link #connectorView}) follows all managers, each through a link of its own
 * ({@link #pushLinks}). Optionally an active witness, a passive witness (an echo server each manager
 * reaches through a link of its own), the ZooKeeper traffic between members through links
 * ({@link #zooKeeper}), an existing ensemble, and a real Turnout connector ({@link #connector}).
 * Closes everything, also when it fails to start.
 */
final class GroupCluster implements AutoCloseable {

    final SandboxCluster cluster;
    /** The datasources' managers in the servers' order, then the active witness. */
    final List<Manager> managers = new ArrayList<>();
    /** links.get(i).get(datasource name): manager i's link to that datasource. */
    final List<Map<String, CuttableLink>> links = new ArrayList<>();
    /** pushLinks.get(i): the push client's link to manager i. */
    final List<CuttableLink> pushLinks = new ArrayList<>();
    /** witnessLinks.get(i): manager i's link to the passive witness; empty without one. */
    final List<CuttableLink> witnessLinks = new ArrayList<>();

    final TopologyHolder connectorView = new TopologyHolder(TopologySnapshot.of(0, Policy.AUTOMATIC));
    /** The members' ZooKeeper links; null unless asked for. */
    @Nullable
    ZooKeeperLinks zooKeeper;
    /** A Turnout connector following every manager; null unless asked for. */
    @Nullable
    ConnectorServer connector;

    /** Topologies the push client applied of an older epoch than one it had applied before. */
    final java.util.concurrent.ConcurrentLinkedQueue<String> olderEpochsApplied =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private @Nullable PushClient client;
    private @Nullable EchoServer witness;
    private final GroupClusterBuilder options;

    /** A group of the defaults: three datasources, three managers. */
    GroupCluster(Path dir) throws Exception {
        this(new GroupClusterBuilder(dir));
    }

    GroupCluster(GroupClusterBuilder options) throws Exception {
        this.options = options;
        cluster = SandboxCluster.builder()
                .replicas(options.datasources - 1)
                .semiSync(options.semiSync)
                .start();
        try {
            start();
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    static GroupClusterBuilder builder(Path dir) {
        return new GroupClusterBuilder(dir);
    }

    private void start() throws Exception {
        List<GroupMember> members = new ArrayList<>();
        for (DbServer s : cluster.servers()) {
            members.add(new GroupMember(name(s), "127.0.0.1", false, freePort(), freePort(), freePort()));
        }
        if (options.activeWitness) {
            members.add(new GroupMember("witness", "127.0.0.1", true, freePort(), freePort(), freePort()));
        }
        if (options.zooKeeperLinks) {
            zooKeeper = ZooKeeperLinks.between(members);
        }
        if (options.passiveWitness) {
            witness = EchoServer.start();
        }
        List<InetSocketAddress> pushPorts = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            List<String> passive = new ArrayList<>();
            if (witness != null) {
                CuttableLink w = CuttableLink.to(witness.address());
                witnessLinks.add(w);
                passive.add("127.0.0.1:" + w.port());
            }
            GroupSettings group = new GroupSettings(
                    "alpha",
                    members.get(i).name(),
                    zooKeeper == null ? members : zooKeeper.seenBy(i),
                    passive,
                    GroupSettings.WitnessCheck.ECHO,
                    GroupSettings.DEFAULT_WITNESS_PORT,
                    options.ensemble,
                    options.dir.resolve("zk-" + i),
                    options.sessionTimeout);
            Map<String, CuttableLink> mine = new HashMap<>();
            Map<String, InetSocketAddress> routes = new HashMap<>();
            links.add(mine);
            for (DbServer s : cluster.servers()) {
                CuttableLink link = CuttableLink.to(s.host(), s.port());
                mine.put(name(s), link);
                routes.put(name(s), link.address());
            }
            Manager manager = Manager.start(
                    ManagerSettingsFixture.of(cluster)
                            .probeInterval(options.probeInterval)
                            .build(),
                    group,
                    routes);
            managers.add(manager);
            CuttableLink push = CuttableLink.to("127.0.0.1", manager.pushPort());
            pushLinks.add(push);
            pushPorts.add(push.address());
        }
        java.util.concurrent.atomic.AtomicLong highest = new java.util.concurrent.atomic.AtomicLong(-1);
        connectorView.addListener(s -> {
            if (s.epoch() < highest.getAndAccumulate(s.epoch(), Math::max)) {
                olderEpochsApplied.add("version " + s.version() + " of epoch " + s.epoch());
            }
        });
        client = PushClient.start(
                PushClient.Settings.defaults(pushPorts, ManagedCluster.PUSH_SECRET)
                        .withTimings(
                                Duration.ofMillis(100),
                                Duration.ofMillis(50),
                                Duration.ofMillis(500),
                                Duration.ofSeconds(1)),
                PushClient.Identity.ofThisProcess(List.of(9999)),
                connectorView,
                () -> new PushMessage.Stats(0, 0),
                PushClient.Listener.acknowledging());
        await(
                "every manager in the quorum, one coordinator, and all datasources online at the connector",
                () -> managers.stream()
                                .allMatch(m -> Objects.requireNonNull(m.group()).hasQuorum())
                        && managers.stream().filter(Manager::acting).count() == 1
                        && connectorView.current().dataservices().containsKey("alpha")
                        && connectorView.current().dataservice("alpha").datasources().stream()
                                .allMatch(d -> d.reachable() && d.state() == DatasourceState.ONLINE));
        if (options.connector) {
            startConnector();
        }
    }

    private void startConnector() throws Exception {
        String ini = """
                [defaults]
                application-user=%s
                application-password=%s
                application-port=3306
                connector-listen-address=127.0.0.1
                connector-worker-threads=2
                connector-managers=%s
                manager-push-secret=%s
                [alpha]
                master=%s
                members=%s
                """.formatted(
                        cluster.appUser(),
                        cluster.appPassword(),
                        managers.stream().map(m -> "127.0.0.1:" + m.pushPort()).collect(Collectors.joining(",")),
                        ManagedCluster.PUSH_SECRET_TEXT,
                        cluster.primary().hostPort(),
                        cluster.servers().stream().map(DbServer::hostPort).collect(Collectors.joining(",")));
        ConnectorServer c = ConnectorServer.start(
                ConnectorConfig.parse(ini, "group.ini", "alpha").withApplicationPort(0));
        connector = c;
        await("the connector subscribes to every manager", () -> c.connectedManagers() == managers.size());
    }

    /** A MariaDB Connector/J URL of the connector. */
    String url() {
        return "jdbc:mariadb://127.0.0.1:" + Objects.requireNonNull(connector).port()
                + "/test?connectTimeout=5000&socketTimeout=30000";
    }

    /** How many managers the push client is subscribed to. */
    int connectedManagers() {
        return Objects.requireNonNull(client).connectedManagers();
    }

    /** How many times the push client connected to manager {@code i}. */
    long subscriptions(int i) {
        return pushLinks.get(i).connections();
    }

    /**
     * Inserts {@code id} into {@code test.group_rows} through the connector, as the application
     * user, and returns the server_id of the server that took it.
     */
    int writeThroughConnector(long id) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(url(), cluster.appUser(), cluster.appPassword());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS test.group_rows (id BIGINT PRIMARY KEY, server INT)");
            s.execute("INSERT INTO test.group_rows VALUES (" + id + ", @@server_id)");
            try (ResultSet rs = s.executeQuery("SELECT server FROM test.group_rows WHERE id = " + id)) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Manager {@code m}'s link to {@code server}. */
    CuttableLink link(Manager m, DbServer server) {
        return links.get(managers.indexOf(m)).get(name(server));
    }

    /** The member index of {@code m} (its ZooKeeper id less one). */
    int index(Manager m) {
        return managers.indexOf(m);
    }

    Manager coordinator() {
        return managers.stream().filter(Manager::acting).findFirst().orElseThrow();
    }

    /** {@code writable} is the only running server with read_only off. */
    void assertOneWritable(DbServer writable) throws SQLException {
        for (DbServer s : cluster.servers()) {
            if (s.isRunning()) {
                assertThat(queryString(s, "SELECT @@global.read_only"))
                        .as("read_only of %s", name(s))
                        .isEqualTo(s == writable ? "0" : "1");
            }
        }
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String name(DbServer s) {
        return s.host() + ":" + s.port();
    }

    static String master(TopologySnapshot s) {
        return s.dataservices().containsKey("alpha")
                ? s.dataservice("alpha").master().map(Datasource::name).orElse("none")
                : "none";
    }

    DbServer server(String name) {
        return cluster.servers().stream()
                .filter(s -> name(s).equals(name))
                .findFirst()
                .orElseThrow();
    }

    /** Waits at most 30 s for {@code condition}, polling every 20 ms. */
    void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, Duration.ofSeconds(30), condition);
    }

    /** Waits at most {@code timeout} for {@code condition}, polling every 20 ms. */
    void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out waiting until " + what + "; connector has " + connectorView.current());
            }
            Thread.sleep(20);
        }
    }

    static void execute(DbServer server, String... sql) throws SQLException {
        try (Connection c = server.rootConnection();
                Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    static @Nullable String queryString(DbServer server, String sql) throws SQLException {
        try (Connection c = server.rootConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public void close() {
        if (connector != null) {
            connector.shutdown(Duration.ofSeconds(2));
        }
        if (client != null) {
            client.close();
        }
        managers.forEach(Manager::close);
        links.forEach(m -> m.values().forEach(CuttableLink::close));
        pushLinks.forEach(CuttableLink::close);
        witnessLinks.forEach(CuttableLink::close);
        if (zooKeeper != null) {
            zooKeeper.close();
        }
        if (witness != null) {
            witness.close();
        }
        cluster.close();
    }
}
