package dev.turnout.routing.topology;

/** The managers' policy for a cluster. */
public enum Policy {
    /** Managers switch and fail over by themselves. */
    AUTOMATIC,
    /** Managers only observe; an operator decides. */
    MAINTENANCE
}
