package dev.turnout.routing.topology;

/** The state a manager (or the configuration) gives a datasource. Only ONLINE ones get traffic. */
public enum DatasourceState {
    /** In service. */
    ONLINE,
    /** Taken out of service on purpose (maintenance, a planned switch). */
    OFFLINE,
    /** Taken out of service by a manager, e.g. the old primary after a failover until it is recovered. */
    SHUNNED,
    /** Found failed by a manager. */
    FAILED
}
