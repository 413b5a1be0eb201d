package dev.turnout.connector.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One {@code [name]} section as read: its header line and its {@code key=value} entries in file
 * order, keys not yet checked. Filled by {@link IniReader}, read-only afterwards.
 */
final class IniSection {

    static final String DEFAULTS = "defaults";

    /** One {@code key=value} line; both sides trimmed. */
    record Entry(String key, String value, int line) {}

    private final String name;
    private final int line;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    IniSection(String name, int line) {
        this.name = name;
        this.line = line;
    }

    String name() {
        return name;
    }

    int line() {
        return line;
    }

    boolean isDefaults() {
        return DEFAULTS.equals(name);
    }

    /** Adds an entry, or returns the earlier entry of the same key (and adds nothing). */
    Entry putIfAbsent(Entry entry) {
        return entries.putIfAbsent(entry.key(), entry);
    }

    /** The entry of {@code key}; null when the section does not set it. */
    @Nullable
    Entry get(Key key) {
        return entries.get(key.keyName());
    }

    boolean has(Key key) {
        return entries.containsKey(key.keyName());
    }

    Map<String, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }
}
