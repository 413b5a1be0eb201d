package dev.turnout.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.GtidPosition;
import dev.turnout.routing.topology.ReplicationState;
import dev.turnout.routing.topology.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouterTest {

    static final GtidPosition AT_100 = GtidPosition.parse("0-1-100");
    static final GtidPosition AT_90 = GtidPosition.parse("0-1-90");
    static final GtidPosition AT_110 = GtidPosition.parse("0-1-110");

    static final Datasource MASTER = Datasource.configured("db1", "10.0.0.1", 3306, Role.MASTER);

    /** A healthy replica, ONLINE, RUNNING, at the given latency and position. */
    static Datasource replica(String name, long latency, GtidPosition position) {
        return new Datasource(
                name,
                "10.0.0." + name.substring(2),
                3306,
                Role.SLAVE,
                DatasourceState.ONLINE,
                true,
                ReplicationState.RUNNING,
                latency,
                position);
    }

    static Datasource replica(String name) {
        return replica(name, 0, AT_100);
    }

    static Dataservice service(Datasource... datasources) {
        return new Dataservice("alpha", Arrays.asList(datasources));
    }

    static ReadPolicy policy(Balancer balancer) {
        return new ReadPolicy(-1, balancer, Affinity.NONE, false, 0);
    }

    final RouteDecision out = new RouteDecision();

    RouteDecision read(ReadPolicy policy, Dataservice service) {
        new Router(policy).read(service, GtidPosition.EMPTY, ActiveSessions.NONE, out);
        return out;
    }

    @Nested
    class Qualifies {

        @ParameterizedTest(name = "{0} {1} reachable={2} {3} latency={4} bound={5} affinity=\"{6}\" -> {7}")
        @CsvSource({
            "SLAVE,  ONLINE,  true,  RUNNING,         5,   -1,  '',    true",
            "RELAY,  ONLINE,  true,  RUNNING,         5,   -1,  '',    true",
            "MASTER, ONLINE,  true,  NONE,            0,   -1,  '',    false",
            "MASTER, ONLINE,  true,  RUNNING,         0,   -1,  '',    false",
            "SLAVE,  OFFLINE, true,  RUNNING,         5,   -1,  '',    false",
            "SLAVE,  SHUNNED, true,  RUNNING,         5,   -1,  '',    false",
            "SLAVE,  FAILED,  true,  RUNNING,         5,   -1,  '',    false",
            "SLAVE,  ONLINE,  false, RUNNING,         5,   -1,  '',    false",
            "SLAVE,  ONLINE,  true,  APPLIER_STOPPED, 5,   -1,  '',    true",
            "SLAVE,  ONLINE,  true,  STOPPED,         5,   -1,  '',    false",
            "SLAVE,  ONLINE,  true,  BROKEN,          5,   -1,  '',    false",
            "SLAVE,  ONLINE,  true,  NONE,            5,   -1,  '',    false",
            "SLAVE,  ONLINE,  true,  RUNNING,         -1,  -1,  '',    true",
            "SLAVE,  ONLINE,  true,  RUNNING,         -1,  100, '',    false",
            "SLAVE,  ONLINE,  true,  RUNNING,         100, 100, '',    true",
            "SLAVE,  ONLINE,  true,  RUNNING,         101, 100, '',    false",
            "SLAVE,  ONLINE,  true,  RUNNING,         0,   0,   '',    true",
            "SLAVE,  ONLINE,  true,  RUNNING,         5,   -1,  '-db2', false",
            "SLAVE,  ONLINE,  true,  RUNNING,         5,   -1,  '-10.0.0.2', false",
            "SLAVE,  ONLINE,  true,  RUNNING,         5,   -1,  '-db3', true",
            "SLAVE,  ONLINE,  true,  RUNNING,         5,   -1,  'db3', true",
        })
        void perReplicaRule(
                Role role,
                DatasourceState state,
                boolean reachable,
                ReplicationState replication,
                long latency,
                long bound,
                String affinity,
                boolean expected) {
            Datasource d =
                    new Datasource("db2", "10.0.0.2", 3306, role, state, reachable, replication, latency, AT_100);
            ReadPolicy policy = new ReadPolicy(bound, Balancer.ROUND_ROBIN, Affinity.parse(affinity), false, 0);
            assertThat(Router.qualifies(d, policy)).isEqualTo(expected);
            // read agrees with qualifies: a replica read on it, or the primary.
            Datasource master = role == Role.MASTER ? d : MASTER;
            read(policy, role == Role.MASTER ? service(d) : service(MASTER, d));
            assertThat(out.target()).isEqualTo(expected ? d : master);
            assertThat(out.reason() == Reason.REPLICA_READ).isEqualTo(expected);
        }
    }

    @Nested
    class Primary {

        @Test
        void targetsTheOnlineMasterWithTheGivenReason() {
            Router router = new Router(ReadPolicy.DEFAULT);
            router.primary(service(replica("db2"), MASTER), Reason.WRITE, out);
            assertThat(out.target()).isEqualTo(MASTER);
            assertThat(out.reason()).isEqualTo(Reason.WRITE);
            assertThat(out.waitForPosition()).isFalse();
            router.primary(service(MASTER), Reason.LOCKING_READ, out);
            assertThat(out.reason()).isEqualTo(Reason.LOCKING_READ);
        }

        @ParameterizedTest
        @CsvSource({"OFFLINE, true", "SHUNNED, true", "FAILED, true", "ONLINE, false"})
        void noPrimaryWhenTheMasterIsNotOnlineAndReachable(DatasourceState state, boolean reachable) {
            Datasource master =
                    MASTER.withState(state).withHealth(reachable, ReplicationState.NONE, 0, GtidPosition.EMPTY);
            new Router(ReadPolicy.DEFAULT).primary(service(master, replica("db2")), Reason.WRITE, out);
            assertThat(out.target()).isNull();
            assertThat(out.reason()).isEqualTo(Reason.NO_PRIMARY);
        }

        @Test
        void noPrimaryWithoutAMaster() {
            new Router(ReadPolicy.DEFAULT).primary(service(replica("db2")), Reason.TRANSACTION, out);
            assertThat(out.target()).isNull();
            assertThat(out.reason()).isEqualTo(Reason.NO_PRIMARY);
        }

        @Test
        void stayKeepsTheCurrentBackend() {
            Datasource db2 = replica("db2");
            new Router(ReadPolicy.DEFAULT).stay(db2, Reason.SESSION_PINNED, out);
            assertThat(out.target()).isEqualTo(db2);
            assertThat(out.reason()).isEqualTo(Reason.SESSION_PINNED);
        }

        @Test
        void aFreshDecisionHasNoTarget() {
            RouteDecision fresh = new RouteDecision();
            assertThat(fresh.target()).isNull();
            assertThat(fresh.reason()).isEqualTo(Reason.NO_PRIMARY);
            assertThat(fresh.waitForPosition()).isFalse();
        }
    }

    @Nested
    class Fallback {

        @Test
        void readsGoToAHealthyReplica() {
            Datasource db2 = replica("db2");
            read(ReadPolicy.DEFAULT, service(MASTER, db2));
            assertThat(out.target()).isEqualTo(db2);
            assertThat(out.reason()).isEqualTo(Reason.REPLICA_READ);
            assertThat(out.waitForPosition()).isFalse();
            assertThat(out).hasToString("db2 REPLICA_READ: " + Reason.REPLICA_READ.description());
        }

        @Test
        void noHealthyReplicaMeansThePrimaryWithNoReplicaOnline() {
            Dataservice s = service(
                    MASTER,
                    replica("db2").withState(DatasourceState.OFFLINE),
                    replica("db3").withState(DatasourceState.SHUNNED),
                    replica("db4").withState(DatasourceState.FAILED),
                    replica("db5").withHealth(false, ReplicationState.RUNNING, 0, AT_100),
                    replica("db6").withHealth(true, ReplicationState.STOPPED, 0, AT_100),
                    replica("db7").withHealth(true, ReplicationState.BROKEN, 0, AT_100),
                    replica("db8").withHealth(true, ReplicationState.NONE, 0, AT_100));
            read(new ReadPolicy(1000, Balancer.ROUND_ROBIN, Affinity.NONE, false, 0), s);
            assertThat(out.target()).isEqualTo(MASTER);
            assertThat(out.reason()).isEqualTo(Reason.NO_REPLICA_ONLINE);
        }

        @Test
        void noReplicaAtAllMeansNoReplicaOnline() {
            read(ReadPolicy.DEFAULT, service(MASTER));
            assertThat(out.target()).isEqualTo(MASTER);
            assertThat(out.reason()).isEqualTo(Reason.NO_REPLICA_ONLINE);
        }

        @Test
        void allReplicasExcludedMeansNoReplicaOnline() {
            read(
                    new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.parse("-db2,-db3"), false, 0),
                    service(MASTER, replica("db2"), replica("db3")));
            assertThat(out.target()).isEqualTo(MASTER);
            assertThat(out.reason()).isEqualTo(Reason.NO_REPLICA_ONLINE);
        }

        @Test
        void healthyReplicasBeyondTheBoundMeanReplicasLagging() {
            Dataservice s = service(
                    MASTER,
                    replica("db2", 501, AT_100),
                    replica("db3", -1, AT_100),
                    replica("db4").withState(DatasourceState.OFFLINE));
            read(new ReadPolicy(500, Balancer.ROUND_ROBIN, Affinity.NONE, false, 0), s);
            assertThat(out.target()).isEqualTo(MASTER);
            assertThat(out.reason()).isEqualTo(Reason.REPLICAS_LAGGING);
        }

        @Test
        void theBoundSkipsOnlyTheLaggingReplica() {
            Datasource fresh = replica("db3", 20, AT_100);
            Router router = new Router(new ReadPolicy(500, Balancer.ROUND_ROBIN, Affinity.NONE, false, 0));
            for (int i = 0; i < 4; i++) {
                router.read(
                        service(MASTER, replica("db2", 900, AT_100), fresh),
                        GtidPosition.EMPTY,
                        ActiveSessions.NONE,
                        out);
                assertThat(out.target()).isEqualTo(fresh);
            }
        }

        @Test
        void aCopyDecidesAsTheOriginalWithoutMovingItsRoundRobin() {
            Dataservice s = service(MASTER, replica("db2"), replica("db3"));
            Router router = new Router(ReadPolicy.DEFAULT);
            router.read(s, GtidPosition.EMPTY, ActiveSessions.NONE, out);
            Datasource first = out.target();
            RouteDecision copied = new RouteDecision();
            router.copy().read(s, GtidPosition.EMPTY, ActiveSessions.NONE, copied);
            router.read(s, GtidPosition.EMPTY, ActiveSessions.NONE, out);
            assertThat(copied.target()).isEqualTo(out.target()).isNotEqualTo(first);
        }

        @Test
        void noPrimaryEitherMeansNoTarget() {
            read(ReadPolicy.DEFAULT, service(replica("db2").withState(DatasourceState.OFFLINE)));
            assertThat(out.target()).isNull();
            assertThat(out.reason()).isEqualTo(Reason.NO_PRIMARY);
            assertThat(out).hasToString("- NO_PRIMARY: " + Reason.NO_PRIMARY.description());
            read(ReadPolicy.DEFAULT, service(MASTER.withState(DatasourceState.FAILED)));
            assertThat(out.target()).isNull();
            assertThat(out.reason()).isEqualTo(Reason.NO_PRIMARY);
        }

        @Test
        void relaysAndStoppedAppliersGetReads() {
            Datasource relay = replica("db2").withRole(Role.RELAY);
            read(ReadPolicy.DEFAULT, service(MASTER, relay));
            assertThat(out.target()).isEqualTo(relay);
            Datasource stale = replica("db3").withHealth(true, ReplicationState.APPLIER_STOPPED, 0, AT_90);
            read(ReadPolicy.DEFAULT, service(MASTER, stale));
            assertThat(out.target()).isEqualTo(stale);
        }
    }

    @Nested
    class SessionConsistency {

        final Datasource behind = replica("db2", 0, AT_90);
        final Datasource caughtUp = replica("db3", 0, AT_110);
        final Datasource alsoBehind = replica("db4", 0, AT_90);

        RouteDecision consistentRead(Router router, GtidPosition required, Datasource... ds) {
            router.read(service(ds), required, ActiveSessions.NONE, out);
            return out;
        }

        @Test
        void onlyAReplicaThatHasAppliedTheWriteGetsTheRead() {
            Router router = new Router(new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.NONE, true, 0));
            for (int i = 0; i < 4; i++) {
                consistentRead(router, AT_100, MASTER, behind, caughtUp);
                assertThat(out.target()).isEqualTo(caughtUp);
                assertThat(out.reason()).isEqualTo(Reason.CONSISTENT_REPLICA_READ);
                assertThat(out.waitForPosition()).isFalse();
            }
        }

        @Test
        void exactlyTheRequiredPositionIsEnough() {
            Datasource at = replica("db5", 0, AT_100);
            consistentRead(
                    new Router(new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.NONE, true, 0)),
                    AT_100,
                    MASTER,
                    behind,
                    at);
            assertThat(out.target()).isEqualTo(at);
        }

        @Test
        void noneConsistentAndNoWaitMeansThePrimary() {
            consistentRead(
                    new Router(new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.NONE, true, 0)),
                    AT_100,
                    MASTER,
                    behind,
                    alsoBehind);
            assertThat(out.target()).isEqualTo(MASTER);
            assertThat(out.reason()).isEqualTo(Reason.REPLICAS_NOT_CONSISTENT);
            assertThat(out.waitForPosition()).isFalse();
        }

        @Test
        void noneConsistentWithAWaitChoosesAmongAllCandidatesAndWaits() {
            Router router = new Router(new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.NONE, true, 250));
            List<String> targets = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                consistentRead(router, AT_100, MASTER, behind, alsoBehind);
                assertThat(out.reason()).isEqualTo(Reason.CONSISTENCY_WAIT);
                assertThat(out.waitForPosition()).isTrue();
                targets.add(out.target().name());
            }
            assertThat(targets).containsExactly("db2", "db4", "db2", "db4");
            assertThat(out.toString()).contains("(wait)");
        }

        @Test
        void anEmptyRequirementIsAnOrdinaryRead() {
            consistentRead(
                    new Router(new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.NONE, true, 0)),
                    GtidPosition.EMPTY,
                    MASTER,
                    behind);
            assertThat(out.target()).isEqualTo(behind);
            assertThat(out.reason()).isEqualTo(Reason.REPLICA_READ);
        }

        @Test
        void withoutSessionConsistencyThePositionIsIgnored() {
            consistentRead(
                    new Router(new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.NONE, false, 0)),
                    AT_100,
                    MASTER,
                    behind);
            assertThat(out.target()).isEqualTo(behind);
            assertThat(out.reason()).isEqualTo(Reason.REPLICA_READ);
        }

        @Test
        void noCandidateAtAllIsNoReplicaOnlineNotInconsistency() {
            consistentRead(
                    new Router(new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.NONE, true, 250)),
                    AT_100,
                    MASTER,
                    caughtUp.withState(DatasourceState.OFFLINE));
            assertThat(out.target()).isEqualTo(MASTER);
            assertThat(out.reason()).isEqualTo(Reason.NO_REPLICA_ONLINE);
        }

        @Test
        void aPositionOfTheOtherFlavourIsNeverContained() {
            GtidPosition mySql = GtidPosition.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
            consistentRead(
                    new Router(new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.NONE, true, 0)),
                    mySql,
                    MASTER,
                    caughtUp);
            assertThat(out.reason()).isEqualTo(Reason.REPLICAS_NOT_CONSISTENT);
        }

        @Test
        void aPreferredReplicaThatIsBehindIsSkipped() {
            Router router = new Router(new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.parse("db2,db3"), true, 0));
            consistentRead(router, AT_100, MASTER, behind, caughtUp, alsoBehind);
            assertThat(out.target()).isEqualTo(caughtUp);
        }
    }

    @Nested
    class Affinities {

        final Datasource db2 = replica("db2");
        final Datasource db3 = replica("db3");
        final Datasource db4 = replica("db4");

        List<String> targets(ReadPolicy policy, Dataservice service, int decisions) {
            Router router = new Router(policy);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < decisions; i++) {
                router.read(service, GtidPosition.EMPTY, ActiveSessions.NONE, out);
                names.add(out.target().name());
            }
            return names;
        }

        static ReadPolicy affinity(String text) {
            return new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.parse(text), false, 0);
        }

        @Test
        void theFirstPreferredThatQualifiesWinsEveryTime() {
            assertThat(targets(affinity("db3,db2"), service(MASTER, db2, db3, db4), 4))
                    .containsOnly("db3");
            assertThat(targets(
                            affinity("db9,db3,db2"),
                            service(MASTER, db2, db3.withState(DatasourceState.OFFLINE), db4),
                            4))
                    .containsOnly("db2");
        }

        @Test
        void aPreferenceMatchesTheHostToo() {
            assertThat(targets(affinity("10.0.0.4"), service(MASTER, db2, db3, db4), 3))
                    .containsOnly("db4");
        }

        @Test
        void withoutAQualifyingPreferredTheBalancerChoosesAmongAll() {
            assertThat(targets(affinity("db9"), service(MASTER, db2, db3), 4))
                    .containsExactly("db2", "db3", "db2", "db3");
        }

        @Test
        void excludedReplicasNeverGetReads() {
            assertThat(targets(affinity("-db3"), service(MASTER, db2, db3, db4), 6))
                    .containsExactly("db2", "db4", "db2", "db4", "db2", "db4");
        }
    }

    @Nested
    class Balancers {

        Map<String, Integer> distribution(Router router, Dataservice service, ActiveSessions active, int n) {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i < n; i++) {
                router.read(service, GtidPosition.EMPTY, active, out);
                assertThat(out.reason()).isEqualTo(Reason.REPLICA_READ);
                counts.merge(out.target().name(), 1, Integer::sum);
            }
            return counts;
        }

        @Test
        void roundRobinAlternatesOverTwoReplicas() {
            Router router = new Router(policy(Balancer.ROUND_ROBIN));
            Dataservice s = service(MASTER, replica("db2"), replica("db3"));
            String previous = null;
            for (int i = 0; i < 100; i++) {
                router.read(s, GtidPosition.EMPTY, ActiveSessions.NONE, out);
                assertThat(out.target().name()).isNotEqualTo(previous);
                previous = out.target().name();
            }
            assertThat(distribution(router, s, ActiveSessions.NONE, 1000))
                    .containsOnly(Map.entry("db2", 500), Map.entry("db3", 500));
        }

        @Test
        void sessionsSeededDifferentlySpreadTheirFirstReads() {
            Dataservice s = service(MASTER, replica("db2"), replica("db3"));
            Map<String, Integer> firstReads = new HashMap<>();
            for (int session = 0; session < 10; session++) {
                new Router(policy(Balancer.ROUND_ROBIN), session).read(s, GtidPosition.EMPTY, ActiveSessions.NONE, out);
                firstReads.merge(out.target().name(), 1, Integer::sum);
            }
            assertThat(firstReads).containsOnly(Map.entry("db2", 5), Map.entry("db3", 5));
            assertThatThrownBy(() -> new Router(policy(Balancer.ROUND_ROBIN), -1))
                    .hasMessageContaining("start");
        }

        @Test
        void roundRobinIsEvenOverThreeReplicas() {
            Dataservice s = service(replica("db2"), MASTER, replica("db3"), replica("db4"));
            assertThat(distribution(new Router(policy(Balancer.ROUND_ROBIN)), s, ActiveSessions.NONE, 300))
                    .containsOnly(Map.entry("db2", 100), Map.entry("db3", 100), Map.entry("db4", 100));
        }

        @Test
        void eachRouterHasItsOwnCursor() {
            Dataservice s = service(MASTER, replica("db2"), replica("db3"));
            Router a = new Router(policy(Balancer.ROUND_ROBIN));
            Router b = new Router(policy(Balancer.ROUND_ROBIN));
            a.read(s, GtidPosition.EMPTY, ActiveSessions.NONE, out);
            String first = out.target().name();
            b.read(s, GtidPosition.EMPTY, ActiveSessions.NONE, out);
            assertThat(out.target().name()).isEqualTo(first);
        }

        @Test
        void leastActiveChoosesTheFewestSessions() {
            Map<String, Integer> active = Map.of("db2", 5, "db3", 1, "db4", 3);
            Dataservice s = service(MASTER, replica("db2"), replica("db3"), replica("db4"));
            assertThat(distribution(
                            new Router(policy(Balancer.LEAST_ACTIVE)), s, d -> active.getOrDefault(d.name(), 0), 10))
                    .containsOnly(Map.entry("db3", 10));
        }

        @Test
        void leastActiveTiesGoInTurn() {
            Map<String, Integer> active = Map.of("db2", 2, "db3", 7, "db4", 2);
            Dataservice s = service(MASTER, replica("db2"), replica("db3"), replica("db4"));
            assertThat(distribution(
                            new Router(policy(Balancer.LEAST_ACTIVE)), s, d -> active.getOrDefault(d.name(), 0), 10))
                    .containsOnly(Map.entry("db2", 5), Map.entry("db4", 5));
        }

        @Test
        void leastActiveFollowsChangingCounts() {
            Map<String, Integer> active = new HashMap<>(Map.of("db2", 0, "db3", 0));
            Dataservice s = service(MASTER, replica("db2"), replica("db3"));
            Router router = new Router(policy(Balancer.LEAST_ACTIVE));
            for (int i = 0; i < 10; i++) {
                router.read(s, GtidPosition.EMPTY, d -> active.get(d.name()), out);
                active.merge(out.target().name(), 1, Integer::sum); // the session stays open
            }
            assertThat(active).containsOnly(Map.entry("db2", 5), Map.entry("db3", 5));
        }

        @Test
        void lowestLatencyChoosesTheFreshestAndUnknownComesLast() {
            Dataservice s =
                    service(MASTER, replica("db2", -1, AT_100), replica("db3", 40, AT_100), replica("db4", 12, AT_100));
            assertThat(distribution(new Router(policy(Balancer.LOWEST_LATENCY)), s, ActiveSessions.NONE, 10))
                    .containsOnly(Map.entry("db4", 10));
        }

        @Test
        void lowestLatencyTiesGoInTurn() {
            Dataservice s =
                    service(MASTER, replica("db2", 7, AT_100), replica("db3", 40, AT_100), replica("db4", 7, AT_100));
            assertThat(distribution(new Router(policy(Balancer.LOWEST_LATENCY)), s, ActiveSessions.NONE, 10))
                    .containsOnly(Map.entry("db2", 5), Map.entry("db4", 5));
            Dataservice unknown = service(MASTER, replica("db2", -1, AT_100), replica("db3", -1, AT_100));
            assertThat(distribution(new Router(policy(Balancer.LOWEST_LATENCY)), unknown, ActiveSessions.NONE, 10))
                    .containsOnly(Map.entry("db2", 5), Map.entry("db3", 5));
        }

        @Test
        void mostAdvancedChoosesTheHighestPosition() {
            Dataservice s =
                    service(MASTER, replica("db2", 0, AT_90), replica("db3", 0, AT_110), replica("db4", 0, AT_100));
            assertThat(distribution(new Router(policy(Balancer.MOST_ADVANCED)), s, ActiveSessions.NONE, 10))
                    .containsOnly(Map.entry("db3", 10));
        }

        @Test
        void mostAdvancedTiesGoInTurn() {
            Dataservice s = service(
                    MASTER,
                    replica("db2", 0, AT_110),
                    replica("db3", 0, AT_90),
                    replica("db4", 0, GtidPosition.parse("0-7-110")));
            assertThat(distribution(new Router(policy(Balancer.MOST_ADVANCED)), s, ActiveSessions.NONE, 10))
                    .containsOnly(Map.entry("db2", 5), Map.entry("db4", 5));
        }

        @Test
        void mostAdvancedComparesIncomparablePositionsByTransactionCount() {
            Dataservice s = service(
                    MASTER,
                    replica("db2", 0, GtidPosition.parse("0-1-100,1-1-10")),
                    replica("db3", 0, GtidPosition.parse("0-1-105,1-1-6")));
            assertThat(distribution(new Router(policy(Balancer.MOST_ADVANCED)), s, ActiveSessions.NONE, 4))
                    .containsOnly(Map.entry("db3", 4));
        }

        @Test
        void aSingleCandidateIsChosenByEveryBalancer() {
            Datasource only = replica("db2");
            for (Balancer b : Balancer.values()) {
                read(policy(b), service(MASTER, only, replica("db3").withState(DatasourceState.OFFLINE)));
                assertThat(out.target()).as(b.name()).isEqualTo(only);
            }
        }
    }

    @Test
    void growsItsScratchSpaceForLargeDataservices() {
        List<Datasource> many = new ArrayList<>();
        many.add(MASTER);
        for (int i = 2; i < 40; i++) {
            many.add(replica("db" + i));
        }
        Router router = new Router(policy(Balancer.ROUND_ROBIN));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 38 * 2; i++) {
            router.read(new Dataservice("big", many), GtidPosition.EMPTY, ActiveSessions.NONE, out);
            counts.merge(out.target().name(), 1, Integer::sum);
        }
        assertThat(counts)
                .hasSize(38)
                .allSatisfy((name, count) -> assertThat(count).isEqualTo(2));
    }

    @Test
    void rejectsNullArguments() {
        assertThatThrownBy(() -> new Router(null)).isInstanceOf(NullPointerException.class);
        Router router = new Router(ReadPolicy.DEFAULT);
        assertThatThrownBy(() -> router.primary(service(MASTER), null, out)).isInstanceOf(NullPointerException.class);
        assertThat(router.policy()).isSameAs(ReadPolicy.DEFAULT);
    }
}
