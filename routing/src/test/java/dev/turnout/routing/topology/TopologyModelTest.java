package dev.turnout.routing.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TopologyModelTest {

    static final Datasource DB1 = Datasource.configured("db1", "db1.example", 3306, Role.MASTER);
    static final Datasource DB2 = Datasource.configured("db2", "db2.example", 3306, Role.SLAVE);
    static final Datasource DB3 = Datasource.configured("db3", "10.0.0.3", 13306, Role.RELAY);

    @Nested
    class Datasources {

        @Test
        void configuredMasterIsOnlineWithoutReplicationAndNoLatency() {
            assertThat(DB1)
                    .isEqualTo(new Datasource(
                            "db1",
                            "db1.example",
                            3306,
                            Role.MASTER,
                            DatasourceState.ONLINE,
                            true,
                            ReplicationState.NONE,
                            0,
                            GtidPosition.EMPTY));
        }

        @Test
        void configuredReplicaIsOnlineRunningWithUnknownLatency() {
            assertThat(DB2)
                    .isEqualTo(new Datasource(
                            "db2",
                            "db2.example",
                            3306,
                            Role.SLAVE,
                            DatasourceState.ONLINE,
                            true,
                            ReplicationState.RUNNING,
                            -1,
                            GtidPosition.EMPTY));
            assertThat(DB3.replication()).isEqualTo(ReplicationState.RUNNING);
            assertThat(DB2.isReplica()).isTrue();
            assertThat(DB3.isReplica()).isTrue();
            assertThat(DB1.isReplica()).isFalse();
        }

        @Test
        void withersChangeOnlyTheirComponents() {
            GtidPosition pos = GtidPosition.parse("0-1-5");
            Datasource d = DB2.withRole(Role.MASTER)
                    .withState(DatasourceState.SHUNNED)
                    .withHealth(false, ReplicationState.BROKEN, 250, pos);
            assertThat(d)
                    .isEqualTo(new Datasource(
                            "db2",
                            "db2.example",
                            3306,
                            Role.MASTER,
                            DatasourceState.SHUNNED,
                            false,
                            ReplicationState.BROKEN,
                            250,
                            pos));
            assertThat(DB2.role()).isEqualTo(Role.SLAVE);
        }

        @Test
        void rejectsInvalidComponentsNamingTheField() {
            GtidPosition e = GtidPosition.EMPTY;
            ReplicationState r = ReplicationState.NONE;
            DatasourceState on = DatasourceState.ONLINE;
            assertThatThrownBy(() -> new Datasource(null, "h", 1, Role.SLAVE, on, true, r, 0, e))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("name");
            assertThatThrownBy(() -> new Datasource(" ", "h", 1, Role.SLAVE, on, true, r, 0, e))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("name");
            assertThatThrownBy(() -> new Datasource("d", "", 1, Role.SLAVE, on, true, r, 0, e))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("host");
            assertThatThrownBy(() -> new Datasource("d", "h", 0, Role.SLAVE, on, true, r, 0, e))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("port");
            assertThatThrownBy(() -> new Datasource("d", "h", 65536, Role.SLAVE, on, true, r, 0, e))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("port");
            assertThatThrownBy(() -> new Datasource("d", "h", 1, null, on, true, r, 0, e))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("role");
            assertThatThrownBy(() -> new Datasource("d", "h", 1, Role.SLAVE, null, true, r, 0, e))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("state");
            assertThatThrownBy(() -> new Datasource("d", "h", 1, Role.SLAVE, on, true, null, 0, e))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("replication");
            assertThatThrownBy(() -> new Datasource("d", "h", 1, Role.SLAVE, on, true, r, -2, e))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("latencyMillis");
            assertThatThrownBy(() -> new Datasource("d", "h", 1, Role.SLAVE, on, true, r, 0, null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("position");
        }
    }

    @Nested
    class Dataservices {

        final Dataservice alpha = new Dataservice("alpha", List.of(DB1, DB2, DB3));

        @Test
        void findsMasterSlavesAndByName() {
            assertThat(alpha.master()).contains(DB1);
            assertThat(alpha.slaves()).containsExactly(DB2, DB3);
            assertThat(alpha.datasource("db3")).contains(DB3);
            assertThat(alpha.datasource("db9")).isEmpty();
            assertThat(new Dataservice("beta", List.of(DB2)).master()).isEmpty();
        }

        @Test
        void copiesTheListImmutably() {
            List<Datasource> list = new ArrayList<>(List.of(DB1, DB2));
            Dataservice d = new Dataservice("alpha", list);
            list.add(DB3);
            assertThat(d.datasources()).containsExactly(DB1, DB2);
            assertThatThrownBy(() -> d.datasources().add(DB3)).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void withReplacesByName() {
            Datasource offline = DB2.withState(DatasourceState.OFFLINE);
            assertThat(alpha.with(offline).datasources()).containsExactly(DB1, offline, DB3);
            assertThat(alpha.datasources()).containsExactly(DB1, DB2, DB3);
        }

        @Test
        void switchDemotesThenPromotes() {
            Dataservice switched = alpha.with(DB1.withRole(Role.SLAVE)).with(DB2.withRole(Role.MASTER));
            assertThat(switched.master()).contains(DB2.withRole(Role.MASTER));
            assertThatThrownBy(() -> alpha.with(DB2.withRole(Role.MASTER)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("two masters");
        }

        @Test
        void withAnUnknownNameFails() {
            assertThatThrownBy(() -> alpha.with(Datasource.configured("db9", "h", 1, Role.SLAVE)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("db9");
        }

        @Test
        void rejectsDuplicatesNullsAndBadNames() {
            assertThatThrownBy(() -> new Dataservice("alpha", List.of(DB2, DB2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'db2' twice");
            List<Datasource> withNull = new ArrayList<>();
            withNull.add(null);
            assertThatThrownBy(() -> new Dataservice("alpha", withNull))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("datasources[0]");
            assertThatThrownBy(() -> new Dataservice("alpha", null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("datasources");
            assertThatThrownBy(() -> new Dataservice("", List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("name");
        }
    }

    @Nested
    class Composites {

        @Test
        void validatesMembersAndActive() {
            CompositeDataservice c = new CompositeDataservice("global", List.of("east", "west"), "east");
            assertThat(c.active()).isEqualTo("east");
            assertThat(new CompositeDataservice("global", List.of("east"), null).active())
                    .isNull();
            assertThatThrownBy(() -> new CompositeDataservice("global", List.of(), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("members");
            assertThatThrownBy(() -> new CompositeDataservice("global", List.of("east", "east"), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("twice");
            assertThatThrownBy(() -> new CompositeDataservice("global", List.of("east"), "north"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("active 'north'");
        }
    }

    @Nested
    class Snapshots {

        final Dataservice east = new Dataservice("east", List.of(DB1, DB2));
        final Dataservice west = new Dataservice("west", List.of(DB3));

        @Test
        void looksUpDataservicesByName() {
            TopologySnapshot s = TopologySnapshot.of(3, Policy.AUTOMATIC, east, west);
            assertThat(s.dataservice("east")).isSameAs(east);
            assertThatThrownBy(() -> s.dataservice("north"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("north")
                    .hasMessageContaining("[east, west]");
        }

        @Test
        void withDataserviceIsTheNextVersion() {
            TopologySnapshot s = TopologySnapshot.of(3, Policy.AUTOMATIC, east);
            Dataservice changed = east.with(DB2.withState(DatasourceState.OFFLINE));
            TopologySnapshot next = s.withDataservice(changed).withDataservice(west);
            assertThat(next.version()).isEqualTo(5);
            assertThat(next.dataservice("east")).isEqualTo(changed);
            assertThat(next.dataservice("west")).isEqualTo(west);
            assertThat(s.dataservice("east")).isEqualTo(east);
            assertThat(s.withPolicy(Policy.MAINTENANCE)).satisfies(p -> {
                assertThat(p.version()).isEqualTo(4);
                assertThat(p.policy()).isEqualTo(Policy.MAINTENANCE);
            });
        }

        @Test
        void copiesMapsImmutablyInNameOrder() {
            Map<String, Dataservice> map = new HashMap<>(Map.of("west", west, "east", east));
            TopologySnapshot s = new TopologySnapshot(0, Policy.AUTOMATIC, map, Map.of());
            map.remove("east");
            assertThat(s.dataservices()).containsOnlyKeys("east", "west");
            assertThat(s.dataservices().keySet()).containsExactly("east", "west");
            assertThatThrownBy(() -> s.dataservices().clear()).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void acceptsCompositesOfItsDataservices() {
            CompositeDataservice global = new CompositeDataservice("global", List.of("east", "west"), "east");
            TopologySnapshot s = new TopologySnapshot(
                    1, Policy.AUTOMATIC, Map.of("east", east, "west", west), Map.of("global", global));
            assertThat(s.composites()).containsEntry("global", global);
        }

        @Test
        void rejectsInconsistentContents() {
            Map<String, Dataservice> both = Map.of("east", east, "west", west);
            assertThatThrownBy(() -> new TopologySnapshot(-1, Policy.AUTOMATIC, Map.of(), Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("version");
            assertThatThrownBy(() -> new TopologySnapshot(0, null, Map.of(), Map.of()))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("policy");
            assertThatThrownBy(() -> new TopologySnapshot(0, Policy.AUTOMATIC, null, Map.of()))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("dataservices");
            assertThatThrownBy(() -> new TopologySnapshot(0, Policy.AUTOMATIC, Map.of(), null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("composites");
            assertThatThrownBy(() -> new TopologySnapshot(0, Policy.AUTOMATIC, Map.of("north", east), Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("key 'north'");
            assertThatThrownBy(() -> new TopologySnapshot(
                            0,
                            Policy.AUTOMATIC,
                            both,
                            Map.of("global", new CompositeDataservice("global", List.of("east", "north"), null))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("member 'north'");
            assertThatThrownBy(() -> new TopologySnapshot(
                            0,
                            Policy.AUTOMATIC,
                            both,
                            Map.of("east", new CompositeDataservice("east", List.of("west"), null))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("also the name of a dataservice");
            assertThatThrownBy(() -> new TopologySnapshot(
                            0,
                            Policy.AUTOMATIC,
                            both,
                            Map.of("g", new CompositeDataservice("global", List.of("west"), null))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("key 'g'");
            assertThatThrownBy(() -> TopologySnapshot.of(0, Policy.AUTOMATIC, east, east))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("twice");
        }
    }
}
