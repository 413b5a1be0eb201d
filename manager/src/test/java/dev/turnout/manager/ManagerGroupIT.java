package dev.turnout.manager;

import static dev.turnout.manager.GroupCluster.execute;
import static dev.turnout.manager.GroupCluster.master;
import static dev.turnout.manager.GroupCluster.name;
import static dev.turnout.manager.GroupCluster.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.turnout.manager.group.ManagerGroup;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.Policy;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.nio.file.Path;
import java.time.Duration;
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

    private GroupCluster g;
    private SandboxCluster cluster;
    private List<Manager> managers;
    private dev.turnout.routing.topology.TopologyHolder connectorView;

    @BeforeEach
    void start() throws Exception {
        g = new GroupCluster(dir);
        cluster = g.cluster;
        managers = g.managers;
        connectorView = g.connectorView;
    }

    @AfterEach
    void stop() {
        if (g != null) {
            g.close();
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
        assertThat(g.connectedManagers())
                .as("the connector still follows the lone manager")
                .isPositive();
    }

    private Manager coordinator() {
        return g.coordinator();
    }

    private void assertOneWritable(DbServer writable) throws java.sql.SQLException {
        g.assertOneWritable(writable);
    }

    private DbServer server(String name) {
        return g.server(name);
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        g.await(what, condition);
    }
}
