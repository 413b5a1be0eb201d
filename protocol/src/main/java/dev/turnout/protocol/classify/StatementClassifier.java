package dev.turnout.protocol.classify;

import static dev.turnout.protocol.classify.Scanner.COMMA;
import static dev.turnout.protocol.classify.Scanner.EOF;
import static dev.turnout.protocol.classify.Scanner.LPAREN;
import static dev.turnout.protocol.classify.Scanner.OTHER;
import static dev.turnout.protocol.classify.Scanner.RPAREN;
import static dev.turnout.protocol.classify.Scanner.SEMICOLON;
import static dev.turnout.protocol.classify.Scanner.SYSTEM_VARIABLE;
import static dev.turnout.protocol.classify.Scanner.WORD;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Decides how the connector may route a statement: a zero-allocation, single forward pass over the
 * text of a {@code COM_QUERY} or {@code COM_STMT_PREPARE} payload (without the command byte).
 * The guiding rule: a write classified as a read is a correctness bug, a read kept on the primary
 * only a lost optimisation, so whatever is not understood is {@link StatementType#UNKNOWN} or
 * carries a flag that keeps it on the primary. This Javadoc is the reference for "why did my
 * statement go to the primary?".
 *
 * <h2>Lexing</h2>
 * <ul>
 * <li>Whitespace is space, tab, CR, LF, VT, FF. A UTF-8 byte order mark at the very start is skipped.
 * <li>Comments: {@code #} to the end of the line; {@code --} to the end of the line only when
 *     followed by whitespace, a control character or the end (else it is two minus signs:
 *     {@code SELECT 1--1}); {@code /* … *}{@code /}.
 * <li>Executable comments {@code /*! … *}{@code /}, {@code /*!50700 … *}{@code /},
 *     {@code /*M! … *}{@code /}, {@code /*M!100100 … *}{@code /} are code: the version digits
 *     are skipped and the content is classified as if the comment markers were not there, whatever
 *     the version (a {@code ;} in one separates statements). The classifier assumes the server runs
 *     them; a server older than the version ignores them, which can only remove words.
 * <li>Strings {@code '…'} and {@code "…"} with doubled quotes and backslash escapes (no backslash
 *     escapes when {@link Classification#noBackslashEscapes(boolean)} is set, as with the
 *     {@code NO_BACKSLASH_ESCAPES} SQL mode); identifiers {@code `…`} with doubled backticks.
 *     A {@code \"} inside double quotes is ambiguous (under {@code ANSI_QUOTES} it ends an
 *     identifier) and makes the statement UNKNOWN. The text is assumed to be in an ASCII-compatible
 *     character set whose multi-byte characters contain no quote or backslash bytes (utf8mb4, latin1…).
 * <li>Words in strings, identifiers and plain comments are never keywords. Keywords are matched
 *     case-insensitively on whole words.
 * <li>A string, identifier or comment that is not closed makes the statement UNKNOWN (the flags
 *     found so far stay).
 * </ul>
 *
 * <h2>Statements and types</h2>
 * The text is split at {@code ;} into statements; empty ones (only comments) are ignored.
 * Leading {@code (} are skipped ({@code (SELECT 1) UNION (SELECT 2)} is READ). The first word decides:
 * <ul>
 * <li>READ: {@code SELECT}, {@code VALUES}, {@code TABLE}, {@code DO}, {@code HELP}; {@code WITH …}
 *     whose main statement (the first SELECT/TABLE/VALUES/UPDATE/DELETE/INSERT/REPLACE outside the
 *     CTE bodies) is a SELECT, TABLE or VALUES ({@code WITH … UPDATE/DELETE/INSERT/REPLACE} is
 *     WRITE, a WITH whose main statement is not found is UNKNOWN); {@code SHOW …};
 *     {@code EXPLAIN / DESCRIBE / DESC} of anything (it does not run the statement), except
 *     {@code EXPLAIN ANALYZE}, which runs it: READ for SELECT, TABLE, VALUES and read-only WITH,
 *     WRITE otherwise; MariaDB's {@code ANALYZE [FORMAT=…] SELECT} (READ) while every other
 *     {@code ANALYZE}, {@code ANALYZE TABLE} included, is WRITE;
 *     {@code GET [CURRENT|STACKED] DIAGNOSTICS} (READ with {@link StatementFlag#DIAGNOSTICS}, so it
 *     stays where the previous statement ran).
 * <li>WRITE: {@code INSERT, UPDATE, DELETE, REPLACE, LOAD, CREATE, ALTER, DROP, TRUNCATE, RENAME,
 *     GRANT, REVOKE, OPTIMIZE, REPAIR, FLUSH, RESET, PURGE, IMPORT}, {@code SET PASSWORD},
 *     {@code SET DEFAULT ROLE}.
 * <li>CREATE_TEMPORARY_TABLE: {@code CREATE [OR REPLACE] TEMPORARY …} ({@code DROP TEMPORARY TABLE} is WRITE).
 * <li>SET: every other {@code SET} ({@code NAMES}, {@code CHARACTER SET}, {@code autocommit},
 *     {@code @x}, {@code SESSION/GLOBAL/LOCAL/PERSIST …}, {@code @@…}, {@code TRANSACTION …}).
 *     MariaDB's {@code SET STATEMENT … FOR stmt} takes the type of {@code stmt}.
 * <li>USE; BEGIN ({@code BEGIN [WORK]}, {@code START TRANSACTION …}; {@code BEGIN NOT ATOMIC} and
 *     any other {@code BEGIN …} or {@code START …} is UNKNOWN); COMMIT; ROLLBACK, but
 *     {@code ROLLBACK [WORK] TO …} is SAVEPOINT, as are {@code SAVEPOINT} and {@code RELEASE SAVEPOINT};
 *     XA; LOCK_TABLES ({@code LOCK TABLE(S)}); UNLOCK_TABLES ({@code UNLOCK TABLE(S)}); PREPARE;
 *     EXECUTE (also {@code EXECUTE IMMEDIATE}); DEALLOCATE ({@code DEALLOCATE PREPARE},
 *     {@code DROP PREPARE}); CALL; HANDLER.
 * <li>INLINE_COMMAND: first word {@code tungsten} (any case) of the first statement; the rest is
 *     not scanned (see {@link Classification#commandStart()}). In a later statement it is UNKNOWN.
 * <li>EMPTY: nothing but whitespace, comments and {@code ;}.
 * <li>UNKNOWN: everything else, e.g. {@code KILL}, {@code BINLOG}, {@code INSTALL}, {@code CHECK},
 *     {@code CHANGE MASTER}, {@code START SLAVE}, {@code LOCK INSTANCE}, labels, words not known.
 * </ul>
 * Several non-empty statements: {@link StatementFlag#MULTI_STATEMENT}; the type is READ only if all
 * are READ, otherwise the type of the first one that is not; flags of all statements are OR-ed.
 *
 * <h2>Flags</h2>
 * Found in any statement, at any depth (subqueries, EXPLAINed statements):
 * LOCKING_READ ({@code FOR UPDATE}, {@code FOR SHARE}, {@code LOCK IN SHARE MODE}); SELECT_INTO
 * ({@code INTO} in a statement led by SELECT, TABLE, VALUES or a read-only WITH, and in what
 * {@code ANALYZE} runs); SESSION_FUNCTION (a call, i.e. the name followed by {@code (}, of
 * {@code LAST_INSERT_ID, FOUND_ROWS, ROW_COUNT, CONNECTION_ID, NEXTVAL, LASTVAL, SETVAL}, also
 * qualified; {@code NEXT VALUE FOR}, {@code PREVIOUS VALUE FOR}; {@code @@identity},
 * {@code @@last_insert_id}, {@code @@insert_id}); LOCK_FUNCTION (a call of {@code GET_LOCK,
 * RELEASE_LOCK, RELEASE_ALL_LOCKS, IS_USED_LOCK, IS_FREE_LOCK}); USER_VARIABLE (any {@code @name},
 * {@code @'name'}, {@code @"name"}, {@code @`name`}, not {@code @@system} and not the host of
 * {@code 'user'@'host'}); CALC_FOUND_ROWS; DIAGNOSTICS ({@code SHOW WARNINGS/ERRORS},
 * {@code SHOW COUNT(*) WARNINGS/ERRORS}, {@code @@warning_count}, {@code @@error_count}, GET
 * DIAGNOSTICS); SERVER_SPECIFIC ({@code SHOW [FULL] PROCESSLIST}, {@code SHOW [GLOBAL|SESSION]
 * STATUS}, {@code SHOW MASTER/SLAVE/REPLICA/REPLICAS/BINLOG/BINARY/RELAYLOG …},
 * {@code SHOW ALL SLAVES …}, {@code SHOW ENGINE …}, {@code SHOW PROFILE(S)},
 * {@code SHOW OPEN TABLES}, MariaDB's {@code SHOW EXPLAIN/ANALYZE FOR} and
 * {@code SHOW USER/CLIENT/INDEX/TABLE_STATISTICS}, {@code EXPLAIN FOR CONNECTION}; but
 * {@code SHOW TABLES / CREATE / COLUMNS / VARIABLES / DATABASES / TABLE STATUS} and
 * {@code SELECT @@server_id} are plain READs); MULTI_STATEMENT (above). For SET:
 * NEXT_TRANSACTION_ONLY ({@code SET TRANSACTION} without a scope), GLOBAL_SCOPE (a target with
 * {@code GLOBAL}, {@code PERSIST}, {@code PERSIST_ONLY}, {@code @@global.}, {@code @@persist.}),
 * READ_ONLY_TRANSACTION ({@code START TRANSACTION … READ ONLY}, {@code SET [SESSION] TRANSACTION
 * … READ ONLY}). KILL: a statement led by {@code KILL} (UNKNOWN), whose ids {@link KillStatements} finds.
 *
 * <h2>Hints</h2>
 * A plain comment containing {@code TUNGSTEN USE qos=RO_RELAXED} or {@code qos=RW_STRICT}
 * (any case, any whitespace between the words, around {@code =}) sets {@link Classification#hint()};
 * the last one in the text wins.
 *
 * <h2>Not detected</h2>
 * Stored functions that write ({@code SELECT f()} is READ): route such statements with a
 * {@code RW_STRICT} hint. Queries of {@code performance_schema} / {@code information_schema}
 * tables about one server (e.g. {@code PROCESSLIST}) are plain READs.
 *
 * <p>Thread-safe (stateless); all state lives in the caller's {@link Classification}.
 */
public final class StatementClassifier {

    private StatementClassifier() {}

    /**
     * Classifies the statement text in buf[from, to) (not the command byte). Allocates nothing; does
     * not move indexes.
     *
     * @throws IndexOutOfBoundsException if {@code [from, to)} is not within the buffer's capacity
     */
    public static void classify(ByteBuf buf, int from, int to, Classification out) {
        if (from < 0 || to < from || to > buf.capacity()) {
            throw new IndexOutOfBoundsException("from " + from + ", to " + to + ", capacity " + buf.capacity());
        }
        Scanner s = out.scanner;
        s.reset(buf, from, to, out.noBackslashEscapes());
        try {
            run(s, out);
        } finally {
            s.clear();
        }
    }

    /** Convenience for tests/admin (may allocate). */
    public static Classification classify(String sql) {
        Classification out = new Classification();
        ByteBuf buf = Unpooled.wrappedBuffer(sql.getBytes(StandardCharsets.UTF_8));
        try {
            classify(buf, buf.readerIndex(), buf.writerIndex(), out);
        } finally {
            buf.release();
        }
        return out;
    }

    private static void run(Scanner s, Classification out) {
        StatementType firstNotRead = null;
        int statements = 0;
        s.advance();
        while (true) {
            while (s.kind == SEMICOLON) {
                s.advance();
            }
            if (s.kind == EOF) {
                break;
            }
            statements++;
            StatementType type = statement(s, statements == 1);
            if (type == StatementType.INLINE_COMMAND) {
                out.set(type, 0, s.hint, s.end);
                return;
            }
            while (!s.atStatementEnd()) {
                s.advance();
            }
            if (type != StatementType.READ && firstNotRead == null) {
                firstNotRead = type;
            }
        }
        long flags = s.flags;
        if (statements > 1) {
            flags |= StatementFlag.MULTI_STATEMENT.bit();
        }
        StatementType type;
        if (s.unterminated || s.ambiguous) {
            type = StatementType.UNKNOWN;
        } else if (statements == 0) {
            type = StatementType.EMPTY;
        } else {
            type = firstNotRead == null ? StatementType.READ : firstNotRead;
        }
        out.set(type, flags, s.hint, -1);
    }

    /** The type of the statement whose first token is current; leaves the scanner inside or at its end. */
    private static StatementType statement(Scanner s, boolean first) {
        while (true) {
            while (s.kind == LPAREN) {
                s.advance();
            }
            if (s.kind != WORD) {
                return StatementType.UNKNOWN;
            }
            switch (s.keyword) {
                case SELECT, VALUES, TABLE -> {
                    s.selectLike = true;
                    return StatementType.READ;
                }
                case DO, HELP -> {
                    return StatementType.READ;
                }
                case WITH -> {
                    return with(s);
                }
                case SHOW -> {
                    return show(s);
                }
                case EXPLAIN, DESCRIBE, DESC -> {
                    return explain(s);
                }
                case ANALYZE -> {
                    s.advance();
                    if (s.isWord(Keyword.FORMAT)) {
                        skipOption(s);
                    }
                    return executed(s, false);
                }
                case SET -> {
                    StatementType type = set(s);
                    if (type != null) {
                        return type;
                    }
                    first = false; // SET STATEMENT … FOR: now on the statement it modifies
                }
                case GET -> {
                    s.advance();
                    if (s.isWord(Keyword.CURRENT) || s.isWord(Keyword.STACKED)) {
                        s.advance();
                    }
                    if (!s.isWord(Keyword.DIAGNOSTICS)) {
                        return StatementType.UNKNOWN;
                    }
                    s.flag(StatementFlag.DIAGNOSTICS);
                    return StatementType.READ;
                }
                case INSERT,
                        UPDATE,
                        DELETE,
                        REPLACE,
                        LOAD,
                        ALTER,
                        TRUNCATE,
                        RENAME,
                        GRANT,
                        REVOKE,
                        OPTIMIZE,
                        REPAIR,
                        FLUSH,
                        RESET,
                        PURGE,
                        IMPORT -> {
                    return StatementType.WRITE;
                }
                case CREATE -> {
                    s.advance();
                    if (s.isWord(Keyword.OR)) {
                        s.advance();
                        if (s.isWord(Keyword.REPLACE)) {
                            s.advance();
                        }
                    }
                    return s.isWord(Keyword.TEMPORARY) ? StatementType.CREATE_TEMPORARY_TABLE : StatementType.WRITE;
                }
                case DROP -> {
                    s.advance();
                    return s.isWord(Keyword.PREPARE) ? StatementType.DEALLOCATE : StatementType.WRITE;
                }
                case USE -> {
                    return StatementType.USE;
                }
                case BEGIN -> {
                    s.advance();
                    if (s.isWord(Keyword.WORK)) {
                        s.advance();
                    }
                    return s.atStatementEnd() ? StatementType.BEGIN : StatementType.UNKNOWN;
                }
                case START -> {
                    return start(s);
                }
                case COMMIT -> {
                    return StatementType.COMMIT;
                }
                case ROLLBACK -> {
                    s.advance();
                    if (s.isWord(Keyword.WORK)) {
                        s.advance();
                    }
                    return s.isWord(Keyword.TO) ? StatementType.SAVEPOINT : StatementType.ROLLBACK;
                }
                case SAVEPOINT -> {
                    return StatementType.SAVEPOINT;
                }
                case RELEASE -> {
                    s.advance();
                    return s.isWord(Keyword.SAVEPOINT) ? StatementType.SAVEPOINT : StatementType.UNKNOWN;
                }
                case XA -> {
                    return StatementType.XA;
                }
                case LOCK -> {
                    s.advance();
                    return tables(s) ? StatementType.LOCK_TABLES : StatementType.UNKNOWN;
                }
                case UNLOCK -> {
                    s.advance();
                    return tables(s) ? StatementType.UNLOCK_TABLES : StatementType.UNKNOWN;
                }
                case PREPARE -> {
                    return StatementType.PREPARE;
                }
                case EXECUTE -> {
                    return StatementType.EXECUTE;
                }
                case DEALLOCATE -> {
                    return StatementType.DEALLOCATE;
                }
                case CALL -> {
                    return StatementType.CALL;
                }
                case HANDLER -> {
                    return StatementType.HANDLER;
                }
                case TUNGSTEN -> {
                    return first ? StatementType.INLINE_COMMAND : StatementType.UNKNOWN;
                }
                case KILL -> {
                    s.flag(StatementFlag.KILL);
                    return StatementType.UNKNOWN;
                }
                default -> {
                    return StatementType.UNKNOWN;
                }
            }
        }
    }

    private static boolean tables(Scanner s) {
        return s.isWord(Keyword.TABLE) || s.isWord(Keyword.TABLES);
    }

    /** At WITH: the type of the main statement after the common table expressions. */
    private static StatementType with(Scanner s) {
        int base = s.depth;
        boolean afterClose = false;
        while (true) {
            s.advance();
            if (s.atStatementEnd()) {
                return StatementType.UNKNOWN;
            }
            switch (s.kind) {
                case WORD -> {
                    if (s.depth == base) {
                        switch (s.keyword) {
                            case SELECT, TABLE, VALUES -> {
                                s.selectLike = true;
                                return StatementType.READ;
                            }
                            case UPDATE, DELETE, INSERT, REPLACE -> {
                                return StatementType.WRITE;
                            }
                            default -> {
                                // a CTE name, RECURSIVE, AS
                            }
                        }
                    }
                    afterClose = false;
                }
                case LPAREN -> {
                    // "WITH c AS (…) (SELECT …)": the main statement is in parentheses
                    if (afterClose && s.depth == base + 1) {
                        base = s.depth;
                    }
                    afterClose = false;
                }
                case RPAREN -> afterClose = s.depth == base;
                default -> afterClose = false;
            }
        }
    }

    /** At SHOW: READ, flagged by what is shown. */
    private static StatementType show(Scanner s) {
        s.advance();
        while (s.isWord(Keyword.FULL)
                || s.isWord(Keyword.GLOBAL)
                || s.isWord(Keyword.SESSION)
                || s.isWord(Keyword.LOCAL)
                || s.isWord(Keyword.ALL)
                || s.isWord(Keyword.EXTENDED)) {
            s.advance();
        }
        if (s.kind == WORD) {
            Keyword k = s.keyword;
            if (k == Keyword.WARNINGS || k == Keyword.ERRORS) {
                s.flag(StatementFlag.DIAGNOSTICS);
            } else if (k == Keyword.COUNT) {
                while (!s.atStatementEnd()) {
                    s.advance();
                    if (s.isWord(Keyword.WARNINGS) || s.isWord(Keyword.ERRORS)) {
                        s.flag(StatementFlag.DIAGNOSTICS);
                        break;
                    }
                }
            } else if (k.is(Keyword.SERVER_STATE) || k == Keyword.EXPLAIN || k == Keyword.ANALYZE) {
                s.flag(StatementFlag.SERVER_SPECIFIC);
            }
        }
        return StatementType.READ;
    }

    /** At EXPLAIN/DESCRIBE/DESC: READ unless EXPLAIN ANALYZE runs a write. */
    private static StatementType explain(Scanner s) {
        boolean analyze = false;
        s.advance();
        while (s.kind == WORD) {
            Keyword k = s.keyword;
            if (k == Keyword.FORMAT) {
                skipOption(s);
            } else if (k == Keyword.EXTENDED || k == Keyword.PARTITIONS) {
                s.advance();
            } else if (k == Keyword.ANALYZE) {
                analyze = true;
                s.advance();
            } else if (k == Keyword.FOR) {
                s.advance();
                if (s.isWord(Keyword.CONNECTION)) {
                    s.flag(StatementFlag.SERVER_SPECIFIC);
                }
                return StatementType.READ;
            } else {
                break;
            }
        }
        return analyze ? executed(s, true) : StatementType.READ;
    }

    /** The statement that EXPLAIN ANALYZE or ANALYZE runs (current token: its first). */
    private static StatementType executed(Scanner s, boolean tableStatement) {
        while (s.kind == LPAREN) {
            s.advance();
        }
        if (s.kind != WORD) {
            return StatementType.UNKNOWN;
        }
        switch (s.keyword) {
            case SELECT, VALUES -> {
                s.selectLike = true;
                return StatementType.READ;
            }
            case TABLE -> {
                // EXPLAIN ANALYZE TABLE t is MySQL's TABLE statement; MariaDB's ANALYZE TABLE t updates statistics
                s.selectLike = tableStatement;
                return tableStatement ? StatementType.READ : StatementType.WRITE;
            }
            case WITH -> {
                return with(s);
            }
            default -> {
                return StatementType.WRITE;
            }
        }
    }

    /** At FORMAT: skips {@code FORMAT [=] value}. */
    private static void skipOption(Scanner s) {
        s.advance();
        if (s.kind == OTHER && s.punct == '=') {
            s.advance();
        }
        if (!s.atStatementEnd()) {
            s.advance();
        }
    }

    /** At START: BEGIN for START TRANSACTION, else UNKNOWN. */
    private static StatementType start(Scanner s) {
        s.advance();
        if (!s.isWord(Keyword.TRANSACTION)) {
            return StatementType.UNKNOWN;
        }
        s.advance();
        while (!s.atStatementEnd()) {
            if (s.isWord(Keyword.READ)) {
                s.advance();
                if (s.isWord(Keyword.ONLY)) {
                    s.flag(StatementFlag.READ_ONLY_TRANSACTION);
                }
            } else {
                s.advance();
            }
        }
        return StatementType.BEGIN;
    }

    /**
     * At SET: the statement's type, or null after {@code SET STATEMENT … FOR} with the scanner on the
     * first token of the statement that follows.
     */
    private static @Nullable StatementType set(Scanner s) {
        int base = s.depth;
        s.advance();
        if (s.isWord(Keyword.PASSWORD)) {
            return StatementType.WRITE;
        }
        if (s.isWord(Keyword.DEFAULT)) {
            s.advance();
            return s.isWord(Keyword.ROLE) ? StatementType.WRITE : StatementType.UNKNOWN;
        }
        if (s.isWord(Keyword.STATEMENT)) {
            while (true) {
                s.advance();
                if (s.atStatementEnd()) {
                    return StatementType.UNKNOWN;
                }
                if (s.isWord(Keyword.FOR) && s.depth == base) {
                    s.advance();
                    return null;
                }
            }
        }
        boolean target = true;
        boolean scoped = false;
        boolean global = false;
        boolean transaction = false;
        while (!s.atStatementEnd()) {
            if (target) {
                if (s.kind == WORD) {
                    Keyword k = s.keyword;
                    if (k == Keyword.GLOBAL || k == Keyword.PERSIST || k == Keyword.PERSIST_ONLY) {
                        s.flag(StatementFlag.GLOBAL_SCOPE);
                        scoped = true;
                        global = true;
                        s.advance();
                        continue;
                    }
                    if (k == Keyword.SESSION || k == Keyword.LOCAL) {
                        scoped = true;
                        s.advance();
                        continue;
                    }
                    if (k == Keyword.TRANSACTION) {
                        transaction = true;
                        if (!scoped) {
                            s.flag(StatementFlag.NEXT_TRANSACTION_ONLY);
                        }
                    }
                } else if (s.kind == SYSTEM_VARIABLE) {
                    Keyword scope = s.scope;
                    if (scope == Keyword.GLOBAL || scope == Keyword.PERSIST || scope == Keyword.PERSIST_ONLY) {
                        s.flag(StatementFlag.GLOBAL_SCOPE);
                    }
                }
                target = false;
                scoped = false;
            } else if (s.kind == COMMA && s.depth == base && !transaction) {
                // (in SET TRANSACTION the commas separate characteristics, not targets)
                target = true;
            } else if (transaction && !global && s.isWord(Keyword.READ)) {
                s.advance();
                if (s.isWord(Keyword.ONLY)) {
                    s.flag(StatementFlag.READ_ONLY_TRANSACTION);
                }
                continue;
            }
            s.advance();
        }
        return StatementType.SET;
    }
}
