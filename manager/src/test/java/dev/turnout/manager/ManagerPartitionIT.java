package dev.turnout.manager;

import static dev.turnout.manager.GroupCluster.master;
import static dev.turnout.manager.GroupCluster.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.manager.group.ManagerGroup;
import dev.turnout.manager.group.MemberView;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.sandbox.DbServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitions between managers and datasources, cut with {@link dev.turnout.testkit.CuttableLink}s:
 * what one manager alone cannot see is not failed over, and the primary stays the only writable
 * server, ONLINE at the connector.
 */
class ManagerPartitionIT {

    @TempDir
    Path dir;

    private GroupCluster g;

    @BeforeEach
    void start() throws Exception {
        g = new GroupCluster(dir);
    }

    @AfterEach
    void stop() {
        if (g != null) {
            g.close();
        }
    }

    private Manager managerOf(DbServer s) {
        return g.managers.get(g.cluster.servers().indexOf(s));
    }

    /**
     * Waits until every manager has published views of at least 5 further probe rounds after
     * {@code since}, and the round that {@code watcher} publishes shows {@code source} unreachable:
     * the votes have seen the partition for longer than the 3 failed probes a failover needs.
     */
    private void awaitRoundsAfter(long since, Manager watcher, DbServer source) throws InterruptedException {
        ManagerGroup group = Objects.requireNonNull(g.coordinator().group());
        String who = Objects.requireNonNull(watcher.group()).settings().self();
        g.await("every manager voted 5 rounds into the partition", () -> {
            Map<String, MemberView> views = group.views();
            MemberView w = views.get(who);
            return views.size() == 3
                    && views.values().stream().allMatch(v -> v.at() > since + 5 * 200)
                    && w != null
                    && w.sources().containsKey(name(source))
                    && !w.sources().get(name(source)).reachable();
        });
    }

    private void assertPrimaryStays(DbServer primary) throws Exception {
        assertThat(master(g.connectorView.current())).isEqualTo(name(primary));
        Datasource d = g.connectorView
                .current()
                .dataservice("alpha")
                .datasource(name(primary))
                .orElseThrow();
        assertThat(d.reachable())
                .as("the connector still sees the primary reachable")
                .isTrue();
        assertThat(d.state()).isEqualTo(DatasourceState.ONLINE);
        for (Manager m : g.managers) {
            assertThat(master(m.topology())).isEqualTo(name(primary));
        }
        g.assertOneWritable(primary);
    }

    @Test
    void theSeedsExampleFailsNothingOver() throws Exception {
        DbServer a = g.cluster.primary();
        DbServer b = g.cluster.replicas().get(0);
        DbServer c = g.cluster.replicas().get(1);
        long since = System.currentTimeMillis();
        // Manager A sees A and B but not C; B sees B and C but not A; C sees all.
        g.link(managerOf(a), c).cut();
        g.link(managerOf(b), a).cut();

        awaitRoundsAfter(since, managerOf(b), a);

        assertPrimaryStays(a);
    }

    @Test
    void theCoordinatorAloneCutOffFromThePrimaryFailsNothingOver() throws Exception {
        DbServer primary = g.cluster.primary();
        Manager coordinator = g.coordinator();
        long since = System.currentTimeMillis();
        g.link(coordinator, primary).cut();

        awaitRoundsAfter(since, coordinator, primary);

        assertPrimaryStays(primary);
        assertThat(coordinator.acting()).as("it still coordinates").isTrue();

        g.link(coordinator, primary).heal();
        long healed = System.currentTimeMillis();
        g.await("the coordinator reaches the primary again", () -> {
            MemberView v = Objects.requireNonNull(coordinator.group())
                    .views()
                    .get(Objects.requireNonNull(coordinator.group()).settings().self());
            return v != null
                    && v.at() > healed
                    && v.sources().get(name(primary)).reachable();
        });
        assertPrimaryStays(primary);
    }
}
