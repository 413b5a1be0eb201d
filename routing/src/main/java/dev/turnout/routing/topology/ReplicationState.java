package dev.turnout.routing.topology;

/** How a replica's replication stands. */
public enum ReplicationState {
    /** Both threads (IO and SQL / applier) running, no error. */
    RUNNING,
    /** The SQL (applier) thread stopped, the IO thread running or not, no error: data is stale but consistent. */
    APPLIER_STOPPED,
    /** Both threads stopped, no error. */
    STOPPED,
    /** An IO or SQL error. */
    BROKEN,
    /** Not a replica (a master), or unknown. */
    NONE
}
