package dev.turnout.manager;

import dev.turnout.manager.group.Operation;
import dev.turnout.manager.group.Operation.Kind;
import dev.turnout.manager.group.Operation.Step;
import dev.turnout.push.HoldResult;
import dev.turnout.push.PushServer;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.GtidPosition;
import dev.turnout.routing.topology.ReplicationState;
import dev.turnout.routing.topology.Role;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link Manager}'s planned switches and failovers step by step ({@link Promotions}),
 * recording each step in the group's {@link dev.turnout.manager.group.OperationLog} through an
 * {@link OperationRecorder} (nothing is recorded for a manager that decides alone), and offers the
 * same steps to {@link OperationResume}, which completes or undoes an operation a dead coordinator
 * left half-way.
 *
 * <p>Before each step it checks that its manager still acts, and after each one it records it
 * under the coordinator's epoch: a coordinator deposed half-way stops at once and leaves the rest
 * to its successor, which finds the record at its election.
 *
 * <p>Threading: operations are serialised on {@link #lock} (shared with the manager's other
 * operator requests); {@link #busy()} may be read from any thread.
 */
final class OperationRunner {

    private static final Logger log = LoggerFactory.getLogger(OperationRunner.class);

    final Object lock = new Object();
    private final ManagerSettings settings;
    private final Promotions promotions;
    private final Manager manager;
    private final Map<String, DatasourceState> overrides;
    private final Set<String> fenced;
    private final Supplier<PushServer> push;
    private final Duration settle;
    private volatile boolean switching;
    private volatile long foldAfterMillis;
    private final OperationRecorder recorder;

    OperationRunner(
            ManagerSettings settings,
            Promotions promotions,
            Manager manager,
            Map<String, DatasourceState> overrides,
            Set<String> fenced,
            Supplier<PushServer> push,
            Duration probeTimeout) {
        this.settings = settings;
        this.promotions = promotions;
        this.manager = manager;
        this.recorder = new OperationRecorder(manager);
        this.overrides = overrides;
        this.fenced = fenced;
        this.push = push;
        this.settle = probeTimeout.plus(settings.probeInterval());
    }

    /** Whether a switch or failover runs: probes are not folded meanwhile, nor the heartbeat written. */
    boolean busy() {
        return switching;
    }

    /** Whether a probe that began at {@code probedAtMillis} may be folded (it began after the last operation ended). */
    boolean foldable(long probedAtMillis) {
        return probedAtMillis >= foldAfterMillis;
    }

    /** Tests: {@code hook} runs after each step is recorded (it may block, or throw to end the operation there). */
    void onStep(Consumer<Operation> hook) {
        recorder.onStep(hook);
    }

    /** Marks the start of an operation: nothing is folded until it ends. Under {@link #lock}. */
    void started() {
        switching = true;
        foldAfterMillis = Long.MAX_VALUE;
    }

    /** Marks its end: rounds that began before now plus a probe may have seen what is gone. */
    void ended() {
        switching = false;
        foldAfterMillis = System.currentTimeMillis() + settle.toMillis();
    }

    /**
     * A planned switch; see {@link Manager#switchOver}.
     *
     * @return the name of the new master
     */
    String switchOver(@Nullable String target) throws ManagerException {
        synchronized (lock) {
            requireActing();
            Dataservice ds = manager.dataservice();
            Datasource old = ds.master().orElseThrow(() -> new ManagerException("no master to switch from", false));
            if (!old.reachable()) {
                throw new ManagerException(
                        "master '" + old.name() + "' is unreachable: a failover, not a switch", false);
            }
            Datasource candidate = promotions.candidate(ds, old, target);
            log.info("switch: {} -> {}", old.name(), candidate.name());
            long started = System.nanoTime();
            started();
            try {
                try {
                    HoldResult held = push.get().hold(settings.holdTimeout());
                    if (!held.complete()) {
                        log.warn("switch: going on without the ack of {}", held.unacknowledged());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ManagerException("switch interrupted while holding connectors", e);
                }
                try {
                    begin(Operation.begin(Kind.SWITCH, old.name(), candidate.name(), epoch(), self()));
                    switchSteps(old.name(), candidate.name());
                    finish(ds);
                } finally {
                    push.get().release();
                }
            } finally {
                ended();
            }
            log.info(
                    "switch: {} is the master, {} a replica ({} ms with connectors held)",
                    candidate.name(),
                    old.name(),
                    (System.nanoTime() - started) / 1_000_000);
            return candidate.name();
        }
    }

    /**
     * The steps of a switch up to the candidate's promotion. A failure before it makes the old
     * master writable again and ends the record (unless this manager was deposed meanwhile: its
     * successor decides).
     */
    void switchSteps(String old, String candidate) throws ManagerException {
        Operation op = currentOperation();
        if (!op.did(Step.OLD_READ_ONLY)) {
            guard("making '" + old + "' read-only");
            try {
                promotions.makeReadOnly(old);
            } catch (SQLException e) {
                abandon(null, "switch abandoned: cannot make '" + old + "' read-only: " + e.getMessage(), e);
            }
            try {
                record(op.withPosition(promotions.binlogPosition(old)).with(Step.OLD_READ_ONLY));
            } catch (SQLException e) {
                abandon(old, "switch abandoned: cannot read the position of '" + old + "': " + e.getMessage(), e);
            }
        }
        op = currentOperation();
        if (!op.did(Step.CAUGHT_UP)) {
            guard("waiting for '" + candidate + "' to apply " + op.position());
            try {
                if (!promotions.awaitApplied(candidate, op.position())) {
                    abandon(
                            old,
                            "switch abandoned: '" + candidate + "' did not apply " + op.position() + " within "
                                    + settings.switchTimeout().toMillis() + " ms; '" + old + "' is writable again",
                            null);
                }
            } catch (SQLException e) {
                abandon(old, "switch abandoned: '" + candidate + "' cannot apply: " + e.getMessage(), e);
            }
            record(op.with(Step.CAUGHT_UP));
        }
        promoteCandidate(old);
    }

    /**
     * Promotes the candidate of the current operation once every other reachable datasource is
     * read-only; records it.
     *
     * @param undo the old master of a switch, made writable again when the promotion fails; null
     *     after a failover (its master is dead)
     */
    void promoteCandidate(@Nullable String undo) throws ManagerException {
        Operation op = currentOperation();
        if (op.did(Step.PROMOTED)) {
            return;
        }
        guard("promoting '" + op.candidate() + "'");
        try {
            if (recorder.adopted()) {
                // Completing another's operation: whatever it did, one server only may be writable.
                promotions.fenceAllBut(manager.dataservice(), op.candidate());
            }
            promotions.promote(op.candidate());
        } catch (SQLException e) {
            abandon(
                    undo,
                    op.kind().name().toLowerCase(Locale.ROOT) + " abandoned: promoting '" + op.candidate()
                            + "' failed: " + e.getMessage()
                            + (undo == null ? "" : "; '" + undo + "' is writable again"),
                    e);
        }
        record(op.with(Step.PROMOTED));
    }

    /**
     * After the promotion: repoints the other datasources, publishes the topology with the
     * candidate as master and ends the record.
     */
    void finish(Dataservice ds) throws ManagerException {
        Operation op = currentOperation();
        boolean isSwitch = op.kind() == Kind.SWITCH;
        Datasource master = ds.datasource(op.candidate()).orElseThrow();
        if (!op.did(Step.REPOINTED)) {
            guard("repointing the replicas to '" + op.candidate() + "'");
            List<String> failed = isSwitch
                    ? promotions.repointAll(ds, master, op.oldMaster(), null)
                    : promotions.repointAll(ds, master, null, op.oldMaster());
            if (!failed.isEmpty()) {
                log.warn("{}: could not repoint {} to {}", op.kind(), failed, op.candidate());
            }
            record(op.with(Step.REPOINTED));
        }
        if (recorder.adopted()) {
            promotions.fenceAllBut(ds, op.candidate());
        }
        String old = op.oldMaster();
        String promoted = op.candidate();
        GtidPosition at = op.position().isEmpty() ? master.position() : GtidPosition.parse(op.position());
        if (!isSwitch) {
            fenced.add(old);
            overrides.put(old, DatasourceState.SHUNNED);
        }
        boolean published = manager.change(s -> {
            Dataservice cur = s.dataservice(settings.service());
            Datasource was = cur.datasource(old).orElseThrow().withRole(Role.SLAVE);
            Dataservice next = cur.with(
                    isSwitch
                            ? was.withHealth(true, ReplicationState.RUNNING, -1, was.position())
                            : was.withState(DatasourceState.SHUNNED));
            Datasource now = next.datasource(promoted).orElseThrow().withRole(Role.MASTER);
            return s.withDataservice(
                    next.with(now.withHealth(true, ReplicationState.NONE, 0, isSwitch ? at : now.position())));
        });
        if (!published) {
            throw deposed("publishing the topology");
        }
        record(currentOperation().with(Step.PUBLISHED));
        end();
    }

    /** {@link #finish(Dataservice)} of the current topology. */
    void finishFromTopology() throws ManagerException {
        finish(manager.dataservice());
    }

    /**
     * Automatic failover from {@code dead}, confirmed by the manager; see {@link Manager}. Connectors
     * are asked to hold, without waiting for their acks.
     *
     * @return the promoted datasource's name
     */
    String failover(String dead, Dataservice ds) throws ManagerException {
        Promotions.Received best = promotions.mostReceived(dead, ds);
        begin(Operation.begin(Kind.FAILOVER, dead, best.name(), epoch(), self())
                .withPosition(best.position().toString()));
        failoverSteps();
        finish(ds);
        return best.name();
    }

    /** The steps of a failover up to the candidate's promotion; a failed promotion ends the record. */
    void failoverSteps() throws ManagerException {
        Operation op = currentOperation();
        if (!op.did(Step.CAUGHT_UP)) {
            guard("letting '" + op.candidate() + "' apply what it received");
            try {
                if (!promotions.awaitApplied(op.candidate(), op.position())) {
                    log.warn(
                            "failover: {} did not apply all it received ({}) in time; promoting anyway",
                            op.candidate(),
                            op.position());
                }
            } catch (SQLException e) {
                abandon(null, "failover: '" + op.candidate() + "' cannot apply what it received: " + e.getMessage(), e);
            }
            record(op.with(Step.CAUGHT_UP));
        }
        promoteCandidate(null);
    }

    /** Takes over {@code op}, found at this manager's election, as the operation in progress. */
    boolean adopt(Operation op) {
        return recorder.adopt(op);
    }

    long epoch() {
        return recorder.epoch();
    }

    String self() {
        return recorder.self();
    }

    /** Throws when the manager no longer coordinates (its own steps go on while it resumes). */
    private void requireActing() throws ManagerException {
        GroupRole g = manager.groupRole();
        if (g != null && !g.acting()) {
            throw new ManagerException(g.notActing(), false);
        }
    }

    private Operation currentOperation() {
        return recorder.current();
    }

    private void begin(Operation op) throws ManagerException {
        if (!recorder.begin(op)) {
            throw new ManagerException(
                    op.kind().name().toLowerCase(Locale.ROOT) + " not started: it could not be recorded ("
                            + "deposed, or another operation is recorded)",
                    false);
        }
    }

    private void record(Operation op) throws ManagerException {
        if (!recorder.record(op)) {
            throw deposed("recording " + op.done());
        }
    }

    private void end() {
        recorder.end();
    }

    /** Before a step: a manager that no longer acts stops here, leaving the record to its successor. */
    private void guard(String step) throws ManagerException {
        try {
            requireActing();
        } catch (ManagerException e) {
            throw deposed(step);
        }
    }

    private ManagerException deposed(String step) {
        Operation op = recorder.forget();
        return new ManagerException(
                "stopped before " + step + " of " + op + ": this manager no longer coordinates; the next"
                        + " coordinator completes or undoes it",
                false);
    }

    /**
     * Ends an operation that failed before the candidate's promotion: makes {@code undo} (the old
     * master of a switch) writable again and ends the record, unless this manager was deposed (its
     * successor decides then).
     */
    private void abandon(@Nullable String undo, String message, @Nullable Exception cause) throws ManagerException {
        try {
            requireActing();
        } catch (ManagerException e) {
            throw deposed("undoing (" + message + ")");
        }
        String why = message;
        if (undo != null) {
            if (recorder.adopted()) {
                promotions.fenceAllBut(manager.dataservice(), undo); // whatever the predecessor did
                why = message + "; '" + undo + "' is writable again";
            }
            promotions.undoReadOnly(undo);
        }
        end();
        throw cause == null ? new ManagerException(why, false) : new ManagerException(why, cause);
    }
}
