package dev.turnout.manager;

import dev.turnout.manager.group.Operation;
import dev.turnout.manager.group.OperationLog;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operation an {@link OperationRunner} is carrying out, and its record in the group's {@link
 * OperationLog} (a manager that decides alone records nothing). Also the test hook that runs after
 * each recorded step.
 *
 * <p>Threading: used under the runner's lock only, apart from {@link #onStep}.
 */
final class OperationRecorder {

    private static final Logger log = LoggerFactory.getLogger(OperationRecorder.class);

    private final Manager manager;
    private @Nullable Operation current;
    /** Whether {@link #current} was left by a predecessor ({@link #adopt}). */
    private boolean adopted;
    /** Tests: called after each recorded step, on the operation's thread; may block, or throw to stop there. */
    private volatile Consumer<Operation> stepHook = op -> {};

    OperationRecorder(Manager manager) {
        this.manager = manager;
    }

    /** Tests: {@code hook} runs after each step is recorded (it may block, or throw to end the operation there). */
    void onStep(Consumer<Operation> hook) {
        stepHook = hook;
    }

    /** The operation in progress. */
    Operation current() {
        Operation op = current;
        if (op == null) {
            throw new IllegalStateException("no operation in progress");
        }
        return op;
    }

    /** The operation in progress, or null; forgets it (its manager was deposed: a successor decides). */
    @Nullable
    Operation forget() {
        Operation op = current;
        current = null;
        adopted = false;
        return op;
    }

    /** Whether the operation in progress was left by a predecessor. */
    boolean adopted() {
        return adopted;
    }

    /** The coordinator's epoch; 0 for a manager that decides alone. */
    long epoch() {
        GroupRole g = manager.groupRole();
        return g == null ? 0 : g.group().epoch();
    }

    /** The manager's member name, or its host name when it decides alone. */
    String self() {
        GroupRole g = manager.groupRole();
        return g == null ? manager.coordinator() : g.group().settings().self();
    }

    /** Records a new operation; false when refused (deposed, or another one is recorded). */
    boolean begin(Operation op) {
        OperationLog l = operations();
        if (l != null && !l.begin(op)) {
            return false;
        }
        current = op;
        adopted = false;
        log.info("operation recorded: {}", op);
        stepHook.accept(op);
        return true;
    }

    /** Takes over {@code op}, found at this manager's election, under its own epoch; false when refused. */
    boolean adopt(Operation op) {
        Operation mine = op.takenOverBy(epoch(), self());
        OperationLog l = operations();
        if (l == null || !l.record(mine)) {
            return false;
        }
        current = mine;
        adopted = true;
        log.info("operation taken over: {}", mine);
        return true;
    }

    /** Records a step of the operation in progress; false when refused (deposed). */
    boolean record(Operation op) {
        OperationLog l = operations();
        if (l != null && !l.record(op)) {
            return false;
        }
        current = op;
        log.info("operation step recorded: {}", op);
        stepHook.accept(op);
        return true;
    }

    /** Deletes the record: the operation is complete or undone. */
    void end() {
        OperationLog l = operations();
        if (l != null && !l.end()) {
            log.warn("could not end the record of {}; the next coordinator will find it", current);
        }
        current = null;
        adopted = false;
    }

    private @Nullable OperationLog operations() {
        GroupRole g = manager.groupRole();
        return g == null ? null : g.group().operations();
    }
}
