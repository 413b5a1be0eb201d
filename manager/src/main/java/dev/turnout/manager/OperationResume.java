package dev.turnout.manager;

import dev.turnout.manager.group.Operation;
import dev.turnout.manager.group.Operation.Kind;
import dev.turnout.manager.group.Operation.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a new coordinator does, before anything else, with the switch or failover its predecessor
 * recorded and did not finish: it takes the record over under its own epoch and carries on from
 * the first step not recorded, doing again the one that may have been half-done (each step may be
 * done twice). Before the candidate's promotion, a step that fails undoes the operation: a switch
 * makes the old master writable again (every other reachable datasource read-only first), a
 * failover ends the record and leaves the choice of a candidate to the next vote. From the
 * promotion on, it only goes forward: the candidate may have taken writes. Either way at most one
 * server is writable: before it promotes, finishes or undoes, it makes every other reachable one
 * read-only.
 */
final class OperationResume {

    private static final Logger log = LoggerFactory.getLogger(OperationResume.class);

    private final OperationRunner runner;

    OperationResume(OperationRunner runner) {
        this.runner = runner;
    }

    /** Completes or undoes {@code found}. On the manager's actions thread. */
    void resume(Operation found) {
        synchronized (runner.lock) {
            runner.started();
            try {
                log.warn(
                        "coordinator {} (epoch {}) found an unfinished {}; finishing it before anything else",
                        runner.self(),
                        runner.epoch(),
                        found);
                if (!runner.adopt(found)) {
                    log.warn("could not take over {}: no longer the coordinator", found);
                    return;
                }
                if (found.kind() == Kind.SWITCH) {
                    runner.switchSteps(found.oldMaster(), found.candidate());
                } else {
                    runner.failoverSteps();
                }
                runner.finishFromTopology();
                log.warn(
                        "{} completed by {}: {} is the master",
                        found.kind() == Kind.SWITCH ? "switch" : "failover",
                        runner.self(),
                        found.candidate());
            } catch (ManagerException e) {
                log.error(
                        "{} {}: {}",
                        found,
                        found.did(Step.PROMOTED) ? "not completed" : "undone or not completed",
                        e.getMessage());
            } catch (RuntimeException e) {
                log.error("{} not completed", found, e);
            } finally {
                runner.ended();
            }
        }
    }
}
