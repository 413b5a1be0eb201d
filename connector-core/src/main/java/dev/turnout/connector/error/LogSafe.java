package dev.turnout.connector.error;

import org.jspecify.annotations.Nullable;

/**
 * Makes text that a client controls (user and database names, connection attributes, inline
 * command text, a server's error message that echoes them) safe to put in a log line: at most
 * {@code max} characters are shown, followed by a marker with the full length when the text was
 * cut, and every character that could end the line or forge another is escaped — CR, LF, tab and
 * the other C0 and C1 control characters, DEL, the Unicode line and paragraph separators, the
 * bidirectional overrides and isolates (which can make a line read as something else), lone
 * surrogates and the backslash itself (so that an escape in the output always stands for one
 * character of the input). A 65 KB user name full of newlines becomes one short line.
 *
 * <p>Stateless and thread-safe. The result is for logs and error messages, never for comparison.
 */
public final class LogSafe {

    /** What a user or database name shows of itself in a log line: MySQL's own limits are 80 and 64. */
    public static final int NAME = 64;

    /** What a longer text (an error message, a command) shows of itself. */
    public static final int TEXT = 200;

    private LogSafe() {}

    /** {@code value} with at most {@link #NAME} characters shown; {@code null} for null. */
    public static String name(@Nullable String value) {
        return text(value, NAME);
    }

    /**
     * {@code value} with at most {@code max} characters of output before the cut marker (an escape
     * counts with its length), control characters escaped; {@code "null"} for null.
     *
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public static String text(@Nullable String value, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max " + max + " is negative");
        }
        if (value == null) {
            return "null";
        }
        if (value.length() <= max && isPlain(value)) {
            return value;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max) + 32);
        int i = 0;
        while (i < value.length()) {
            int codePoint = value.codePointAt(i);
            int width = Character.charCount(codePoint);
            String escaped = escape(value, i, codePoint);
            int shown = escaped == null ? width : escaped.length();
            if (out.length() + shown > max) {
                break;
            }
            if (escaped == null) {
                out.append(value, i, i + width);
            } else {
                out.append(escaped);
            }
            i += width;
        }
        if (i < value.length()) {
            out.append("...[cut, ").append(value.length()).append(" chars]");
        }
        return out.toString();
    }

    private static boolean isPlain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** The escape of the code point at {@code index}, or null when it is shown as it is. */
    private static @Nullable String escape(String value, int index, int codePoint) {
        switch (codePoint) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '\\':
                return "\\\\";
            default:
                break;
        }
        boolean unsafe = codePoint < 0x20
                || (codePoint >= 0x7F && codePoint <= 0x9F)
                || codePoint == 0x2028
                || codePoint == 0x2029
                || (codePoint >= 0x202A && codePoint <= 0x202E)
                || (codePoint >= 0x2066 && codePoint <= 0x2069)
                || codePoint == 0xFEFF
                || Character.isSurrogate(value.charAt(index)) && Character.charCount(codePoint) == 1;
        return unsafe ? String.format("\\u%04x", codePoint) : null;
    }
}
