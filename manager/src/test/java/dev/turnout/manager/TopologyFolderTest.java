package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.monitor.Probe;
import dev.turnout.monitor.ReplicaStatus;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.GtidPosition;
import dev.turnout.routing.topology.ReplicationState;
import dev.turnout.routing.topology.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyFolderTest {

    private static final Dataservice CONFIGURED = new Dataservice(
            "alpha",
            List.of(
                    Datasource.configured("db1", "h1", 3306, Role.MASTER),
                    Datasource.configured("db2", "h2", 3306, Role.SLAVE),
                    Datasource.configured("db3", "h3", 3306, Role.SLAVE)));

    private static Probe primary(String name, String gtid) {
        return new Probe(name, true, null, null, "11.4.5-MariaDB", 1, false, gtid, null, 0, 1, 100);
    }

    private static Probe replica(String name, String sourceHost, String gtid, long latency) {
        return new Probe(
                name,
                true,
                null,
                null,
                "11.4.5-MariaDB",
                2,
                true,
                gtid,
                new ReplicaStatus(true, true, sourceHost, 3306, 0, "", 0, ""),
                latency,
                1,
                100);
    }

    private static Probe down(String name) {
        return new Probe(name, false, "connection refused", null, "", 0, false, "", null, -1, 1, -1);
    }

    private static Role role(Dataservice d, String name) {
        return d.datasource(name).orElseThrow().role();
    }

    @Test
    void theWritableServerTheOthersReplicateFromIsTheMasterWithHealthFromTheProbes() {
        Dataservice d = TopologyFolder.fold(
                CONFIGURED,
                List.of(primary("db1", "0-1-10"), replica("db2", "h1", "0-1-9", 12), replica("db3", "h1", "0-1-10", 3)),
                Map.of());

        assertThat(d.master().orElseThrow().name()).isEqualTo("db1");
        Datasource db2 = d.datasource("db2").orElseThrow();
        assertThat(db2.role()).isEqualTo(Role.SLAVE);
        assertThat(db2.latencyMillis()).isEqualTo(12);
        assertThat(db2.position()).isEqualTo(GtidPosition.parse("0-1-9"));
        assertThat(db2.replication()).isEqualTo(ReplicationState.RUNNING);
        assertThat(d.master().orElseThrow().replication()).isEqualTo(ReplicationState.NONE);
    }

    @Test
    void rolesFollowTheServersAfterASwitchMadeOutsideTheManager() {
        Dataservice d = TopologyFolder.fold(
                CONFIGURED,
                List.of(replica("db1", "h2", "0-2-11", 0), primary("db2", "0-2-11"), replica("db3", "h2", "0-2-11", 0)),
                Map.of());

        assertThat(role(d, "db2")).isEqualTo(Role.MASTER);
        assertThat(role(d, "db1")).isEqualTo(Role.SLAVE);
    }

    @Test
    void aDeadMasterKeepsItsRoleAndIsFailedWhileNoReplicaIsWritable() {
        Dataservice d = TopologyFolder.fold(
                CONFIGURED,
                List.of(down("db1"), replica("db2", "h1", "0-1-9", 5), replica("db3", "h1", "0-1-9", 5)),
                Map.of());

        Datasource db1 = d.datasource("db1").orElseThrow();
        assertThat(db1.role()).isEqualTo(Role.MASTER);
        assertThat(db1.state()).isEqualTo(DatasourceState.FAILED);
        assertThat(db1.reachable()).isFalse();
    }

    @Test
    void withTwoWritableServersTheOneReplicasFollowWins() {
        Dataservice d = TopologyFolder.fold(
                CONFIGURED,
                List.of(primary("db1", "0-1-10"), primary("db2", "0-1-10"), replica("db3", "h2", "0-1-10", 0)),
                Map.of());

        assertThat(role(d, "db2")).isEqualTo(Role.MASTER);
        assertThat(role(d, "db1")).isEqualTo(Role.SLAVE);
    }

    @Test
    void operatorStatesStickWhateverTheProbesSayAndBrokenReplicationShows() {
        Probe broken = new Probe(
                "db3",
                true,
                null,
                null,
                "11.4.5-MariaDB",
                3,
                true,
                "0-1-8",
                new ReplicaStatus(false, true, "h1", 3306, 2003, "cannot connect", 0, ""),
                -1,
                1,
                100);

        Dataservice d = TopologyFolder.fold(
                CONFIGURED,
                List.of(primary("db1", "0-1-10"), replica("db2", "h1", "0-1-10", 0), broken),
                Map.of("db2", DatasourceState.SHUNNED));

        assertThat(d.datasource("db2").orElseThrow().state()).isEqualTo(DatasourceState.SHUNNED);
        assertThat(d.datasource("db3").orElseThrow().state()).isEqualTo(DatasourceState.ONLINE);
        assertThat(d.datasource("db3").orElseThrow().replication()).isEqualTo(ReplicationState.BROKEN);
    }

    @Test
    void anUnchangedRoundFoldsIntoAnEqualDataserviceSoNoVersionIsPublished() {
        List<Probe> round =
                List.of(primary("db1", "0-1-10"), replica("db2", "h1", "0-1-10", 1), replica("db3", "h1", "0-1-10", 1));
        Dataservice once = TopologyFolder.fold(CONFIGURED, round, Map.of());

        assertThat(TopologyFolder.fold(once, round, Map.of())).isEqualTo(once);
    }
}
