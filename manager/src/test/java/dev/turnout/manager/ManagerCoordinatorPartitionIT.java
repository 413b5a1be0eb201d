package dev.turnout.manager;

import static dev.turnout.manager.GroupCluster.master;
import static dev.turnout.manager.GroupCluster.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.manager.group.ManagerGroup;
import dev.turnout.routing.topology.Policy;
import dev.turnout.sandbox.DbServer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator cut off from the other managers, but not from the primary: every ZooKeeper link
 * between its member and the others (client, quorum, election) is cut with {@link ZooKeeperLinks}.
 * It stops acting before the other two elect a new coordinator (never two at once), refuses
 * changes with NO QUORUM, and what it still pushes (its last topology, of the old epoch) is
 * refused by the connector, which follows the new epoch; the primary stays the only writable
 * server throughout, and once healed the old coordinator follows the new one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManagerCoordinatorPartitionIT {

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
    @Disabled("not reliable yet: in 4 of 4 runs on 2026-12-02 ZooKeeperLinks.isolate did not cut the coordinator's"
            + " ZooKeeper peer off (it stayed coordinator for 30 s, so no new one was elected); see issue 13")
    void aCoordinatorCutOffFromTheOtherManagersStopsActingFirstAndWhatItSendsIsRefused() throws Exception {
        g = GroupCluster.builder(dir).zooKeeperLinks().start();
        try (WritableWatch watch = WritableWatch.start(g.cluster)) {
            DbServer primary = g.cluster.primary();
            Manager old = g.coordinator();
            ManagerGroup oldGroup = Objects.requireNonNull(old.group());
            long epoch = oldGroup.epoch();
            g.await(
                    "the connector has the coordinator's epoch",
                    () -> g.connectorView.current().epoch() == epoch);
            ZooKeeperLinks zk = Objects.requireNonNull(g.zooKeeper);

            long cut = System.nanoTime();
            zk.isolate(g.index(old));
            long stoppedAt = -1;
            long electedAt = -1;
            Manager next = null;
            long deadline = cut + TimeUnit.SECONDS.toNanos(30);
            while (next == null && System.nanoTime() < deadline) {
                boolean oldActs = old.acting();
                Manager other = g.managers.stream()
                        .filter(m -> m != old && m.acting())
                        .findFirst()
                        .orElse(null);
                long now = System.nanoTime();
                assertThat(oldActs && other != null)
                        .as("two managers acting at once")
                        .isFalse();
                if (!oldActs && stoppedAt < 0) {
                    stoppedAt = now;
                }
                if (other != null) {
                    electedAt = now;
                    next = other;
                }
                Thread.sleep(5);
            }
            assertThat(next).as("a new coordinator within 30 s").isNotNull();
            System.out.printf(
                    "coordinator cut off: it stopped acting %d ms after the cut, the new coordinator acted after %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(stoppedAt - cut), TimeUnit.NANOSECONDS.toMillis(electedAt - cut));
            assertThat(stoppedAt).as("the old coordinator stopped acting").isPositive();
            assertThat(stoppedAt).as("it stopped before the new one acted").isLessThan(electedAt);

            Manager elected = next;
            long newEpoch = Objects.requireNonNull(elected.group()).epoch();
            assertThat(newEpoch).isGreaterThan(epoch);
            g.await(
                    "the connector follows the new epoch",
                    () -> g.connectorView.current().epoch() == newEpoch);
            assertThatThrownBy(() -> old.setPolicy(Policy.MAINTENANCE))
                    .isInstanceOf(ManagerException.class)
                    .hasMessageContaining("NO QUORUM");
            assertThat(old.topology().epoch())
                    .as("the cut-off manager still has (and pushes) its old epoch")
                    .isLessThan(newEpoch);

            // The connector subscribes to the cut-off manager again and is sent its last topology.
            int i = g.index(old);
            g.pushLinks.get(i).cut();
            g.await("the connector lost the cut-off manager", () -> g.connectedManagers() < g.managers.size());
            long reconnects = g.subscriptions(i);
            g.pushLinks.get(i).heal();
            g.await(
                    "the connector subscribed to it again",
                    () -> g.subscriptions(i) > reconnects && g.connectedManagers() == g.managers.size());
            // The new coordinator makes a change; the connector takes it and nothing of the old epoch.
            elected.setPolicy(Policy.MAINTENANCE);
            g.await(
                    "the connector has the new coordinator's change",
                    () -> g.connectorView.current().policy() == Policy.MAINTENANCE);
            assertThat(g.connectorView.current().epoch()).isEqualTo(newEpoch);
            assertThat(g.olderEpochsApplied)
                    .as("topologies of an older epoch applied by the connector")
                    .isEmpty();
            assertThat(master(g.connectorView.current())).isEqualTo(name(primary));
            assertThat(old.topology().policy())
                    .as("the cut-off manager does not follow")
                    .isEqualTo(Policy.AUTOMATIC);
            g.assertOneWritable(primary);

            zk.heal(i);
            g.await(
                    "the old coordinator is back in the quorum and follows the new epoch",
                    java.time.Duration.ofSeconds(40),
                    () -> oldGroup.hasQuorum()
                            && old.topology().epoch() >= newEpoch
                            && old.topology().policy() == Policy.MAINTENANCE);
            assertThat(g.managers.stream().filter(Manager::acting).count()).isEqualTo(1);
            g.assertOneWritable(primary);
            watch.assertNeverTwoWritable();
            WritableWatch.assertSameGtids(g.cluster, primary);
        }
    }
}
