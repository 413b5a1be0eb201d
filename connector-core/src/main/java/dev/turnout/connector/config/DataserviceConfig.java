package dev.turnout.connector.config;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One {@code [NAME]} section of the configuration file: a dataservice (a replicated cluster) or a
 * composite dataservice (several dataservices at different sites).
 *
 * <p>For a dataservice, {@code master} is the host that holds the primary role as configured:
 * the {@code master} key of an active site, or the {@code relay} key of a passive site (then
 * {@code relaySource} names the dataservice it replicates from). It is always one of
 * {@code members}. The live roles come from the topology, not from here.
 *
 * <p>For a composite ({@link #isComposite()}), {@code topology} is {@code "composite"},
 * {@code master} and {@code relaySource} are null, {@code members} and {@code connectors} are empty,
 * and {@code compositeDatasources} names its dataservices, each a non-composite section of the file.
 *
 * @param name                 the section name
 * @param topology             {@code "clustered"} for a dataservice, {@code "composite"} for a composite
 * @param master               the configured primary (or relay) host; null only for a composite
 * @param members              every datasource host, master included, in file order
 * @param connectors           host names the connectors run on (informational)
 * @param relaySource          the dataservice a passive site replicates from; null otherwise
 * @param compositeDatasources the dataservices of a composite; empty for a dataservice
 */
public record DataserviceConfig(
        String name,
        String topology,
        @Nullable HostPort master,
        List<HostPort> members,
        List<String> connectors,
        @Nullable String relaySource,
        List<String> compositeDatasources) {

    /** The {@code topology} of a composite dataservice. */
    public static final String COMPOSITE = "composite";
    /** The only dataservice {@code topology} this version supports. */
    public static final String CLUSTERED = "clustered";

    public DataserviceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topology, "topology");
        members = List.copyOf(members);
        connectors = List.copyOf(connectors);
        compositeDatasources = List.copyOf(compositeDatasources);
        if (compositeDatasources.isEmpty()) {
            Objects.requireNonNull(master, "master");
            if (!members.contains(master)) {
                throw new IllegalArgumentException("master " + master + " is not among members " + members);
            }
        } else if (master != null || relaySource != null || !members.isEmpty() || !connectors.isEmpty()) {
            throw new IllegalArgumentException(
                    "a composite dataservice has no master, relay source, members or connectors");
        }
    }

    /**
     * The name of a member as a datasource, the same for connectors and managers: its host when
     * every member has a host of its own, else {@code host:port} (several servers on one machine,
     * as in the sandbox). {@code connector-affinity} and the user map's affinities use these names.
     */
    public String datasourceName(HostPort member) {
        long sameHost =
                members.stream().filter(m -> m.host().equals(member.host())).count();
        return sameHost > 1 ? member.toString() : member.host();
    }

    /**
     * The configured master of a dataservice, for callers that serve one: a composite has none.
     *
     * @throws IllegalStateException for a composite
     */
    public HostPort requireMaster() {
        if (master == null) {
            throw new IllegalStateException("the composite dataservice " + name + " has no master");
        }
        return master;
    }

    /** True for a composite dataservice (a section with {@code composite-datasources}). */
    public boolean isComposite() {
        return !compositeDatasources.isEmpty();
    }
}
