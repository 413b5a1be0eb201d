package dev.turnout.manager.group;

/** Tests outside this package: ends a member's ZooKeeper session as if it had been cut off too long. */
public final class Sessions {

    private Sessions() {}

    /** {@link ManagerGroup#expireSession()}. */
    public static void expire(ManagerGroup group) throws Exception {
        group.expireSession();
    }
}
