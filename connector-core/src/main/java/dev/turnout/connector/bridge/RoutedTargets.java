package dev.turnout.connector.bridge;

import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.session.Listener;
import dev.turnout.connector.topology.ConnectorTopology;
import dev.turnout.routing.policy.ActiveSessions;
import dev.turnout.routing.policy.ReadPolicy;
import dev.turnout.routing.policy.RouteDecision;
import dev.turnout.routing.policy.Router;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.GtidPosition;

/**
 * Bridge targets chosen on the live topology: the read-write listener's clients go to the current
 * master, the read-only listener's to a replica that qualifies under the read policy (latency
 * bound, affinity, balancer), else to the master. One shared router, used under a lock: a choice
 * is made once per connection, not per statement.
 */
final class RoutedTargets implements BridgeTargets {

    private final ConnectorTopology topology;
    private final BridgeTargets fallback;
    private final Router router;
    private final RouteDecision decision = new RouteDecision();

    RoutedTargets(ConnectorTopology topology, ReadPolicy policy, BridgeTargets fallback) {
        this.topology = topology;
        this.router = new Router(policy);
        this.fallback = fallback;
    }

    @Override
    public HostPort choose(Listener listener) {
        Dataservice service = topology.dataservice();
        Datasource target;
        synchronized (this) {
            if (listener == Listener.READ_ONLY) {
                router.read(service, GtidPosition.EMPTY, ActiveSessions.NONE, decision);
            } else {
                router.primary(service, dev.turnout.routing.policy.Reason.WRITE, decision);
            }
            target = decision.target();
        }
        return target == null ? fallback.choose(listener) : new HostPort(target.host(), target.port());
    }
}
