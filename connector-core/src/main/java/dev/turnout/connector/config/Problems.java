package dev.turnout.connector.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Collects the problems of one file so that an operator sees all of them at once, sorted by line
 * (problems of the whole file last). Messages are {@code source:line: key: text}; a repeated
 * message (the same bad default seen from two sections) is kept once. Confined to the parsing thread.
 */
final class Problems {

    private record Problem(int line, String message) {}

    private final String source;
    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();

    Problems(String source) {
        this.source = source;
    }

    String source() {
        return source;
    }

    void add(int line, String key, @Nullable String text) {
        record(line, source + ":" + line + ": " + key + ": " + text);
    }

    /** A problem of one line that concerns no key (files without keys, such as the user map). */
    void addLine(int line, String text) {
        record(line, source + ":" + line + ": " + text);
    }

    /** A message already complete (e.g. from another file), sorted as if it were at {@code line}. */
    void addMessage(int line, String message) {
        record(line, message);
    }

    /** A problem of the whole file, not of one line. */
    void addForFile(String text) {
        record(Integer.MAX_VALUE, source + ": " + text);
    }

    private void record(int line, String message) {
        if (seen.add(message)) {
            problems.add(new Problem(line, message));
        }
    }

    int count() {
        return problems.size();
    }

    void throwIfAny() throws ConfigException {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.stream()
                    .sorted(Comparator.comparingInt(Problem::line)) // stable: same line keeps insertion order
                    .map(Problem::message)
                    .toList());
        }
    }
}
