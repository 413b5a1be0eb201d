package dev.turnout.routing.topology;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole topology a connector routes by, at one version. Immutable and shareable between
 * threads: a connector reads the current snapshot once per command and never applies one older
 * than what it has (see {@link TopologyHolder}).
 *
 * @param version increasing within an epoch, >= 0
 * @param policy the managers' policy
 * @param dataservices by name (copied, immutable, sorted by name); each key is its value's name
 * @param composites by name (copied, immutable, sorted by name); each key is its value's name, each
 *        member a dataservice of this snapshot, no name shared with a dataservice
 * @param epoch the election epoch of the coordinator that made it, >= 0; 0 for a manager that
 *        decides alone. Snapshots are ordered by epoch first, then version ({@link #isNewerThan})
 */
public record TopologySnapshot(
        long version,
        Policy policy,
        Map<String, Dataservice> dataservices,
        Map<String, CompositeDataservice> composites,
        long epoch) {

    /** Validates and copies. */
    public TopologySnapshot {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, got " + version);
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        Checks.notNull(policy, "policy");
        dataservices = copy(dataservices, "dataservices");
        composites = copy(composites, "composites");
        for (Map.Entry<String, Dataservice> e : dataservices.entrySet()) {
            if (!e.getKey().equals(e.getValue().name())) {
                throw new IllegalArgumentException("dataservices key '" + e.getKey() + "' differs from its name '"
                        + e.getValue().name() + "'");
            }
        }
        for (Map.Entry<String, CompositeDataservice> e : composites.entrySet()) {
            CompositeDataservice composite = e.getValue();
            if (!e.getKey().equals(composite.name())) {
                throw new IllegalArgumentException(
                        "composites key '" + e.getKey() + "' differs from its name '" + composite.name() + "'");
            }
            if (dataservices.containsKey(composite.name())) {
                throw new IllegalArgumentException(
                        "composites name '" + composite.name() + "' is also the name of a dataservice");
            }
            for (String member : composite.members()) {
                if (!dataservices.containsKey(member)) {
                    throw new IllegalArgumentException("composites '" + composite.name() + "' has member '" + member
                            + "' that is not one of the dataservices " + dataservices.keySet());
                }
            }
        }
    }

    /** A snapshot of epoch 0 (a manager that decides alone, or no manager at all). */
    public TopologySnapshot(
            long version,
            Policy policy,
            Map<String, Dataservice> dataservices,
            Map<String, CompositeDataservice> composites) {
        this(version, policy, dataservices, composites, 0);
    }

    /**
     * Whether this snapshot replaces {@code other}: a higher epoch, whatever its version (a new
     * coordinator's versions need not continue the old one's), or the same epoch and a higher
     * version. A lower epoch never does.
     */
    public boolean isNewerThan(TopologySnapshot other) {
        return epoch != other.epoch ? epoch > other.epoch : version > other.version;
    }

    /** This snapshot with version {@code v}: the same epoch and content. */
    public TopologySnapshot withVersion(long v) {
        return v == version ? this : new TopologySnapshot(v, policy, dataservices, composites, epoch);
    }

    /** This snapshot as made by the coordinator of {@code e}: the same version and content. */
    public TopologySnapshot withEpoch(long e) {
        return e == epoch ? this : new TopologySnapshot(version, policy, dataservices, composites, e);
    }

    private static <V> Map<String, V> copy(Map<String, V> map, String field) {
        Checks.notNull(map, field);
        TreeMap<String, V> sorted = new TreeMap<>();
        for (Map.Entry<String, V> e : map.entrySet()) {
            sorted.put(
                    Checks.notNull(e.getKey(), field + " key"),
                    Checks.notNull(e.getValue(), field + "['" + e.getKey() + "']"));
        }
        return Collections.unmodifiableSortedMap(sorted);
    }

    /** A snapshot of the given dataservices and no composite. */
    public static TopologySnapshot of(long version, Policy policy, Dataservice... dataservices) {
        TreeMap<String, Dataservice> map = new TreeMap<>();
        for (Dataservice d : dataservices) {
            if (map.put(d.name(), d) != null) {
                throw new IllegalArgumentException("dataservices name '" + d.name() + "' twice");
            }
        }
        return new TopologySnapshot(version, policy, map, Map.of());
    }

    /**
     * The dataservice of that name.
     *
     * @throws IllegalArgumentException when there is none, listing those there are
     */
    public Dataservice dataservice(String name) {
        Dataservice d = dataservices.get(name);
        if (d == null) {
            throw new IllegalArgumentException("no dataservice '" + name + "' in topology version " + version
                    + "; known: " + dataservices.keySet());
        }
        return d;
    }

    /** The next version: this one with {@code d} added or replacing the dataservice of its name. */
    public TopologySnapshot withDataservice(Dataservice d) {
        Checks.notNull(d, "d");
        TreeMap<String, Dataservice> map = new TreeMap<>(dataservices);
        map.put(d.name(), d);
        return new TopologySnapshot(version + 1, policy, map, composites, epoch);
    }

    /** The next version: this one with another policy. */
    public TopologySnapshot withPolicy(Policy p) {
        return new TopologySnapshot(version + 1, p, dataservices, composites, epoch);
    }
}
