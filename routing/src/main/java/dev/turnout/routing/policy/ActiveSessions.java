package dev.turnout.routing.policy;

import dev.turnout.routing.topology.Datasource;

/**
 * Per-datasource count of active sessions, kept by the connector, read by
 * {@link Balancer#LEAST_ACTIVE}. Called on the routing hot path: must not allocate or block.
 */
@FunctionalInterface
public interface ActiveSessions {

    /** Counts nothing: every datasource has 0 active sessions. */
    ActiveSessions NONE = d -> 0;

    /** The number of sessions now active on {@code d}. */
    int active(Datasource d);
}
