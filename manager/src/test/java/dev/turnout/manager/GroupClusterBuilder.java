package dev.turnout.manager;

import dev.turnout.manager.group.GroupSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link GroupCluster} is made of; defaults: three datasources and their three managers,
 * no witness, asynchronous replication, 200 ms probes, a 1.5 s ZooKeeper session, embedded
 * ZooKeeper reached directly, no connector.
 */
final class GroupClusterBuilder {

    final Path dir;
    int datasources = 3;
    boolean activeWitness;
    boolean passiveWitness;
    boolean semiSync;
    Duration probeInterval = Duration.ofMillis(200);
    Duration sessionTimeout = Duration.ofMillis(1500);
    boolean zooKeeperLinks;

    @Nullable
    String ensemble;

    boolean connector;

    GroupClusterBuilder(Path dir) {
        this.dir = dir;
    }

    /** How many datasources (each with its manager): 2 or 3. */
    GroupClusterBuilder datasources(int n) {
        this.datasources = n;
        return this;
    }

    /** A manager on a host that is no datasource, with a vote ({@code enable-active-witnesses=true}). */
    GroupClusterBuilder activeWitness() {
        this.activeWitness = true;
        return this;
    }

    /** A passive witness: an echo server every manager checks through a link of its own. */
    GroupClusterBuilder passiveWitness() {
        this.passiveWitness = true;
        return this;
    }

    GroupClusterBuilder semiSync() {
        this.semiSync = true;
        return this;
    }

    /** The managers' default detection: 500 ms probes, a 2 s session. */
    GroupClusterBuilder defaultTimings() {
        this.probeInterval = ManagerSettings.DEFAULT_PROBE_INTERVAL;
        this.sessionTimeout = GroupSettings.DEFAULT_SESSION_TIMEOUT;
        return this;
    }

    /** The members' ZooKeeper traffic (client, quorum, election) through {@link ZooKeeperLinks}. */
    GroupClusterBuilder zooKeeperLinks() {
        this.zooKeeperLinks = true;
        return this;
    }

    /** An existing ensemble instead of the embedded peers. */
    GroupClusterBuilder ensemble(String connectString) {
        this.ensemble = connectString;
        return this;
    }

    /** A real Turnout connector that follows every manager. */
    GroupClusterBuilder connector() {
        this.connector = true;
        return this;
    }

    GroupCluster start() throws Exception {
        return new GroupCluster(this);
    }
}
