package dev.turnout.manager.group;

import dev.turnout.routing.topology.TopologySnapshot;
import org.jspecify.annotations.Nullable;

/** What a {@link ManagerGroup} tells its manager, on the group's events thread. */
public interface GroupListener {
    /**
     * This manager became the coordinator of {@code epoch}; {@code current} is the topology
     * in ZooKeeper (null when none was ever published). Called before it may publish.
     *
     * @return the first topology of this epoch, published at once (a version above
     *         {@code current}'s), or null to publish nothing yet
     */
    @Nullable
    TopologySnapshot elected(long epoch, @Nullable Published current);

    /** This manager is no longer the coordinator. */
    void deposed();

    /** A topology was published (by any coordinator, this one included). */
    void published(Published p);
}
