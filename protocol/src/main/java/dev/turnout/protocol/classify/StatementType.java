package dev.turnout.protocol.classify;

/**
 * What a statement is, as far as routing is concerned: the type decided by
 * {@link StatementClassifier}. Only {@link #READ} (and then only without a blocking
 * {@link StatementFlag}, see {@link Classification#mayReadFromReplica()}) may leave the primary;
 * every other type is either a write, changes session state the connector must track, or is not
 * understood and therefore stays on the primary.
 */
public enum StatementType {
    /** {@code SELECT}, {@code WITH … SELECT}, {@code VALUES}, {@code TABLE}, {@code SHOW}, {@code EXPLAIN}, {@code DO}, {@code HELP}… */
    READ,
    /** Changes data, schema, privileges or server state: {@code INSERT}, {@code UPDATE}, {@code CREATE}, {@code GRANT}, {@code FLUSH}… */
    WRITE,
    /** {@code SET} of session, global or user variables, {@code SET NAMES}, {@code SET TRANSACTION}… */
    SET,
    /** {@code USE schema}. */
    USE,
    /** {@code BEGIN [WORK]}, {@code START TRANSACTION …}. */
    BEGIN,
    /** {@code COMMIT …}. */
    COMMIT,
    /** {@code ROLLBACK …} of the whole transaction. */
    ROLLBACK,
    /** {@code SAVEPOINT x}, {@code RELEASE SAVEPOINT x}, {@code ROLLBACK [WORK] TO [SAVEPOINT] x}. */
    SAVEPOINT,
    /** Any {@code XA …} statement. */
    XA,
    /** {@code LOCK TABLE(S) …}. */
    LOCK_TABLES,
    /** {@code UNLOCK TABLE(S)}. */
    UNLOCK_TABLES,
    /** SQL-level {@code PREPARE name FROM …}. */
    PREPARE,
    /** SQL-level {@code EXECUTE name …} and MariaDB's {@code EXECUTE IMMEDIATE …}. */
    EXECUTE,
    /** {@code DEALLOCATE PREPARE name}, {@code DROP PREPARE name}. */
    DEALLOCATE,
    /** {@code CALL procedure(…)}. */
    CALL,
    /** {@code CREATE [OR REPLACE] TEMPORARY TABLE …} (and MariaDB's temporary sequences). */
    CREATE_TEMPORARY_TABLE,
    /** {@code HANDLER t OPEN/READ/CLOSE …}. */
    HANDLER,
    /** A command for the connector itself, first word {@code tungsten}; see {@link Classification#commandStart()}. */
    INLINE_COMMAND,
    /** Nothing but whitespace, comments and semicolons. */
    EMPTY,
    /** Not understood, not terminated, or ambiguous: must go to the primary. */
    UNKNOWN
}
