package dev.turnout.connector.session;

import dev.turnout.routing.policy.Reason;
import dev.turnout.routing.topology.Datasource;
import org.jspecify.annotations.Nullable;

/**
 * Where one statement goes, and why: the session's primary, a replica (and whether it must first
 * reach the session's last write), or the backend the previous statement ran on. Written by
 * {@link SessionRouter#decide}; reused per session so that deciding allocates nothing.
 */
final class Route {

    enum Target {
        PRIMARY,
        REPLICA,
        CURRENT
    }

    private Target target = Target.PRIMARY;
    private @Nullable Datasource replica;
    private int slot = -1;
    private Reason reason = Reason.QOS_RW_STRICT;
    private boolean waitForPosition;

    void primary(Reason why) {
        set(Target.PRIMARY, null, -1, why, false);
    }

    void replica(Datasource chosen, int chosenSlot, Reason why, boolean wait) {
        set(Target.REPLICA, chosen, chosenSlot, why, wait);
    }

    /** The backend of the previous statement, e.g. for SHOW WARNINGS. */
    void current(Reason why) {
        set(Target.CURRENT, null, -1, why, false);
    }

    private void set(Target where, @Nullable Datasource chosen, int chosenSlot, Reason why, boolean wait) {
        target = where;
        replica = chosen;
        slot = chosenSlot;
        reason = why;
        waitForPosition = wait;
    }

    Target target() {
        return target;
    }

    /** The replica, for {@link Target#REPLICA}. */
    @Nullable
    Datasource replica() {
        return replica;
    }

    /** The replica's slot, for {@link Target#REPLICA}. */
    int slot() {
        return slot;
    }

    Reason reason() {
        return reason;
    }

    /** The replica has not applied the session's last write yet: it is asked to wait for it first. */
    boolean waitForPosition() {
        return waitForPosition;
    }
}
