package dev.turnout.routing.policy;

/** Why a statement went where it went; {@link #description()} is the line "tungsten explain" prints. */
public enum Reason {
    WRITE("a write goes to the primary"),
    TRANSACTION("inside an explicit transaction: the primary, until it ends"),
    AUTOCOMMIT_OFF("autocommit is off, so every statement is in a transaction: the primary"),
    SESSION_PINNED(
            "the session holds state that cannot move (temporary table, lock, open transaction): its current backend"),
    SESSION_FUNCTION(
            "the statement uses a session or locking function (GET_LOCK, LAST_INSERT_ID, FOUND_ROWS...): the primary"),
    LOCKING_READ("a locking read (FOR UPDATE, FOR SHARE, LOCK IN SHARE MODE) or SELECT ... INTO: the primary"),
    DIAGNOSTICS("a diagnostics statement (SHOW WARNINGS/ERRORS) answers about the previous statement: its backend"),
    UNKNOWN_STATEMENT("the statement was not recognised as a read: the primary, to be safe"),
    MULTI_STATEMENT("several statements in one query: the primary"),
    SESSION_COMMAND("a session command (SET, USE, PREPARE...): the primary, and replayed where the session goes"),
    QOS_RW_STRICT("quality of service RW_STRICT: every statement on the primary"),
    AUTHENTICATED_BY_PRIMARY(
            "the primary authenticated the session (a plugin the connector cannot verify): every statement there"),
    REPLICA_READ("a read on a replica that qualifies"),
    CONSISTENT_REPLICA_READ("a read on a replica that has applied the session's last write"),
    CONSISTENCY_WAIT("a read on a replica, after waiting for it to apply the session's last write"),
    NO_REPLICA_ONLINE("a read on the primary: no replica is online, healthy and allowed"),
    REPLICAS_LAGGING("a read on the primary: every healthy replica is behind the staleness bound"),
    REPLICAS_NOT_CONSISTENT("a read on the primary: no replica has applied the session's last write yet"),
    NO_PRIMARY("nowhere: the dataservice has no online primary"),
    KILL_QUERY("a KILL QUERY goes to the server that runs the statement it stops"),
    READ_ONLY_TRANSACTION(
            "a START TRANSACTION READ ONLY transaction: on a replica that qualifies, every statement of it there");

    private final String description;

    Reason(String description) {
        this.description = description;
    }

    /** One line, for humans. */
    public String description() {
        return description;
    }
}
