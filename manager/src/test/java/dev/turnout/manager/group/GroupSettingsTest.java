package dev.turnout.manager.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.monitor.DatasourceAddress;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupSettingsTest {

    private static final List<DatasourceAddress> THREE = List.of(
            new DatasourceAddress("db1", "db1", 3306),
            new DatasourceAddress("db2", "db2", 3306),
            new DatasourceAddress("db3", "db3", 3306));

    private static final List<DatasourceAddress> TWO =
            List.of(new DatasourceAddress("db1", "db1", 3306), new DatasourceAddress("db2", "db2", 3306));

    @Test
    void threeManagersOnTheirHostsWithTheDefaultPorts() {
        GroupSettings g = GroupSettings.fromConfig("alpha", THREE, Map.of(), "db2", Set::of);

        assertThat(g.self()).isEqualTo("db2");
        assertThat(g.members())
                .containsExactly(
                        new GroupMember("db1", "db1", false, 2181, 2888, 3888),
                        new GroupMember("db2", "db2", false, 2181, 2888, 3888),
                        new GroupMember("db3", "db3", false, 2181, 2888, 3888));
        assertThat(g.connectString()).isEqualTo("db1:2181,db2:2181,db3:2181");
        assertThat(g.embedded()).isTrue();
        assertThat(g.passiveWitnesses()).isEmpty();
        assertThat(g.witnessCheck()).isEqualTo(GroupSettings.WitnessCheck.ECHO);
        assertThat(g.witnessPort()).isEqualTo(7);
        assertThat(g.dataDir()).isEqualTo(Path.of("zookeeper-alpha-db2"));
    }

    @Test
    void activeWitnessesAreVotingMembers() {
        GroupSettings g = GroupSettings.fromConfig(
                "alpha",
                TWO,
                Map.of("enable-active-witnesses", "true", "witnesses", "w1", "manager-zookeeper-client-port", "2281"),
                "w1",
                Set::of);

        assertThat(g.member()).isEqualTo(new GroupMember("w1", "w1", true, 2281, 2888, 3888));
        assertThat(g.members()).hasSize(3);
    }

    @Test
    void passiveWitnessesAreCheckedNotVoting() {
        GroupSettings g = GroupSettings.fromConfig(
                "alpha",
                THREE,
                Map.of("witnesses", "w1,w2:7007", "manager-witness-check", "connect", "manager-witness-port", "22"),
                "db1",
                Set::of);

        assertThat(g.members()).hasSize(3);
        assertThat(g.passiveWitnesses()).containsExactly("w1", "w2:7007");
        assertThat(g.witnessCheck()).isEqualTo(GroupSettings.WitnessCheck.CONNECT);
        assertThat(g.witnessPort()).isEqualTo(22);
    }

    @Test
    void twoDatasourcesWithAPassiveWitnessBreakRuleThree() {
        assertThatThrownBy(() -> GroupSettings.fromConfig("alpha", TWO, Map.of("witnesses", "w1"), "db1", Set::of))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quorum rule 3")
                .hasMessageContaining("db1, db2");
    }

    @Test
    void membersSharingAHostTakeConsecutivePorts() {
        List<DatasourceAddress> sandbox = List.of(
                new DatasourceAddress("127.0.0.1:13306", "127.0.0.1", 13306),
                new DatasourceAddress("127.0.0.1:13307", "127.0.0.1", 13307),
                new DatasourceAddress("127.0.0.1:13308", "127.0.0.1", 13308));

        GroupSettings g = GroupSettings.fromConfig("alpha", sandbox, Map.of(), "127.0.0.1:13308", Set::of);

        assertThat(g.member()).isEqualTo(new GroupMember("127.0.0.1:13308", "127.0.0.1", false, 2183, 2890, 3890));
        assertThat(g.dataDir()).isEqualTo(Path.of("zookeeper-alpha-127.0.0.1_13308"));
    }

    @Test
    void anExistingEnsemble() {
        GroupSettings g = GroupSettings.fromConfig(
                "alpha", THREE, Map.of("manager-zookeeper", "zk1:2181,zk2:2181,zk3:2181"), "db1", Set::of);

        assertThat(g.embedded()).isFalse();
        assertThat(g.connectString()).isEqualTo("zk1:2181,zk2:2181,zk3:2181");
    }

    @Test
    void findsItsOwnMemberFromTheHostsAddresses() throws Exception {
        InetAddress two = InetAddress.getByName("127.0.0.2");
        InetAddress three = InetAddress.getByName("127.0.0.3");
        List<DatasourceAddress> local = List.of(
                new DatasourceAddress("127.0.0.1", "127.0.0.1", 3306),
                new DatasourceAddress("127.0.0.2", "127.0.0.2", 3306),
                new DatasourceAddress("127.0.0.3", "127.0.0.3", 3306));

        GroupSettings g = GroupSettings.fromConfig("alpha", local, Map.of(), null, () -> Set.of(two));

        assertThat(g.self()).isEqualTo("127.0.0.2");
        assertThatThrownBy(() -> GroupSettings.fromConfig("alpha", local, Map.of(), null, Set::of))
                .hasMessageContaining("no member's host is an address of this host")
                .hasMessageContaining("--member");
        assertThatThrownBy(() -> GroupSettings.fromConfig("alpha", local, Map.of(), null, () -> Set.of(two, three)))
                .hasMessageContaining("members 127.0.0.2, 127.0.0.3 are all on this host");
    }

    @Test
    void refusesAnUnknownMemberAndBadKeys() {
        assertThatThrownBy(() -> GroupSettings.fromConfig("alpha", THREE, Map.of(), "db9", Set::of))
                .hasMessageContaining("'db9' is none of the group's members [db1, db2, db3]");
        assertThatThrownBy(() -> GroupSettings.fromConfig(
                        "alpha", THREE, Map.of("manager-witness-check", "ping"), "db1", Set::of))
                .hasMessageContaining("manager-witness-check: expected echo or connect, got 'ping'");
        assertThatThrownBy(() -> GroupSettings.fromConfig(
                        "alpha", THREE, Map.of("manager-zookeeper-peer-port", "70000"), "db1", Set::of))
                .hasMessageContaining("manager-zookeeper-peer-port: expected a port of 1-65535, got 70000");
    }
}
