package dev.turnout.protocol.classify;

import java.nio.charset.StandardCharsets;

/**
 * The words the classifier recognises, looked up without allocating: the scanner hashes a word's
 * upper-cased bytes while it reads them, and {@link #lookup} probes a small open-addressing table
 * with that hash and compares the bytes in place.
 */
enum Keyword {
    /** Not a keyword (never found by {@link #lookup}). */
    NONE(0),

    // statement verbs
    SELECT,
    WITH,
    VALUES,
    TABLE,
    TABLES,
    SHOW,
    EXPLAIN,
    DESCRIBE,
    DESC,
    ANALYZE,
    DO,
    HELP,
    INSERT,
    UPDATE,
    DELETE,
    REPLACE,
    LOAD,
    CREATE,
    ALTER,
    DROP,
    TRUNCATE,
    RENAME,
    GRANT,
    REVOKE,
    OPTIMIZE,
    REPAIR,
    FLUSH,
    RESET,
    PURGE,
    IMPORT,
    SET,
    USE,
    BEGIN,
    START,
    COMMIT,
    ROLLBACK,
    SAVEPOINT,
    RELEASE,
    XA,
    LOCK,
    UNLOCK,
    PREPARE,
    EXECUTE,
    DEALLOCATE,
    CALL,
    HANDLER,
    GET,
    TUNGSTEN,
    KILL,

    // words after the verb
    HARD,
    SOFT,
    QUERY,
    WORK,
    NOT,
    TRANSACTION,
    READ,
    ONLY,
    TO,
    OR,
    TEMPORARY,
    FORMAT,
    EXTENDED,
    PARTITIONS,
    FOR,
    CONNECTION,
    SHARE,
    IN,
    NEXT,
    PREVIOUS,
    VALUE,
    INTO,
    SQL_CALC_FOUND_ROWS,
    GLOBAL,
    SESSION,
    LOCAL,
    PERSIST,
    PERSIST_ONLY,
    STATEMENT,
    PASSWORD,
    DEFAULT,
    ROLE,
    CURRENT,
    STACKED,
    DIAGNOSTICS,
    WARNINGS,
    ERRORS,
    COUNT,
    FULL,
    ALL,

    // SHOW of one server's state
    PROCESSLIST(Keyword.SERVER_STATE),
    STATUS(Keyword.SERVER_STATE),
    MASTER(Keyword.SERVER_STATE),
    SLAVE(Keyword.SERVER_STATE),
    SLAVES(Keyword.SERVER_STATE),
    REPLICA(Keyword.SERVER_STATE),
    REPLICAS(Keyword.SERVER_STATE),
    BINLOG(Keyword.SERVER_STATE),
    BINARY(Keyword.SERVER_STATE),
    RELAYLOG(Keyword.SERVER_STATE),
    ENGINE(Keyword.SERVER_STATE),
    PROFILE(Keyword.SERVER_STATE),
    PROFILES(Keyword.SERVER_STATE),
    OPEN(Keyword.SERVER_STATE),
    USER_STATISTICS(Keyword.SERVER_STATE),
    CLIENT_STATISTICS(Keyword.SERVER_STATE),
    INDEX_STATISTICS(Keyword.SERVER_STATE),
    TABLE_STATISTICS(Keyword.SERVER_STATE),

    // functions
    LAST_INSERT_ID(Keyword.SESSION_FN),
    FOUND_ROWS(Keyword.SESSION_FN),
    ROW_COUNT(Keyword.SESSION_FN),
    CONNECTION_ID(Keyword.SESSION_FN),
    NEXTVAL(Keyword.SESSION_FN),
    LASTVAL(Keyword.SESSION_FN),
    SETVAL(Keyword.SESSION_FN),
    GET_LOCK(Keyword.LOCK_FN),
    RELEASE_LOCK(Keyword.LOCK_FN),
    RELEASE_ALL_LOCKS(Keyword.LOCK_FN),
    IS_USED_LOCK(Keyword.LOCK_FN),
    IS_FREE_LOCK(Keyword.LOCK_FN),

    // system variables
    WARNING_COUNT,
    ERROR_COUNT,
    IDENTITY,
    INSERT_ID;

    /** Category bit: a function whose call sets {@link StatementFlag#SESSION_FUNCTION}. */
    static final int SESSION_FN = 1;
    /** Category bit: a function whose call sets {@link StatementFlag#LOCK_FUNCTION}. */
    static final int LOCK_FN = 2;
    /** Category bit: after {@code SHOW}, a statement about one server's state. */
    static final int SERVER_STATE = 4;

    /** No keyword is longer; longer words are not hashed into the table. */
    static final int MAX_LENGTH = 19;

    private static final int TABLE_SIZE = 512;
    private static final Keyword[] SLOTS = new Keyword[TABLE_SIZE];
    /** Upper-cases ASCII letters; every other byte maps to itself. */
    static final byte[] UPPER = new byte[256];

    static {
        for (int i = 0; i < 256; i++) {
            UPPER[i] = (byte) (i >= 'a' && i <= 'z' ? i - 32 : i);
        }
        for (Keyword k : values()) {
            if (k == NONE) {
                continue;
            }
            if (k.name.length > MAX_LENGTH) {
                throw new ExceptionInInitializerError("keyword longer than MAX_LENGTH: " + k);
            }
            int slot = slot(k.hash);
            while (SLOTS[slot] != null) {
                slot = (slot + 1) & (TABLE_SIZE - 1);
            }
            SLOTS[slot] = k;
        }
    }

    final int category;
    private final byte[] name;
    private final int hash;

    Keyword() {
        this(0);
    }

    Keyword(int category) {
        this.category = category;
        this.name = name().getBytes(StandardCharsets.US_ASCII);
        int h = 0;
        for (byte b : name) {
            h = 31 * h + b;
        }
        this.hash = h;
    }

    /** Steps a word's hash: {@code hash = step(hash, byteOfWord)}, case-insensitive. */
    static int step(int hash, int b) {
        return 31 * hash + UPPER[b];
    }

    /**
     * The keyword spelled by {@code length} bytes at {@code start} of the scanner's input, whose
     * hash (by {@link #step}) is {@code hash}; {@link #NONE} if none.
     */
    static Keyword lookup(Scanner in, int start, int length, int hash) {
        if (length > MAX_LENGTH) {
            return NONE;
        }
        int slot = slot(hash);
        Keyword k;
        while ((k = SLOTS[slot]) != null) {
            if (k.hash == hash && k.spelledAt(in, start, length)) {
                return k;
            }
            slot = (slot + 1) & (TABLE_SIZE - 1);
        }
        return NONE;
    }

    boolean is(int categoryBit) {
        return (category & categoryBit) != 0;
    }

    private boolean spelledAt(Scanner in, int start, int length) {
        if (length != name.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (UPPER[in.at(start + i)] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static int slot(int hash) {
        return (hash ^ (hash >>> 9) ^ (hash >>> 18)) & (TABLE_SIZE - 1);
    }
}
