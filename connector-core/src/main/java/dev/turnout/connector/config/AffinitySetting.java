package dev.turnout.connector.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Datasources (or, for a composite dataservice, dataservices) that reads prefer or avoid, as in
 * {@code connector-affinity=db2,-db3} and the fourth field of a user map line: a comma-separated
 * list of names, a leading {@code -} excludes the name. Names are kept as written; each is a host
 * name, an address (optionally with a port, e.g. {@code db2:13306}) or a section name. A name may
 * appear only once, preferred or excluded. The configuration's own form, as {@link QosSetting} and
 * {@link LoadBalancerSetting} are; the connector maps it to the routing module's
 * {@code dev.turnout.routing.policy.Affinity}.
 *
 * @param preferred the names to prefer, in the order written (unmodifiable)
 * @param excluded  the names never to read from, in the order written (unmodifiable)
 */
public record AffinitySetting(List<String> preferred, Set<String> excluded) {

    /** No preference, no exclusion: the default. */
    public static final AffinitySetting NONE = new AffinitySetting(List.of(), Set.of());

    private static final String SYNTAX = " (expected names separated by commas, a leading - excludes one: db2,-db3)";

    public AffinitySetting {
        preferred = List.copyOf(preferred);
        excluded = Collections.unmodifiableSet(new LinkedHashSet<>(excluded));
    }

    /** True when nothing is preferred or excluded. */
    public boolean isNone() {
        return preferred.isEmpty() && excluded.isEmpty();
    }

    /**
     * Reads the file syntax, e.g. {@code db2,-db3}; whitespace around the items is ignored.
     *
     * @throws IllegalArgumentException with the part of an operator message that follows the key
     */
    static AffinitySetting parse(String text) {
        List<String> preferred = new ArrayList<>();
        Set<String> excluded = new LinkedHashSet<>();
        for (String raw : text.split(",", -1)) {
            String item = raw.strip();
            boolean exclude = item.startsWith("-");
            String name = exclude ? item.substring(1).strip() : item;
            if (name.isEmpty()) {
                throw new IllegalArgumentException(Values.quote(text) + " has an empty item" + SYNTAX);
            }
            if (!isName(name)) {
                throw new IllegalArgumentException(Values.quote(name) + " is not a datasource or dataservice name");
            }
            if (preferred.contains(name) || excluded.contains(name)) {
                throw new IllegalArgumentException(Values.quote(name) + " is listed twice");
            }
            if (exclude) {
                excluded.add(name);
            } else {
                preferred.add(name);
            }
        }
        return new AffinitySetting(preferred, excluded);
    }

    private static boolean isName(String name) {
        try {
            HostPort.parse(name, 1);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The file syntax, e.g. {@code db2,-db3}; empty for {@link #NONE}. */
    @Override
    public String toString() {
        List<String> items = new ArrayList<>(preferred);
        excluded.forEach(name -> items.add("-" + name));
        return String.join(",", items);
    }
}
