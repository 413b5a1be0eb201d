package dev.turnout.protocol.classify;

/**
 * Properties of a statement found anywhere in its text (they are lexical: a flag found in an
 * {@code EXPLAIN}ed statement counts too). The first nine keep a {@link StatementType#READ} on the
 * primary (see {@link Classification#mayReadFromReplica()}); the next three describe {@code SET}
 * and transaction statements; the last marks a {@code KILL}.
 */
public enum StatementFlag {
    /** {@code FOR UPDATE}, {@code FOR SHARE}, {@code LOCK IN SHARE MODE}, anywhere (subqueries too). */
    LOCKING_READ,
    /** {@code INTO OUTFILE / DUMPFILE / @var / var} in a {@code SELECT}, {@code TABLE} or {@code VALUES}. */
    SELECT_INTO,
    /**
     * A call of {@code LAST_INSERT_ID}, {@code FOUND_ROWS}, {@code ROW_COUNT}, {@code CONNECTION_ID},
     * {@code NEXTVAL}, {@code LASTVAL}, {@code SETVAL}; {@code NEXT VALUE FOR}, {@code PREVIOUS VALUE FOR};
     * the system variables {@code @@identity}, {@code @@last_insert_id}, {@code @@insert_id}.
     */
    SESSION_FUNCTION,
    /** A call of {@code GET_LOCK}, {@code RELEASE_LOCK}, {@code RELEASE_ALL_LOCKS}, {@code IS_USED_LOCK}, {@code IS_FREE_LOCK}. */
    LOCK_FUNCTION,
    /** A user variable {@code @name}, {@code @'name'}, {@code @"name"}, {@code @`name`} (read or assigned). */
    USER_VARIABLE,
    /** {@code SQL_CALC_FOUND_ROWS}. */
    CALC_FOUND_ROWS,
    /**
     * Needs the server that ran the previous statement: {@code SHOW WARNINGS/ERRORS},
     * {@code SHOW COUNT(*) WARNINGS/ERRORS}, {@code @@warning_count}, {@code @@error_count},
     * {@code GET [CURRENT|STACKED] DIAGNOSTICS}.
     */
    DIAGNOSTICS,
    /** Shows the state of one server ({@code SHOW PROCESSLIST}, {@code SHOW STATUS}, {@code SHOW SLAVE STATUS}…). */
    SERVER_SPECIFIC,
    /** More than one non-empty statement, separated by {@code ;}. */
    MULTI_STATEMENT,
    /** {@code SET TRANSACTION …} without {@code SESSION} or {@code GLOBAL}: applies to the next transaction only. */
    NEXT_TRANSACTION_ONLY,
    /** {@code SET GLOBAL / PERSIST / PERSIST_ONLY …}, {@code SET @@global.x …}, {@code SET @@persist.x …}. */
    GLOBAL_SCOPE,
    /** {@code START TRANSACTION READ ONLY}; also {@code SET [SESSION] TRANSACTION READ ONLY}. */
    READ_ONLY_TRANSACTION,
    /** A statement led by {@code KILL} (its ids may name connector sessions: see {@link KillStatements}). */
    KILL;

    /** This flag's bit in {@link Classification#flags()}. */
    public long bit() {
        return 1L << ordinal();
    }
}
