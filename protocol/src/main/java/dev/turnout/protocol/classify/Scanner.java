package dev.turnout.protocol.classify;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The lexer of {@link StatementClassifier}: one forward pass over {@code buf[from, to)} that yields
 * tokens and, as a side effect of every token it yields, accumulates the lexical
 * {@link StatementFlag flags} and the {@link HintQos hint}.
 *
 * <p>Design: one instance belongs to one {@link Classification} (so to one session) and is reset by
 * every classification; it never allocates, reads the buffer with absolute {@code getByte} (or the
 * backing array when there is one), and drops its reference to the buffer when the classification
 * ends. Not thread-safe. A token is described by {@link #kind}, {@link #start}, {@link #end} and,
 * for words and system variables, {@link #keyword}.
 */
final class Scanner {

    static final int EOF = 0;
    static final int WORD = 1;
    static final int QUOTED_IDENTIFIER = 2;
    static final int STRING = 3;
    static final int USER_VARIABLE = 4;
    static final int SYSTEM_VARIABLE = 5;
    static final int LPAREN = 6;
    static final int RPAREN = 7;
    static final int SEMICOLON = 8;
    static final int COMMA = 9;
    /** Any other punctuation, one byte ({@link #punct}); also the host part of {@code 'user'@'host'}. */
    static final int OTHER = 10;

    // byte classes
    private static final byte C_OTHER = 0;
    private static final byte C_SPACE = 1;
    private static final byte C_WORD = 2;
    private static final byte C_QUOTE = 3;
    private static final byte C_BACKTICK = 4;
    private static final byte C_DASH = 5;
    private static final byte C_HASH = 6;
    private static final byte C_SLASH = 7;
    private static final byte C_STAR = 8;
    private static final byte C_AT = 9;
    private static final byte C_LPAREN = 10;
    private static final byte C_RPAREN = 11;
    private static final byte C_SEMICOLON = 12;
    private static final byte C_COMMA = 13;
    private static final byte[] CLASS = new byte[256];

    private static final byte[] HINT_TUNGSTEN = {'T', 'U', 'N', 'G', 'S', 'T', 'E', 'N'};
    private static final byte[] HINT_USE = {'U', 'S', 'E'};
    private static final byte[] HINT_QOS = {'Q', 'O', 'S'};
    private static final byte[] HINT_RO_RELAXED = {'R', 'O', '_', 'R', 'E', 'L', 'A', 'X', 'E', 'D'};
    private static final byte[] HINT_RW_STRICT = {'R', 'W', '_', 'S', 'T', 'R', 'I', 'C', 'T'};

    static {
        for (int b = 0; b < 256; b++) {
            boolean word = b >= 'a' && b <= 'z'
                    || b >= 'A' && b <= 'Z'
                    || b >= '0' && b <= '9'
                    || b == '_'
                    || b == '$'
                    || b >= 0x80;
            CLASS[b] = word ? C_WORD : C_OTHER;
        }
        // MySQL's my_isspace: space, \t, \n, \v, \f, \r
        for (int b : new int[] {' ', '\t', '\n', 0x0B, '\f', '\r'}) {
            CLASS[b] = C_SPACE;
        }
        CLASS['\''] = C_QUOTE;
        CLASS['"'] = C_QUOTE;
        CLASS['`'] = C_BACKTICK;
        CLASS['-'] = C_DASH;
        CLASS['#'] = C_HASH;
        CLASS['/'] = C_SLASH;
        CLASS['*'] = C_STAR;
        CLASS['@'] = C_AT;
        CLASS['('] = C_LPAREN;
        CLASS[')'] = C_RPAREN;
        CLASS[';'] = C_SEMICOLON;
        CLASS[','] = C_COMMA;
    }

    // input: null before the first reset and after clear, and only read in between
    private @Nullable ByteBuf buf;
    /** The buffer's backing array, or null when it has none (a direct buffer). */
    private byte @Nullable [] array;

    private int arrayOffset;
    private int limit;
    private int pos;
    private int base;
    private boolean noBackslashEscapes;
    /**
     * For a buffer without an accessible array (a direct one): the input copied in bulk a window at
     * a time, so that the buffer is checked (bounds, reference count, leak records) once per window
     * rather than once per byte. Absolute indexes {@code [windowStart, windowEnd)}.
     */
    private final byte[] window = new byte[WINDOW];

    private int windowStart;
    private int windowEnd;
    /** Statements longer than a window are read through it; shorter ones byte by byte. */
    private boolean windowed;

    private static final int WINDOW = 1024;
    /** How far back from the byte asked for a refilled window starts (the lexer looks back a little). */
    private static final int LOOK_BACK = 64;

    // the current token
    int kind;
    int start;
    int end;
    int punct;
    /** The word's keyword; for a system variable the name's keyword ({@code @@global.x}: x). */
    Keyword keyword = Keyword.NONE;
    /** For a system variable, the scope before the dot ({@code @@global.x}: GLOBAL), else NONE. */
    Keyword scope = Keyword.NONE;
    /** Open parentheses of the current statement before (and including) the current token. */
    int depth;

    // the whole input
    boolean inExecutableComment;
    /** A string, identifier or comment is not closed: the server would reject the statement. */
    boolean unterminated;
    /** A double-quoted text has a backslash before a quote: its end depends on ANSI_QUOTES. */
    boolean ambiguous;

    long flags;
    HintQos hint = HintQos.NONE;

    // lexical state of the current statement
    /** INTO in this statement means SELECT … INTO. */
    boolean selectLike;

    private Keyword previous = Keyword.NONE;
    private Keyword beforePrevious = Keyword.NONE;
    private int pendingCall;

    void reset(ByteBuf buf, int from, int to, boolean noBackslashEscapes) {
        this.buf = buf;
        if (buf.hasArray()) {
            array = buf.array();
            arrayOffset = buf.arrayOffset();
        } else {
            array = null;
            arrayOffset = 0;
        }
        this.limit = to;
        this.pos = from;
        this.base = from;
        windowStart = 0;
        windowEnd = 0;
        windowed = array == null && to - from > WINDOW;
        this.noBackslashEscapes = noBackslashEscapes;
        kind = EOF;
        start = from;
        end = from;
        punct = 0;
        keyword = Keyword.NONE;
        scope = Keyword.NONE;
        inExecutableComment = false;
        unterminated = false;
        ambiguous = false;
        flags = 0;
        hint = HintQos.NONE;
        newStatement();
        if (to - from >= 3 && at(from) == 0xEF && at(from + 1) == 0xBB && at(from + 2) == 0xBF) {
            pos = from + 3; // a UTF-8 byte order mark some tools put before a script
        }
    }

    /** Forgets the input buffer, so a reused classification holds no reference to it. */
    void clear() {
        buf = null;
        array = null;
    }

    int at(int index) {
        byte[] a = array;
        if (a != null) {
            return a[arrayOffset + index] & 0xFF;
        }
        return windowed ? windowAt(index) : input().getByte(index) & 0xFF;
    }

    /** The buffer of the classification in progress: the scanner is only read between reset and clear. */
    private ByteBuf input() {
        return Objects.requireNonNull(buf, "the scanner is read only between reset and clear");
    }

    private int windowAt(int index) {
        if (index < windowStart || index >= windowEnd) {
            fill(index);
        }
        return window[index - windowStart] & 0xFF;
    }

    private void fill(int index) {
        int start = Math.max(base, index - LOOK_BACK);
        int stop = Math.min(limit, start + WINDOW);
        if (index < start || index >= stop) {
            start = index; // outside [from, to): the buffer's own bounds check answers
            stop = index + 1;
        }
        input().getBytes(start, window, 0, stop - start);
        windowStart = start;
        windowEnd = stop;
    }

    boolean isWord(Keyword k) {
        return kind == WORD && keyword == k;
    }

    /** True at the end of the current statement ({@code ;} or end of input). */
    boolean atStatementEnd() {
        return kind == SEMICOLON || kind == EOF;
    }

    void flag(StatementFlag f) {
        flags |= f.bit();
    }

    private void newStatement() {
        depth = 0;
        selectLike = false;
        previous = Keyword.NONE;
        beforePrevious = Keyword.NONE;
        pendingCall = 0;
    }

    /** Reads the next token and observes it. At the end of input it stays on {@link #EOF}. */
    void advance() {
        lex();
        observe();
    }

    // ---- lexing

    private void lex() {
        int previousKind = kind;
        int previousEnd = end;
        keyword = Keyword.NONE;
        scope = Keyword.NONE;
        int p = pos;
        final int lim = limit;
        while (true) {
            if (p >= lim) {
                if (inExecutableComment) {
                    unterminated = true;
                    inExecutableComment = false;
                }
                token(EOF, lim, lim);
                return;
            }
            int b = at(p);
            switch (CLASS[b]) {
                case C_SPACE -> p++;
                case C_WORD -> {
                    int q = p;
                    int h = 0;
                    while (q < lim && CLASS[b = at(q)] == C_WORD) {
                        h = Keyword.step(h, b);
                        q++;
                    }
                    keyword = Keyword.lookup(this, p, q - p, h);
                    token(WORD, p, q);
                    return;
                }
                case C_QUOTE -> {
                    token(STRING, p, skipQuoted(p, b));
                    return;
                }
                case C_BACKTICK -> {
                    token(QUOTED_IDENTIFIER, p, skipQuoted(p, b));
                    return;
                }
                case C_DASH -> {
                    // MySQL: "--" starts a comment only when followed by whitespace or a control character.
                    int c = p + 2 < lim ? at(p + 2) : 0;
                    if (p + 1 < lim && at(p + 1) == '-' && (c <= ' ' || c == 0x7F)) {
                        p = skipLine(p + 2);
                    } else {
                        punct(p);
                        return;
                    }
                }
                case C_HASH -> p = skipLine(p + 1);
                case C_SLASH -> {
                    if (p + 1 < lim && at(p + 1) == '*') {
                        p = comment(p);
                    } else {
                        punct(p);
                        return;
                    }
                }
                case C_STAR -> {
                    if (inExecutableComment && p + 1 < lim && at(p + 1) == '/') {
                        inExecutableComment = false;
                        p += 2;
                    } else {
                        punct(p);
                        return;
                    }
                }
                case C_AT -> {
                    variable(p, previousKind, previousEnd);
                    return;
                }
                case C_LPAREN -> {
                    token(LPAREN, p, p + 1);
                    return;
                }
                case C_RPAREN -> {
                    token(RPAREN, p, p + 1);
                    return;
                }
                case C_SEMICOLON -> {
                    token(SEMICOLON, p, p + 1);
                    return;
                }
                case C_COMMA -> {
                    token(COMMA, p, p + 1);
                    return;
                }
                default -> {
                    punct(p);
                    return;
                }
            }
        }
    }

    private void token(int kind, int start, int end) {
        this.kind = kind;
        this.start = start;
        this.end = end;
        this.pos = end;
    }

    private void punct(int p) {
        punct = at(p);
        token(OTHER, p, p + 1);
    }

    /** The end of the quoted text starting at {@code p} (after its closing quote, or the limit). */
    private int skipQuoted(int p, int quote) {
        int q = p + 1;
        final int lim = limit;
        boolean escapes = quote != '`' && !noBackslashEscapes;
        while (q < lim) {
            int b = at(q);
            if (b == quote) {
                if (q + 1 < lim && at(q + 1) == quote) {
                    q += 2; // doubled quote
                    continue;
                }
                return q + 1;
            }
            if (b == '\\' && escapes) {
                if (quote == '"' && q + 1 < lim && at(q + 1) == '"') {
                    ambiguous = true; // with ANSI_QUOTES this is an identifier that ends here
                }
                q += 2;
                continue;
            }
            q++;
        }
        unterminated = true;
        return lim;
    }

    private int skipLine(int p) {
        final int lim = limit;
        while (p < lim && at(p) != '\n') {
            p++;
        }
        return p;
    }

    /** At {@code /*}: skips a plain comment (reading any hint) or enters an executable one. */
    private int comment(int p) {
        final int lim = limit;
        int q = p + 2;
        boolean executable = false;
        if (q < lim && at(q) == '!') {
            executable = true;
            q++;
        } else if (q + 1 < lim && at(q) == 'M' && at(q + 1) == '!') {
            executable = true;
            q += 2;
        }
        if (executable) {
            // /*!50700 ... */: the version digits are not code; the rest is, whatever the version.
            for (int n = 0; n < 6 && q < lim && at(q) >= '0' && at(q) <= '9'; n++) {
                q++;
            }
            inExecutableComment = true;
            return q;
        }
        for (int close = q; close + 1 < lim; close++) {
            if (at(close) == '*' && at(close + 1) == '/') {
                hint(q, close);
                return close + 2;
            }
        }
        unterminated = true;
        return lim;
    }

    /** {@code @name}, {@code @'name'}, {@code @@name}, {@code @@scope.name}, or the host of {@code 'user'@host}. */
    private void variable(int p, int previousKind, int previousEnd) {
        final int lim = limit;
        int q = p + 1;
        if (q < lim && at(q) == '@') {
            q++;
            int wordStart = q;
            int h = 0;
            int b;
            while (q < lim && CLASS[b = at(q)] == C_WORD) {
                h = Keyword.step(h, b);
                q++;
            }
            Keyword first = Keyword.lookup(this, wordStart, q - wordStart, h);
            if (q < lim && at(q) == '.' && q > wordStart) {
                q++;
                wordStart = q;
                h = 0;
                while (q < lim && CLASS[b = at(q)] == C_WORD) {
                    h = Keyword.step(h, b);
                    q++;
                }
                Keyword name = Keyword.lookup(this, wordStart, q - wordStart, h);
                token(SYSTEM_VARIABLE, p, q);
                scope = first;
                keyword = name;
            } else {
                token(SYSTEM_VARIABLE, p, q);
                keyword = first;
            }
            return;
        }
        if (q < lim && (CLASS[at(q)] == C_QUOTE || CLASS[at(q)] == C_BACKTICK)) {
            q = skipQuoted(q, at(q));
        } else {
            int b;
            while (q < lim && (CLASS[b = at(q)] == C_WORD || b == '.')) {
                q++;
            }
        }
        boolean hostOfQuotedUser = previousEnd == p && (previousKind == STRING || previousKind == QUOTED_IDENTIFIER);
        if (hostOfQuotedUser) {
            punct = '@';
            token(OTHER, p, q);
        } else {
            token(USER_VARIABLE, p, q);
        }
    }

    // ---- hints

    /** Looks for {@code TUNGSTEN USE qos=RO_RELAXED|RW_STRICT} in the plain comment text {@code [from, to)}. */
    private void hint(int from, int to) {
        for (int i = from; i + HINT_TUNGSTEN.length <= to; i++) {
            if (Keyword.UPPER[at(i)] != 'T' || i > from && CLASS[at(i - 1)] == C_WORD) {
                continue;
            }
            int q = matchWord(i, to, HINT_TUNGSTEN);
            if (q < 0
                    || (q = skipSpaces(q, to)) < 0
                    || (q = matchWord(q, to, HINT_USE)) < 0
                    || (q = skipSpaces(q, to)) < 0
                    || (q = matchWord(q, to, HINT_QOS)) < 0) {
                continue;
            }
            while (q < to && CLASS[at(q)] == C_SPACE) {
                q++;
            }
            if (q >= to || at(q) != '=') {
                continue;
            }
            q++;
            while (q < to && CLASS[at(q)] == C_SPACE) {
                q++;
            }
            if (matchWord(q, to, HINT_RO_RELAXED) >= 0) {
                hint = HintQos.RO_RELAXED;
            } else if (matchWord(q, to, HINT_RW_STRICT) >= 0) {
                hint = HintQos.RW_STRICT;
            }
        }
    }

    /** After at least one space from {@code p}, the next non-space; -1 if there is no space. */
    private int skipSpaces(int p, int to) {
        int q = p;
        while (q < to && CLASS[at(q)] == C_SPACE) {
            q++;
        }
        return q > p ? q : -1;
    }

    /** If the whole word (any case) is at {@code p}, the index after it, else -1. */
    private int matchWord(int p, int to, byte[] word) {
        int e = p + word.length;
        if (e > to) {
            return -1;
        }
        for (int i = 0; i < word.length; i++) {
            if (Keyword.UPPER[at(p + i)] != word[i]) {
                return -1;
            }
        }
        return e < to && CLASS[at(e)] == C_WORD ? -1 : e;
    }

    // ---- flags found anywhere

    private void observe() {
        switch (kind) {
            case WORD -> {
                Keyword k = keyword;
                if ((k == Keyword.UPDATE || k == Keyword.SHARE) && previous == Keyword.FOR
                        || k == Keyword.SHARE && previous == Keyword.IN && beforePrevious == Keyword.LOCK) {
                    flag(StatementFlag.LOCKING_READ);
                } else if (k == Keyword.FOR
                        && previous == Keyword.VALUE
                        && (beforePrevious == Keyword.NEXT || beforePrevious == Keyword.PREVIOUS)) {
                    flag(StatementFlag.SESSION_FUNCTION);
                } else if (k == Keyword.SQL_CALC_FOUND_ROWS) {
                    flag(StatementFlag.CALC_FOUND_ROWS);
                } else if (k == Keyword.INTO && selectLike) {
                    flag(StatementFlag.SELECT_INTO);
                }
                pendingCall = k.category & (Keyword.SESSION_FN | Keyword.LOCK_FN);
                beforePrevious = previous;
                previous = k;
                return;
            }
            case LPAREN -> {
                depth++;
                if ((pendingCall & Keyword.SESSION_FN) != 0) {
                    flag(StatementFlag.SESSION_FUNCTION);
                } else if ((pendingCall & Keyword.LOCK_FN) != 0) {
                    flag(StatementFlag.LOCK_FUNCTION);
                }
            }
            case RPAREN -> depth--;
            case USER_VARIABLE -> flag(StatementFlag.USER_VARIABLE);
            case SYSTEM_VARIABLE -> {
                Keyword k = keyword;
                if (k == Keyword.WARNING_COUNT || k == Keyword.ERROR_COUNT) {
                    flag(StatementFlag.DIAGNOSTICS);
                } else if (k == Keyword.IDENTITY || k == Keyword.LAST_INSERT_ID || k == Keyword.INSERT_ID) {
                    flag(StatementFlag.SESSION_FUNCTION);
                }
            }
            case SEMICOLON -> {
                newStatement();
                return;
            }
            default -> {
                // strings, identifiers, punctuation: nothing to see
            }
        }
        pendingCall = 0;
        beforePrevious = previous;
        previous = Keyword.NONE;
    }
}
