package dev.turnout.manager;

import static dev.turnout.manager.GroupCluster.master;
import static dev.turnout.manager.GroupCluster.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.TopologySnapshot;
import dev.turnout.sandbox.DbServer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members of the ZooKeeper ensemble down, with managers on an existing ensemble of three
 * ({@code manager-zookeeper=}) and a real connector following them: with one member of three
 * down everything goes on and a killed primary is still failed over; with two down every manager
 * has NO QUORUM, refuses changes and keeps pushing its last topology, and the connector keeps
 * routing writes on it. Never are two servers writable.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ManagerZooKeeperPartitionIT {

    @TempDir
    Path dir;

    private ZooKeeperEnsemble ensemble;
    private GroupCluster g;

    @AfterEach
    void stop() {
        if (g != null) {
            g.close();
        }
        if (ensemble != null) {
            ensemble.close();
        }
    }

    @Test
    void oneMemberDownChangesNothingAndTwoDownStopChangesButNotRouting() throws Exception {
        ensemble = ZooKeeperEnsemble.start(dir);
        g = GroupCluster.builder(dir)
                .ensemble(ensemble.connectString())
                .connector()
                .start();
        try (WritableWatch watch = WritableWatch.start(g.cluster)) {
            DbServer old = g.cluster.primary();
            assertThat(g.writeThroughConnector(1)).isEqualTo(old.serverId());

            ensemble.stop(0);
            g.await(
                    "every manager in the quorum of the two members left, one coordinator",
                    () -> g.managers.stream()
                                    .allMatch(m ->
                                            Objects.requireNonNull(m.group()).hasQuorum())
                            && g.managers.stream().filter(Manager::acting).count() == 1);
            old.kill();
            g.await(
                    "a replica is the master at the connector",
                    () -> !master(g.connectorView.current()).equals(name(old))
                            && !master(g.connectorView.current()).equals("none"));
            DbServer promoted = g.server(master(g.connectorView.current()));
            g.await(
                    "every manager follows the new master",
                    () -> g.managers.stream().allMatch(m -> master(m.topology()).equals(name(promoted))));
            g.assertOneWritable(promoted);
            assertThat(g.writeThroughConnector(2)).isEqualTo(promoted.serverId());

            TopologySnapshot last = g.connectorView.current();
            ensemble.stop(1);
            g.await(
                    "NO QUORUM at every manager",
                    () -> g.managers.stream()
                            .allMatch(m -> "NO QUORUM"
                                    .equals(RestApi.status(m)
                                            .path("coordinator")
                                            .path("state")
                                            .asText())));
            for (Manager m : g.managers) {
                assertThat(m.acting()).isFalse();
                assertThatThrownBy(() -> m.setPolicy(Policy.MAINTENANCE))
                        .isInstanceOf(ManagerException.class)
                        .hasMessageContaining("NO QUORUM");
            }
            assertThat(g.writeThroughConnector(3))
                    .as("the connector routes on the last topology")
                    .isEqualTo(promoted.serverId());
            assertThat(g.connectorView.current().version()).isEqualTo(last.version());
            assertThat(g.connectorView.current().epoch()).isEqualTo(last.epoch());
            assertThat(g.managers.stream().map(m -> master(m.topology()))).containsOnly(name(promoted));
            g.assertOneWritable(promoted);
            watch.assertNeverTwoWritable();
            WritableWatch.assertSameGtids(g.cluster, promoted);
        }
    }
}
