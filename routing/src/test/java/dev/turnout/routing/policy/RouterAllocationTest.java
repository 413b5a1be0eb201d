package dev.turnout.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.GtidPosition;
import dev.turnout.routing.topology.ReplicationState;
import dev.turnout.routing.topology.Role;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The routing hot path allocates nothing once warm: measured, not assumed. */
class RouterAllocationTest {

    static final int DECISIONS = 100_000;
    /** What reading the counter itself may cost; the decisions themselves must add nothing. */
    static final long SLACK_BYTES = 256;

    /** A write no replica has applied yet. */
    static final GtidPosition FAR_AHEAD = GtidPosition.parse("0-1-500");
    /** No master, the only replica offline. */
    static final Dataservice LEADERLESS =
            new Dataservice("gamma", List.of(replica("db7", 3307, 0, "0-1-1").withState(DatasourceState.OFFLINE)));

    static final boolean[] REASONS_SEEN = new boolean[Reason.values().length];

    static Datasource replica(String name, int port, long latency, String position) {
        return new Datasource(
                name,
                "10.0.0." + port % 100,
                port,
                Role.SLAVE,
                DatasourceState.ONLINE,
                true,
                ReplicationState.RUNNING,
                latency,
                GtidPosition.parse(position));
    }

    @Test
    void readAndPrimaryAllocateNothingInTheSteadyState() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(
                threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");

        String a = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        Dataservice mariaDb = new Dataservice(
                "alpha",
                List.of(
                        Datasource.configured("db1", "10.0.0.1", 3301, Role.MASTER),
                        replica("db2", 3302, 5, "0-1-100,1-2-7"),
                        replica("db3", 3303, 50, "0-1-120,1-2-7"),
                        replica("db4", 3304, 5, "0-1-90"),
                        replica("db5", 3305, 900, "0-1-130,1-2-9"),
                        replica("db6", 3306, 5, "0-1-100").withState(DatasourceState.OFFLINE)));
        Dataservice mySql = new Dataservice(
                "beta",
                List.of(
                        Datasource.configured("db1", "10.0.0.1", 3301, Role.MASTER),
                        replica("db2", 3302, 5, a + ":1-100:105-110"),
                        replica("db3", 3303, 5, a + ":1-110"),
                        replica("db4", 3304, -1, a + ":1-50")));
        GtidPosition mariaDbWrite = GtidPosition.parse("0-1-110");
        GtidPosition mySqlWrite = GtidPosition.parse(a + ":102");
        ActiveSessions active = d -> d.port() % 3;
        RouteDecision out = new RouteDecision();
        Router[] routers = {
            new Router(new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.NONE, false, 0)),
            new Router(new ReadPolicy(500, Balancer.LEAST_ACTIVE, Affinity.parse("-db4"), true, 0)),
            new Router(new ReadPolicy(100, Balancer.LOWEST_LATENCY, Affinity.parse("db9,db3,-db2"), true, 100)),
            new Router(new ReadPolicy(-1, Balancer.MOST_ADVANCED, Affinity.NONE, true, 100)),
            new Router(new ReadPolicy(1, Balancer.ROUND_ROBIN, Affinity.NONE, true, 0)),
        };

        long checksum = decide(routers, mariaDb, mySql, mariaDbWrite, mySqlWrite, active, out, DECISIONS * 2);
        long overhead = threads.getCurrentThreadAllocatedBytes();
        overhead = threads.getCurrentThreadAllocatedBytes() - overhead;
        long before = threads.getCurrentThreadAllocatedBytes();
        checksum += decide(routers, mariaDb, mySql, mariaDbWrite, mySqlWrite, active, out, DECISIONS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before - overhead;

        assertThat(checksum).isPositive(); // the decisions happened and were not optimised away
        for (Reason r : List.of(
                Reason.WRITE,
                Reason.REPLICA_READ,
                Reason.CONSISTENT_REPLICA_READ,
                Reason.CONSISTENCY_WAIT,
                Reason.REPLICAS_NOT_CONSISTENT,
                Reason.REPLICAS_LAGGING,
                Reason.NO_PRIMARY)) {
            assertThat(REASONS_SEEN[r.ordinal()]).as("the mix covers %s", r).isTrue();
        }
        assertThat(allocated).as("bytes allocated by %d decisions", DECISIONS).isLessThanOrEqualTo(SLACK_BYTES);
    }

    /** Cycles through the rules: each balancer, consistency met, waited for, missed, lagging, a write, no primary. */
    private static long decide(
            Router[] routers,
            Dataservice mariaDb,
            Dataservice mySql,
            GtidPosition mariaDbWrite,
            GtidPosition mySqlWrite,
            ActiveSessions active,
            RouteDecision out,
            int decisions) {
        long checksum = 0;
        for (int i = 0; i < decisions; i++) {
            Router router = routers[i % routers.length];
            switch (i % 6) {
                case 0 -> router.read(mariaDb, mariaDbWrite, active, out);
                case 1 -> router.read(mySql, mySqlWrite, active, out);
                case 2 -> router.read(mariaDb, GtidPosition.EMPTY, active, out);
                case 3 -> router.primary(mySql, Reason.WRITE, out);
                case 4 -> router.read(mariaDb, FAR_AHEAD, active, out);
                default -> router.read(LEADERLESS, GtidPosition.EMPTY, active, out);
            }
            REASONS_SEEN[out.reason().ordinal()] = true;
            checksum += out.reason().ordinal()
                    + (out.target() == null ? 0 : out.target().port());
        }
        return checksum;
    }
}
