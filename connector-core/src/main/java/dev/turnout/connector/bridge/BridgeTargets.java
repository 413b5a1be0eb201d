package dev.turnout.connector.bridge;

import dev.turnout.connector.config.DataserviceConfig;
import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.session.Listener;
import dev.turnout.connector.topology.ConnectorTopology;
import dev.turnout.routing.policy.ReadPolicy;

/**
 * Chooses the datasource a bridged connection is relayed to, once, when the client connects.
 * Implementations are called from every event loop and must be thread-safe and must not block.
 */
@FunctionalInterface
public interface BridgeTargets {

    /** The datasource for a client that connected to {@code listener}. */
    HostPort choose(Listener listener);

    /**
     * The configured dataservice, without health information: {@link Listener#READ_WRITE} goes to
     * its master; {@link Listener#READ_ONLY} to the other members in turn (round robin), or to the
     * master when it has no other member.
     *
     * @throws IllegalArgumentException for a composite dataservice (it has no master of its own)
     */
    static BridgeTargets roundRobin(DataserviceConfig dataservice) {
        return new RoundRobinTargets(dataservice);
    }

    /**
     * The live topology: {@link Listener#READ_WRITE} goes to the current master, {@link Listener#READ_ONLY}
     * to a replica that qualifies under {@code policy}, else to the master; the configured
     * dataservice ({@link #roundRobin}) when the topology knows no master.
     */
    static BridgeTargets routed(ConnectorTopology topology, ReadPolicy policy, DataserviceConfig dataservice) {
        return new RoutedTargets(topology, policy, roundRobin(dataservice));
    }
}
