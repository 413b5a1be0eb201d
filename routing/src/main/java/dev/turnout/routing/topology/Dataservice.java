package dev.turnout.routing.topology;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One replicated cluster: at most one master and its replicas. Immutable.
 *
 * <p>Datasource names are unique, and at most one datasource has the role MASTER (none while a
 * failover is under way). To move the master with {@link #with(Datasource)}, demote the old one
 * first, then promote the new one.
 *
 * @param name the dataservice's name
 * @param datasources its datasources in configuration order (copied, immutable)
 */
public record Dataservice(String name, List<Datasource> datasources) {

    /** Validates the name, copies the list, rejects duplicate names and a second master. */
    public Dataservice {
        Checks.name(name, "name");
        Checks.notNull(datasources, "datasources");
        for (int i = 0; i < datasources.size(); i++) {
            if (datasources.get(i) == null) {
                throw new NullPointerException("datasources[" + i + "] must not be null");
            }
        }
        datasources = List.copyOf(datasources);
        Set<String> names = new HashSet<>();
        String master = null;
        for (Datasource d : datasources) {
            if (!names.add(d.name())) {
                throw new IllegalArgumentException(
                        "datasources of dataservice '" + name + "' name '" + d.name() + "' twice");
            }
            if (d.role() == Role.MASTER) {
                if (master != null) {
                    throw new IllegalArgumentException("datasources of dataservice '" + name + "' have two masters: '"
                            + master + "' and '" + d.name() + "'");
                }
                master = d.name();
            }
        }
    }

    /** The datasource with role MASTER, whatever its state. */
    public Optional<Datasource> master() {
        return Optional.ofNullable(masterOrNull());
    }

    /** {@link #master()} without the {@code Optional}, for the per-statement path: allocates nothing. */
    public @Nullable Datasource masterOrNull() {
        for (int i = 0; i < datasources.size(); i++) {
            if (datasources.get(i).role() == Role.MASTER) {
                return datasources.get(i);
            }
        }
        return null;
    }

    /** The datasources with role SLAVE or RELAY, whatever their state, in configuration order. */
    public List<Datasource> slaves() {
        List<Datasource> out = new ArrayList<>();
        for (Datasource d : datasources) {
            if (d.isReplica()) {
                out.add(d);
            }
        }
        return List.copyOf(out);
    }

    /** The datasource of that name. */
    public Optional<Datasource> datasource(String name) {
        for (int i = 0; i < datasources.size(); i++) {
            if (datasources.get(i).name().equals(name)) {
                return Optional.of(datasources.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * This dataservice with the datasource of the same name replaced.
     *
     * @throws IllegalArgumentException when no datasource has that name, or the result has two masters
     */
    public Dataservice with(Datasource replaced) {
        Checks.notNull(replaced, "replaced");
        List<Datasource> out = new ArrayList<>(datasources);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).name().equals(replaced.name())) {
                out.set(i, replaced);
                return new Dataservice(name, out);
            }
        }
        throw new IllegalArgumentException("dataservice '" + name + "' has no datasource '" + replaced.name() + "'");
    }
}
