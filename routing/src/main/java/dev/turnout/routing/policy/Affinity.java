package dev.turnout.routing.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which replicas a session prefers and which it must not use, written {@code "host2,-host3"}:
 * names in order of preference, and names with a leading '-' excluded. A name matches a
 * datasource's name or its host.
 *
 * @param preferred names in order of preference (copied, immutable, no duplicates)
 * @param excluded names that never get this session's reads (copied, immutable, none preferred)
 */
public record Affinity(List<String> preferred, Set<String> excluded) {

    /** No preference, no exclusion. */
    public static final Affinity NONE = new Affinity(List.of(), Set.of());

    /** Validates and copies. */
    public Affinity {
        if (preferred == null) {
            throw new NullPointerException("preferred must not be null");
        }
        if (excluded == null) {
            throw new NullPointerException("excluded must not be null");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String name : preferred) {
            checkName(name, "preferred");
            if (!seen.add(name)) {
                throw new IllegalArgumentException("preferred names '" + name + "' twice");
            }
        }
        for (String name : excluded) {
            checkName(name, "excluded");
            if (seen.contains(name)) {
                throw new IllegalArgumentException("excluded name '" + name + "' is also preferred");
            }
        }
        preferred = List.copyOf(preferred);
        excluded = Set.copyOf(excluded);
    }

    private static void checkName(String name, String field) {
        if (name == null) {
            throw new NullPointerException(field + " must not contain null");
        }
        if (name.isBlank() || !name.strip().equals(name) || name.indexOf(',') >= 0 || name.startsWith("-")) {
            throw new IllegalArgumentException(field + " has an invalid name '" + name + "'");
        }
    }

    /**
     * Parses {@code "host2,host1,-host3"}; spaces around names are ignored.
     *
     * @param text the affinity, or null or blank for {@link #NONE}
     * @throws IllegalArgumentException for an empty element, a bare '-', or a name given twice
     */
    public static Affinity parse(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<String> preferred = new ArrayList<>();
        Set<String> excluded = new LinkedHashSet<>();
        for (String raw : text.split(",", -1)) {
            String part = raw.strip();
            boolean exclude = part.startsWith("-");
            String name = exclude ? part.substring(1).strip() : part;
            if (name.isEmpty()) {
                throw new IllegalArgumentException("affinity '" + text + "' has an empty name");
            }
            if (preferred.contains(name) || excluded.contains(name)) {
                throw new IllegalArgumentException("affinity '" + text + "' names '" + name + "' twice");
            }
            if (exclude) {
                excluded.add(name);
            } else {
                preferred.add(name);
            }
        }
        return new Affinity(preferred, excluded);
    }

    /** True when {@code name} or {@code host} is excluded. Allocates nothing. */
    public boolean excludes(String name, String host) {
        return !excluded.isEmpty() && (excluded.contains(name) || excluded.contains(host));
    }

    /** The text form, {@code "host2,-host3"}, that {@link #parse} reads back (exclusions sorted). */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (String name : preferred) {
            sb.append(sb.length() == 0 ? "" : ",").append(name);
        }
        excluded.stream()
                .sorted()
                .forEach(name -> sb.append(sb.length() == 0 ? "-" : ",-").append(name));
        return sb.toString();
    }
}
