package dev.turnout.connector.bridge;

import dev.turnout.connector.config.DataserviceConfig;
import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.session.Listener;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link BridgeTargets#roundRobin}: the master for read-write connections, the replicas in turn for
 * read-only ones. Immutable but for one atomic counter; thread-safe.
 */
final class RoundRobinTargets implements BridgeTargets {

    private final HostPort master;
    /** The members other than the master; the master alone when there are none. */
    private final List<HostPort> replicas;

    private final AtomicInteger next = new AtomicInteger();

    RoundRobinTargets(DataserviceConfig dataservice) {
        if (dataservice.isComposite()) {
            throw new IllegalArgumentException(
                    "bridge mode serves a dataservice, not the composite " + dataservice.name());
        }
        this.master = dataservice.requireMaster();
        List<HostPort> others = dataservice.members().stream()
                .filter(member -> !member.equals(master))
                .toList();
        this.replicas = others.isEmpty() ? List.of(master) : others;
    }

    @Override
    public HostPort choose(Listener listener) {
        return switch (listener) {
            case READ_WRITE -> master;
            case READ_ONLY -> replicas.get(Math.floorMod(next.getAndIncrement(), replicas.size()));
        };
    }
}
