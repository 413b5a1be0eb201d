package dev.turnout.routing.policy;

import dev.turnout.routing.topology.Datasource;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one routing decision: where, why, and whether to wait for the replica to apply
 * the session's last write first. Mutable and reused: one instance per session, written by
 * {@link Router} on every decision so that deciding allocates nothing. Confined to the session's
 * thread. A fresh instance reads as no target with reason {@link Reason#NO_PRIMARY}.
 */
public final class RouteDecision {

    private @Nullable Datasource target;
    private Reason reason = Reason.NO_PRIMARY;
    private boolean waitForPosition;

    /** An empty decision, to be filled by a {@link Router}. */
    public RouteDecision() {}

    void set(@Nullable Datasource target, Reason reason, boolean waitForPosition) {
        this.target = target;
        this.reason = reason;
        this.waitForPosition = waitForPosition;
    }

    /** The chosen datasource; null only when the reason is {@link Reason#NO_PRIMARY}. */
    public @Nullable Datasource target() {
        return target;
    }

    /** Why. */
    public Reason reason() {
        return reason;
    }

    /**
     * True when the target is a replica that has not yet applied the session's last write and the
     * connector must wait for it (MASTER_GTID_WAIT / WAIT_FOR_EXECUTED_GTID_SET, bounded by
     * {@link ReadPolicy#consistencyWaitMillis()}) before sending the read.
     */
    public boolean waitForPosition() {
        return waitForPosition;
    }

    /** {@code "db2 REPLICA_READ: a read on a replica that qualifies"}, for logs and "explain". */
    @Override
    public String toString() {
        return (target == null ? "-" : target.name()) + " " + reason + (waitForPosition ? " (wait)" : "") + ": "
                + reason.description();
    }
}
