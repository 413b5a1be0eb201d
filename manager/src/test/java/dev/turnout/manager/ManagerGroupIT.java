package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.turnout.connector.config.BackendTlsSettings;
import dev.turnout.manager.group.GroupMember;
import dev.turnout.manager.group.GroupSettings;
import dev.turnout.manager.group.ManagerGroup;
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
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three managers of one sandbox cluster in this JVM, one per datasource, each running its embedded
 * ZooKeeper peer: one coordinator acts, the others follow; a killed primary is failed over once the
 * majority sees it dead; a new coordinator continues under the next epoch; a manager left alone
 * has NO QUORUM and changes nothing. At every step at most one server is writable.
 */
class ManagerGroupIT {

    @TempDir
    Path dir;

    private SandboxCluster cluster;
    private final List<Manager> managers = new ArrayList<>();
    private PushClient client;
    private TopologyHolder connectorView;

    @BeforeEach
    void start() throws Exception {
        cluster = SandboxCluster.builder().replicas(2).start();
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
            Manager manager = Manager.start(settings, group);
            managers.add(manager);
            pushPorts.add(new InetSocketAddress(loopback, manager.pushPort()));
        }
        connectorView = new TopologyHolder(TopologySnapshot.of(0, Policy.AUTOMATIC));
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

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        managers.forEach(Manager::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theMajorityFailsAKilledPrimaryOverAndANewCoordinatorCarriesOn() throws Exception {
        Manager coordinator = coordinator();
        Manager follower =
                managers.stream().filter(m -> m != coordinator).findFirst().orElseThrow();
        assertThatThrownBy(() -> follower.switchOver(null))
                .isInstanceOf(ManagerException.class)
                .hasMessageContaining("is not the coordinator; the coordinator is " + coordinator.coordinator());
        ObjectNode status = RestApi.status(follower);
        assertThat(status.path("coordinator").path("name").asText()).isEqualTo(coordinator.coordinator());
        assertThat(status.path("coordinator").path("state").asText()).isEqualTo("ONLINE");
        assertThat(status.path("group").path("managers")).hasSize(3);

        DbServer old = cluster.primary();
        execute(
                old,
                "CREATE TABLE test.group_it (id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO test.group_it VALUES (1, 'before')");
        cluster.awaitReplication(Duration.ofSeconds(10));
        long killed = System.nanoTime();
        old.kill();
        await(
                "a replica is the master at the connector",
                () -> !master(connectorView.current()).equals(name(old))
                        && !master(connectorView.current()).equals("none"));
        System.out.println("group failover: kill to new topology at the connector in "
                + (System.nanoTime() - killed) / 1_000_000 + " ms");
        DbServer promoted = server(master(connectorView.current()));
        assertOneWritable(promoted);
        assertThat(queryString(promoted, "SELECT v FROM test.group_it WHERE id = 1"))
                .isEqualTo("before");
        await(
                "every manager follows the new master",
                () -> managers.stream().allMatch(m -> master(m.topology()).equals(name(promoted))));

        // The coordinator goes; another is elected under the next epoch and acts.
        ManagerGroup group = Objects.requireNonNull(coordinator.group());
        long epoch = group.epoch();
        assertThat(connectorView.current().epoch())
                .as("the pushed topology carries the coordinator's epoch")
                .isEqualTo(epoch);
        coordinator.close();
        managers.remove(coordinator);
        // Its ZooKeeper peer goes too: the other two may lose their sessions' server for a moment
        // (and the coordinator its leadership) while ZooKeeper elects a leader of its own. An
        // operator's change is refused meanwhile and taken once a coordinator acts again.
        AtomicReference<Manager> taker = new AtomicReference<>();
        await("a new coordinator takes a change", () -> {
            for (Manager m : managers) {
                if (m.acting()) {
                    try {
                        m.setPolicy(Policy.MAINTENANCE);
                        taker.set(m);
                        return true;
                    } catch (ManagerException e) {
                        return false;
                    }
                }
            }
            return false;
        });
        Manager next = taker.get();
        assertThat(Objects.requireNonNull(next.group()).epoch()).isGreaterThan(epoch);
        assertThat(next.dataservice().datasource(name(old)).orElseThrow().state())
                .as("the new coordinator keeps the old primary shunned")
                .isEqualTo(DatasourceState.SHUNNED);
        await(
                "the connector follows the new coordinator",
                () -> connectorView.current().policy() == Policy.MAINTENANCE);
        assertThat(connectorView.current().epoch()).isEqualTo(next.group().epoch());
        assertOneWritable(promoted);
    }

    @Test
    void aManagerLeftAloneHasNoQuorumChangesNothingAndKeepsPushing() throws Exception {
        Manager last = managers.get(2);
        long version = connectorView.current().version();
        for (Manager m : List.copyOf(managers.subList(0, 2))) {
            m.close();
            managers.remove(m);
        }
        await(
                "NO QUORUM",
                () -> "NO QUORUM"
                        .equals(RestApi.status(last)
                                .path("coordinator")
                                .path("state")
                                .asText()));
        assertThat(last.acting()).isFalse();
        assertThatThrownBy(() -> last.setPolicy(Policy.MAINTENANCE))
                .isInstanceOf(ManagerException.class)
                .hasMessageContaining("NO QUORUM");

        DbServer primary = cluster.primary();
        primary.kill();
        await(
                "the lone manager sees the primary dead",
                () -> !last.dataservice()
                                .datasource(name(primary))
                                .map(Datasource::reachable)
                                .orElse(true)
                        || last.topology().version() >= version);
        assertThat(master(last.topology())).as("no failover without quorum").isEqualTo(name(primary));
        for (DbServer r : cluster.replicas()) {
            assertThat(queryString(r, "SELECT @@global.read_only")).isEqualTo("1");
        }
        assertThat(master(connectorView.current())).isEqualTo(name(primary));
        assertThat(client).isNotNull();
    }

    private Manager coordinator() {
        return managers.stream().filter(Manager::acting).findFirst().orElseThrow();
    }

    /** {@code writable} is the only running server with read_only off. */
    private void assertOneWritable(DbServer writable) throws SQLException {
        for (DbServer s : cluster.servers()) {
            if (s.isRunning()) {
                assertThat(queryString(s, "SELECT @@global.read_only"))
                        .as("read_only of %s", name(s))
                        .isEqualTo(s == writable ? "0" : "1");
            }
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String name(DbServer s) {
        return s.host() + ":" + s.port();
    }

    private static String master(TopologySnapshot s) {
        return s.dataservices().containsKey("alpha")
                ? s.dataservice("alpha").master().map(Datasource::name).orElse("none")
                : "none";
    }

    private DbServer server(String name) {
        return cluster.servers().stream()
                .filter(s -> name(s).equals(name))
                .findFirst()
                .orElseThrow();
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out waiting until " + what + "; connector has " + connectorView.current());
            }
            Thread.sleep(20);
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
}
