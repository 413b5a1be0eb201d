package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.config.BackendTlsSettings;
import dev.turnout.manager.group.GroupMember;
import dev.turnout.manager.group.GroupSettings;
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
import dev.turnout.testkit.CuttableLink;
import java.net.InetAddress;
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

/**
 * A sandbox cluster of three servers with three managers in this JVM, one per datasource, each
 * running its embedded ZooKeeper peer and reaching every datasource through a {@link CuttableLink}
 * of its own ({@link #link}); a push client follows all three. Closes everything.
 */
final class GroupCluster implements AutoCloseable {

    final SandboxCluster cluster;
    final List<Manager> managers = new ArrayList<>();
    /** links.get(i).get(datasource name): manager i's link to that datasource. */
    final List<Map<String, CuttableLink>> links = new ArrayList<>();

    final TopologyHolder connectorView = new TopologyHolder(TopologySnapshot.of(0, Policy.AUTOMATIC));
    private PushClient client;

    GroupCluster(Path dir) throws Exception {
        cluster = SandboxCluster.builder().replicas(2).start();
        try {
            start(dir);
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    private void start(Path dir) throws Exception {
        List<DatasourceAddress> addresses = new ArrayList<>();
        List<GroupMember> members = new ArrayList<>();
        for (DbServer s : cluster.servers()) {
            addresses.add(new DatasourceAddress(name(s), s.host(), s.port()));
            members.add(new GroupMember(name(s), "127.0.0.1", false, freePort(), freePort(), freePort()));
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<InetSocketAddress> pushPorts = new ArrayList<>();
        for (GroupMember m : members) {
            ManagerSettings settings = new ManagerSettings(
                    "alpha",
                    addresses,
                    name(cluster.primary()),
                    cluster.managerUser(),
                    cluster.managerPassword(),
                    "repl",
                    "repl",
                    BackendTlsSettings.preferred(),
                    Duration.ofMillis(200),
                    Policy.AUTOMATIC,
                    new InetSocketAddress(loopback, 0),
                    null,
                    "admin",
                    "x",
                    null,
                    Duration.ofSeconds(10),
                    3,
                    ManagedCluster.PUSH_SECRET,
                    ManagerSettings.DEFAULT_HOLD_TIMEOUT);
            GroupSettings group = new GroupSettings(
                    "alpha",
                    m.name(),
                    members,
                    List.of(),
                    GroupSettings.WitnessCheck.ECHO,
                    7,
                    null,
                    dir.resolve("zk-" + managers.size()),
                    Duration.ofMillis(1500));
            Map<String, CuttableLink> mine = new HashMap<>();
            Map<String, InetSocketAddress> routes = new HashMap<>();
            links.add(mine);
            for (DbServer s : cluster.servers()) {
                CuttableLink link = CuttableLink.to(s.host(), s.port());
                mine.put(name(s), link);
                routes.put(name(s), link.address());
            }
            Manager manager = Manager.start(settings, group, routes);
            managers.add(manager);
            pushPorts.add(new InetSocketAddress(loopback, manager.pushPort()));
        }
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
    }

    /** Manager {@code i}'s link to {@code server}. */
    CuttableLink link(Manager m, DbServer server) {
        return links.get(managers.indexOf(m)).get(name(server));
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
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
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

    static String queryString(DbServer server, String sql) throws SQLException {
        try (Connection c = server.rootConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        managers.forEach(Manager::close);
        links.forEach(m -> m.values().forEach(CuttableLink::close));
        cluster.close();
    }
}
