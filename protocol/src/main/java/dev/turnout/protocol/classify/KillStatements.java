package dev.turnout.protocol.classify;

import static dev.turnout.protocol.classify.Scanner.EOF;
import static dev.turnout.protocol.classify.Scanner.SEMICOLON;
import static dev.turnout.protocol.classify.Scanner.WORD;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds, in a statement text the classifier flagged {@link StatementFlag#KILL}, every statement
 * {@code KILL [HARD | SOFT] [CONNECTION | QUERY] id} whose id is an integer literal, with where the
 * statement and its id are in the buffer, so that a connector can put other ids in their place (a
 * KILL may be one statement of several: {@code KILL 1073741851; SELECT SLEEP(0.05)}). The text is
 * lexed as the classifier lexes it (strings, comments, executable comments). {@code KILL QUERY ID n}
 * (a query id), {@code KILL USER name} and ids that are expressions are not reported.
 *
 * <p>Allocates (a scanner, the list): call it only for statements flagged KILL. Thread-safe
 * (stateless).
 */
public final class KillStatements {

    /**
     * One KILL statement of one id.
     *
     * @param start     index of its {@code KILL} keyword
     * @param idStart   index of the id's first digit
     * @param idEnd     index after the id's last digit (the statement ends there, but for whitespace and comments)
     * @param id        the id it names
     * @param queryOnly {@code KILL QUERY}: only the running statement, not the connection
     */
    public record Target(int start, int idStart, int idEnd, long id, boolean queryOnly) {}

    /** Ids longer than this are not thread ids (and would not fit a long). */
    private static final int MAX_DIGITS = 18;

    private KillStatements() {}

    /** The KILL statements of one id in {@code buf[from, to)}, in text order. */
    public static List<Target> find(ByteBuf buf, int from, int to, boolean noBackslashEscapes) {
        List<Target> found = new ArrayList<>(1);
        Scanner s = new Scanner();
        s.reset(buf, from, to, noBackslashEscapes);
        try {
            s.advance();
            while (s.kind != EOF) {
                while (s.kind == SEMICOLON) {
                    s.advance();
                }
                if (s.isWord(Keyword.KILL)) {
                    Target target = target(s);
                    if (target != null) {
                        found.add(target);
                    }
                }
                while (!s.atStatementEnd()) {
                    s.advance();
                }
            }
        } finally {
            s.clear();
        }
        return found;
    }

    /** At KILL: the statement's target, or null when it is not a KILL of one literal id. */
    private static @Nullable Target target(Scanner s) {
        int start = s.start;
        s.advance();
        if (s.isWord(Keyword.HARD) || s.isWord(Keyword.SOFT)) {
            s.advance();
        }
        boolean queryOnly = false;
        if (s.isWord(Keyword.CONNECTION)) {
            s.advance();
        } else if (s.isWord(Keyword.QUERY)) {
            queryOnly = true;
            s.advance();
        }
        if (s.kind != WORD || s.end - s.start > MAX_DIGITS) {
            return null;
        }
        long id = 0;
        for (int i = s.start; i < s.end; i++) {
            int digit = s.at(i) - '0';
            if (digit < 0 || digit > 9) {
                return null; // QUERY ID n, USER name, a function
            }
            id = id * 10 + digit;
        }
        int idStart = s.start;
        int idEnd = s.end;
        s.advance();
        return s.atStatementEnd() ? new Target(start, idStart, idEnd, id, queryOnly) : null;
    }
}
