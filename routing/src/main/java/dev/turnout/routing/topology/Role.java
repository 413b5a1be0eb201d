package dev.turnout.routing.topology;

/** The role of a datasource in its dataservice, in the seeds' words. */
public enum Role {
    /** The primary: receives every write. At most one per dataservice. */
    MASTER,
    /** A replica of the dataservice's master. */
    SLAVE,
    /** The replica of a passive site of a composite that replicates from the active site. */
    RELAY
}
