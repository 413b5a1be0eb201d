package dev.turnout.protocol.classify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements of {@code classify-corpus.tsv} with their expected classification. Columns: type,
 * flags (comma-separated, {@code -} for none), hint ({@code -} for none), SQL with {@code \n},
 * {@code \t}, {@code \r}, {@code \\} and {@code \}{@code uXXXX} escapes. Lines starting with {@code #} are comments.
 */
final class Corpus {

    static final String RESOURCE = "classify-corpus.tsv";

    record Row(int line, StatementType type, long flags, HintQos hint, String sql) {
        @Override
        public String toString() {
            return "line " + line + ": " + sql.replace("\n", "\\n");
        }
    }

    private Corpus() {}

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = Corpus.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " not on the test class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String text;
            int line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                String[] columns = text.split("\t", 4);
                if (columns.length != 4) {
                    throw new IllegalStateException(RESOURCE + ":" + line + ": expected 4 tab-separated columns");
                }
                rows.add(new Row(
                        line,
                        StatementType.valueOf(columns[0]),
                        flags(columns[1]),
                        columns[2].equals("-") ? HintQos.NONE : HintQos.valueOf(columns[2]),
                        unescape(columns[3], line)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static long flags(String column) {
        long flags = 0;
        if (!column.equals("-")) {
            for (String name : column.split(",")) {
                flags |= StatementFlag.valueOf(name).bit();
            }
        }
        return flags;
    }

    private static String unescape(String s, int line) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (i + 1 >= s.length()) {
                throw new IllegalStateException(RESOURCE + ":" + line + ": backslash at the end");
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case '\\' -> sb.append('\\');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new IllegalStateException(RESOURCE + ":" + line + ": unknown escape \\" + e);
            }
        }
        return sb.toString();
    }
}
