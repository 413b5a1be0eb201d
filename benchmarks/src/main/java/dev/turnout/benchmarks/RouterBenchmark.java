package dev.turnout.benchmarks;

import dev.turnout.routing.policy.ActiveSessions;
import dev.turnout.routing.policy.Affinity;
import dev.turnout.routing.policy.Balancer;
import dev.turnout.routing.policy.ReadPolicy;
import dev.turnout.routing.policy.Reason;
import dev.turnout.routing.policy.RouteDecision;
import dev.turnout.routing.policy.Router;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.GtidPosition;
import dev.turnout.routing.topology.ReplicationState;
import dev.turnout.routing.topology.Role;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one route decision ({@link Router}) over a primary and two healthy replicas, as a
 * session makes it per statement: a read with each balancer (with a latency bound and, for
 * {@code consistent}, a GTID position the replicas must contain), and a primary decision. Run
 * with {@code -prof gc} to see that it allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterBenchmark {

    @Param({"ROUND_ROBIN", "LEAST_ACTIVE", "LOWEST_LATENCY", "MOST_ADVANCED"})
    public Balancer balancer;

    private Dataservice service;
    private Router router;
    private final RouteDecision decision = new RouteDecision();
    private GtidPosition lastWrite;
    private final ActiveSessions active = d -> d.port() & 7;

    @Setup
    public void setUp() {
        GtidPosition position = GtidPosition.parse("0-1-1000");
        service = new Dataservice(
                "alpha",
                List.of(
                        Datasource.configured("db1", "10.0.0.1", 3306, Role.MASTER)
                                .withHealth(true, ReplicationState.NONE, 0, position),
                        Datasource.configured("db2", "10.0.0.2", 3306, Role.SLAVE)
                                .withHealth(true, ReplicationState.RUNNING, 12, position),
                        Datasource.configured("db3", "10.0.0.3", 3307, Role.SLAVE)
                                .withHealth(true, ReplicationState.RUNNING, 40, GtidPosition.parse("0-1-990"))));
        router = new Router(new ReadPolicy(500, balancer, Affinity.NONE, true, 0));
        lastWrite = GtidPosition.parse("0-1-980");
    }

    @Benchmark
    public @Nullable Datasource read() {
        router.read(service, GtidPosition.EMPTY, active, decision);
        return decision.target();
    }

    @Benchmark
    public @Nullable Datasource consistentRead() {
        router.read(service, lastWrite, active, decision);
        return decision.target();
    }

    @Benchmark
    public @Nullable Datasource primary() {
        router.primary(service, Reason.WRITE, decision);
        return decision.target();
    }
}
