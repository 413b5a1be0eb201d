package dev.turnout.connector.session;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * {@code KILL [HARD | SOFT] [CONNECTION | QUERY] id}, recognised in a COM_QUERY so that a client
 * can cancel a statement of a connector session by the id the connector's handshake gave it (what
 * Connector/J's {@code Statement.cancel()} and query timeouts do), and rewritten with the id of the
 * server thread that serves that session.
 *
 * @param id the id the statement names
 * @param queryOnly {@code KILL QUERY}: only the running statement, not the connection
 */
record KillStatement(long id, boolean queryOnly) {

    /** Statements longer than this are not a KILL of one id. */
    static final int MAX_LENGTH = 64;

    /**
     * Parses the statement in {@code sql} between {@code from} and {@code to}; null when it is not a
     * KILL of one id. Cheap for any other statement: it looks at the first letter first.
     */
    static @Nullable KillStatement parse(ByteBuf sql, int from, int to) {
        int i = skipSpace(sql, from, to);
        if (to - i > MAX_LENGTH || i == to || (sql.getByte(i) | 0x20) != 'k') {
            return null;
        }
        i = keyword(sql, i, to, "KILL");
        if (i < 0) {
            return null;
        }
        int next = keyword(sql, i, to, "HARD");
        i = next >= 0 ? next : Math.max(i, keyword(sql, i, to, "SOFT"));
        boolean queryOnly = false;
        next = keyword(sql, i, to, "CONNECTION");
        if (next >= 0) {
            i = next;
        } else if ((next = keyword(sql, i, to, "QUERY")) >= 0) {
            i = next;
            queryOnly = true;
        }
        long id = 0;
        int digits = 0;
        for (; i < to && sql.getByte(i) >= '0' && sql.getByte(i) <= '9' && digits < 18; i++, digits++) {
            id = id * 10 + (sql.getByte(i) - '0');
        }
        if (digits == 0) {
            return null;
        }
        i = skipSpace(sql, i, to);
        if (i < to && sql.getByte(i) == ';') {
            i = skipSpace(sql, i + 1, to);
        }
        return i == to ? new KillStatement(id, queryOnly) : null;
    }

    /** The statement that kills {@code serverThreadId} the same way. */
    byte[] rewrite(long serverThreadId) {
        return ((queryOnly ? "KILL QUERY " : "KILL CONNECTION ") + serverThreadId).getBytes(StandardCharsets.US_ASCII);
    }

    /** The index after {@code word} (matched case-insensitively) and the whitespace behind it, or -1. */
    private static int keyword(ByteBuf sql, int i, int to, String word) {
        if (i < 0 || i + word.length() > to) {
            return -1;
        }
        for (int k = 0; k < word.length(); k++) {
            if (Character.toUpperCase((char) sql.getByte(i + k)) != word.charAt(k)) {
                return -1;
            }
        }
        int end = i + word.length();
        if (end < to && !isSpace(sql.getByte(end))) {
            return -1;
        }
        return skipSpace(sql, end, to);
    }

    private static int skipSpace(ByteBuf sql, int i, int to) {
        while (i < to && isSpace(sql.getByte(i))) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
