package dev.turnout.manager;

import static dev.turnout.manager.GroupCluster.execute;
import static dev.turnout.manager.GroupCluster.master;
import static dev.turnout.manager.GroupCluster.name;
import static dev.turnout.manager.GroupCluster.queryString;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.manager.group.Operation;
import dev.turnout.manager.group.Operation.Kind;
import dev.turnout.manager.group.Operation.Step;
import dev.turnout.manager.group.Sessions;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.sandbox.DbServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator dies in the middle of a failover or of a planned switch (a test hook stops it
 * after a recorded step): another manager, elected coordinator, finds the operation znode and
 * completes it, or undoes it when it cannot reach the candidate. Meanwhile {@code read_only} is
 * polled on every server: never do two accept writes; the writes acknowledged before are on the
 * master at the end.
 */
class CoordinatorDiesMidOperationIT {

    @TempDir
    Path dir;

    private GroupCluster g;
    private WritableWatch watch;
    /** Released when the test is done with a stopped coordinator, in case it is still waiting. */
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        g = new GroupCluster(dir);
        watch = WritableWatch.start(g.cluster);
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (watch != null) {
            watch.close();
        }
        if (g != null) {
            g.close();
        }
    }

    /** Writes 20 rows on the primary, acknowledged each; returns the primary's GTID position after them. */
    private String acknowledgedWrites() throws Exception {
        DbServer primary = g.cluster.primary();
        execute(primary, "CREATE TABLE test.ops_it (id INT PRIMARY KEY, v VARCHAR(20))");
        for (int i = 1; i <= 20; i++) {
            execute(primary, "INSERT INTO test.ops_it VALUES (" + i + ", 'before')");
        }
        return Objects.requireNonNull(queryString(primary, "SELECT @@global.gtid_binlog_pos"));
    }

    /**
     * Makes {@code m} stop after recording the step {@code stopAfter} of its next operation: it
     * waits there until the test releases it (at most 60 s), then goes on ({@code dies} false) or
     * ends the operation there as if its process had died ({@code dies} true).
     */
    private AtomicReference<Operation> stopAfter(Manager m, Step step, CountDownLatch reached, boolean dies) {
        AtomicReference<Operation> at = new AtomicReference<>();
        m.onStep(op -> {
            if (op.did(step) && at.compareAndSet(null, op)) {
                reached.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (dies) {
                    throw new IllegalStateException("the coordinator died after " + op.done());
                }
            }
        });
        return at;
    }

    private Manager nextCoordinator(Manager dead) throws InterruptedException {
        AtomicReference<Manager> next = new AtomicReference<>();
        g.await("another manager coordinates", () -> {
            for (Manager m : g.managers) {
                if (m != dead && m.acting()) {
                    next.set(m);
                    return true;
                }
            }
            return false;
        });
        return next.get();
    }

    /** Waits until the operation znode is gone and {@code next} has finished it. */
    private void awaitFinished(Manager next) throws InterruptedException {
        g.await("the new coordinator finished the operation and ended its record", () -> {
            try {
                return Objects.requireNonNull(next.group()).operations().inProgress() == null && !next.operating();
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    private void awaitEveryone(Predicate<String> masterIs, List<Manager> managers, String what)
            throws InterruptedException {
        g.await(
                what,
                () -> masterIs.test(master(g.connectorView.current()))
                        && managers.stream().allMatch(m -> masterIs.test(master(m.topology()))));
    }

    /**
     * The 20 rows are on {@code master} (a promoted replica applied their GTIDs), and a new write
     * there reaches every other running server.
     */
    private void assertWritesOn(DbServer master, String before) throws Exception {
        if (master != g.cluster.primary()) { // the first master wrote them: they are in its binlog, not its slave pos
            assertThat(queryString(master, "SELECT MASTER_GTID_WAIT('" + before + "', 30)"))
                    .as("the acknowledged writes reached %s", name(master))
                    .isEqualTo("0");
        }
        assertThat(queryString(master, "SELECT COUNT(*) FROM test.ops_it")).isEqualTo("20");
        execute(master, "INSERT INTO test.ops_it VALUES (21, 'after')");
        String after = Objects.requireNonNull(queryString(master, "SELECT @@global.gtid_binlog_pos"));
        for (DbServer s : g.cluster.servers()) {
            if (s != master && s.isRunning()) {
                assertThat(queryString(s, "SELECT MASTER_GTID_WAIT('" + after + "', 30)"))
                        .as("%s replicates from the master %s", name(s), name(master))
                        .isEqualTo("0");
            }
        }
    }

    private void assertNeverTwoWritable() {
        watch.assertNeverTwoWritable();
    }

    @Test
    void aFailoverWhoseCoordinatorLosesItsSessionAfterThePromotionIsCompletedByTheNext() throws Exception {
        String before = acknowledgedWrites();
        g.cluster.awaitReplication(java.time.Duration.ofSeconds(10));
        DbServer old = g.cluster.primary();
        Manager first = g.coordinator();
        CountDownLatch reached = new CountDownLatch(1);
        AtomicReference<Operation> at = stopAfter(first, Step.PROMOTED, reached, false);

        old.kill();
        assertThat(reached.await(60, TimeUnit.SECONDS))
                .as("the failover reached its promotion")
                .isTrue();
        Operation op = at.get();
        assertThat(op.kind()).isEqualTo(Kind.FAILOVER);
        assertThat(op.oldMaster()).isEqualTo(name(old));
        DbServer candidate = g.server(op.candidate());
        assertThat(master(g.connectorView.current()))
                .as("nothing published yet")
                .isEqualTo(name(old));

        // The coordinator is cut off for longer than its session: the others elect another.
        Sessions.expire(Objects.requireNonNull(first.group()));
        Manager next = nextCoordinator(first);
        awaitFinished(next);
        awaitEveryone(name(candidate)::equals, g.managers, "every manager and the connector follow the candidate");
        assertThat(next.dataservice().datasource(name(old)).orElseThrow().state())
                .as("the dead master is shunned")
                .isEqualTo(DatasourceState.SHUNNED);

        // The deposed coordinator wakes up: it must do nothing more.
        release.countDown();
        g.await("the deposed coordinator gave up", () -> !first.operating());
        assertThat(first.acting()).isFalse();
        g.assertOneWritable(candidate);
        assertThat(Objects.requireNonNull(next.group()).operations().inProgress())
                .isNull();
        assertWritesOn(candidate, before);
        assertNeverTwoWritable();
    }

    @Test
    void aSwitchWhoseCoordinatorDiesAfterTheCatchUpIsCompletedByTheNext() throws Exception {
        String before = acknowledgedWrites();
        DbServer old = g.cluster.primary();
        DbServer target = g.cluster.replicas().get(0);
        Manager first = g.coordinator();
        CountDownLatch reached = new CountDownLatch(1);
        AtomicReference<Operation> at = stopAfter(first, Step.CAUGHT_UP, reached, true);
        CompletableFuture<String> switching = CompletableFuture.supplyAsync(() -> {
            try {
                return first.switchOver(name(target));
            } catch (ManagerException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(reached.await(60, TimeUnit.SECONDS))
                .as("the switch caught up")
                .isTrue();
        assertThat(at.get().kind()).isEqualTo(Kind.SWITCH);
        assertThat(queryString(old, "SELECT @@global.read_only"))
                .as("the old master is read-only")
                .isEqualTo("1");
        assertThat(queryString(target, "SELECT @@global.read_only"))
                .as("the candidate is not promoted yet")
                .isEqualTo("1");

        first.close(); // the coordinator's process dies, its ZooKeeper peer with it
        release.countDown();
        assertThat(switching)
                .failsWithin(java.time.Duration.ofSeconds(30))
                .withThrowableOfType(ExecutionException.class)
                .withMessageContaining("died after");
        List<Manager> alive = g.managers.stream().filter(m -> m != first).toList();
        Manager next = nextCoordinator(first);
        awaitFinished(next);
        awaitEveryone(name(target)::equals, alive, "the connector and the managers follow the new master");

        g.assertOneWritable(target);
        assertWritesOn(target, before);
        assertNeverTwoWritable();
    }

    @Test
    void aSwitchWhoseCandidateTheNextCoordinatorCannotReachIsUndone() throws Exception {
        String before = acknowledgedWrites();
        DbServer old = g.cluster.primary();
        DbServer target = g.cluster.replicas().get(0);
        Manager first = g.coordinator();
        CountDownLatch reached = new CountDownLatch(1);
        stopAfter(first, Step.OLD_READ_ONLY, reached, true);
        CompletableFuture<String> switching = CompletableFuture.supplyAsync(() -> {
            try {
                return first.switchOver(name(target));
            } catch (ManagerException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(reached.await(60, TimeUnit.SECONDS))
                .as("the old master is read-only")
                .isTrue();

        List<Manager> alive = g.managers.stream().filter(m -> m != first).toList();
        for (Manager m : alive) {
            g.link(m, target).cut();
        }
        first.close();
        release.countDown();
        assertThat(switching).failsWithin(java.time.Duration.ofSeconds(30));
        Manager next = nextCoordinator(first);
        awaitFinished(next);

        g.await("the old master is writable again", () -> {
            try {
                return "0".equals(queryString(old, "SELECT @@global.read_only"));
            } catch (java.sql.SQLException e) {
                return false;
            }
        });
        awaitEveryone(name(old)::equals, alive, "the old master stays the master");
        g.assertOneWritable(old);
        assertThat(queryString(old, "SELECT COUNT(*) FROM test.ops_it")).isEqualTo("20");
        assertThat(before).isNotEmpty();
        for (Manager m : alive) {
            g.link(m, target).heal();
        }
        assertWritesOn(old, before);
        assertNeverTwoWritable();
    }
}
