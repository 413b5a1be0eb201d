package dev.turnout.manager;

import static dev.turnout.manager.GroupCluster.master;
import static dev.turnout.manager.GroupCluster.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.manager.group.ManagerGroup;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.sandbox.DbServer;
import dev.turnout.testkit.CuttableLink;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Witnesses: two datasources with an active witness (a third manager on a host that is no
 * datasource) fail a killed primary over on the votes of the replica's manager and the witness;
 * and a passive witness that no manager reaches any more makes every manager withdraw its vote,
 * while nothing changes for the healthy primary. Never are two servers writable.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManagerWitnessPartitionIT {

    @TempDir
    Path dir;

    private GroupCluster g;

    @AfterEach
    void stop() {
        if (g != null) {
            g.close();
        }
    }

    @Test
    void twoDatasourcesAndAnActiveWitnessFailAKilledPrimaryOver() throws Exception {
        g = GroupCluster.builder(dir).datasources(2).activeWitness().start();
        try (WritableWatch watch = WritableWatch.start(g.cluster)) {
            ManagerGroup group = Objects.requireNonNull(g.coordinator().group());
            g.await("the active witness votes", () -> group.views().containsKey("witness"));
            assertThat(group.settings().members()).hasSize(3);
            DbServer old = g.cluster.primary();
            DbServer replica = g.cluster.replicas().get(0);
            GroupCluster.execute(
                    old, "CREATE TABLE test.witness_it (id INT PRIMARY KEY)", "INSERT INTO test.witness_it VALUES (1)");
            g.cluster.awaitReplication(java.time.Duration.ofSeconds(10));

            old.kill();
            g.await(
                    "the replica is the master at the connector",
                    () -> master(g.connectorView.current()).equals(name(replica)));
            g.assertOneWritable(replica);
            assertThat(GroupCluster.queryString(replica, "SELECT COUNT(*) FROM test.witness_it"))
                    .isEqualTo("1");
            assertThat(g.connectorView
                            .current()
                            .dataservice("alpha")
                            .datasource(name(old))
                            .map(Datasource::state))
                    .contains(DatasourceState.SHUNNED);
            watch.assertNeverTwoWritable();
        }
    }

    @Test
    void aPassiveWitnessNobodyReachesWithdrawsTheVotesAndChangesNothing() throws Exception {
        g = GroupCluster.builder(dir).passiveWitness().start();
        try (WritableWatch watch = WritableWatch.start(g.cluster)) {
            DbServer primary = g.cluster.primary();
            Manager coordinator = g.coordinator();
            ManagerGroup group = Objects.requireNonNull(coordinator.group());
            long epoch = group.epoch();
            g.await("every manager votes", () -> group.views().size() == 3);

            g.witnessLinks.forEach(CuttableLink::cut);
            g.await(
                    "every manager counts itself cut off and withdraws its vote",
                    () -> group.views().isEmpty());
            // The coordinator goes on probing and writing its heartbeat on the primary: 10 beats.
            Set<String> beats = new HashSet<>();
            g.await("10 heartbeats of the coordinator on the primary without votes", () -> {
                try {
                    beats.add(
                            String.valueOf(GroupCluster.queryString(primary, "SELECT MAX(ts) FROM turnout.heartbeat")));
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
                return beats.size() >= 10;
            });
            assertThat(group.views()).isEmpty();
            assertThat(coordinator.acting())
                    .as("the coordinator still coordinates")
                    .isTrue();
            assertThat(master(g.connectorView.current())).isEqualTo(name(primary));
            assertThat(g.connectorView.current().epoch())
                    .as("the same coordinator")
                    .isEqualTo(epoch);
            assertThat(g.connectorView.current().dataservice("alpha").datasources())
                    .allMatch(d -> d.reachable() && d.state() == DatasourceState.ONLINE);
            g.assertOneWritable(primary);

            g.witnessLinks.forEach(CuttableLink::heal);
            g.await("the votes are back", () -> group.views().size() == 3);
            g.assertOneWritable(primary);
            watch.assertNeverTwoWritable();
            WritableWatch.assertSameGtids(g.cluster, primary);
        }
    }
}
