package dev.turnout.connector.config;

import java.util.List;

/**
 * A configuration file that cannot be used. The message has one line per problem, each of the form
 * {@code file:line: key: what is wrong}, for example
 * {@code tungsten.ini:12: application-port: "70000" is not a port (1-65535)}; problems that
 * belong to no line (an unreadable file, an unknown {@code --service}) omit the line number.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** A single problem; {@code message} should name the file, the line and the key. */
    public ConfigException(String message) {
        super(message);
        this.problems = List.of(message);
    }

    ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in file order, one message each (the exception message joins them with newlines). */
    public List<String> problems() {
        return problems;
    }
}
