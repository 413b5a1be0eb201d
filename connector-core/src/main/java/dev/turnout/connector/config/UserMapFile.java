package dev.turnout.connector.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * Where the user map of a section comes from: the resolved {@code connector-user-map} path, and
 * the configuration file and line that named it, which prefix the messages about a file that
 * cannot be read.
 *
 * @param path   absolute, normalised
 * @param source the configuration file's name in messages
 * @param line   the line of the {@code connector-user-map} key in it
 */
record UserMapFile(Path path, String source, int line) {

    UserMapFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(source, "source");
    }

    /** {@code source:line: connector-user-map}, the start of a message about the file. */
    String origin() {
        return source + ":" + line + ": " + Key.CONNECTOR_USER_MAP.keyName();
    }

    /**
     * Reads, parses and validates the file against the configuration's dataservice names.
     *
     * @throws ConfigException an unreadable file as {@code origin: "path": reason}; problems of
     *                         its content as {@code path:line: reason}
     */
    UserMap load(Set<String> services) throws ConfigException {
        String text;
        try {
            text = UserMap.read(path);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(origin() + ": " + Values.quote(path.toString()) + ": " + e.getMessage());
        }
        UserMap map = UserMap.parse(text, path.toString());
        map.validate(services);
        return map;
    }
}
