package dev.turnout.connector.session;

import dev.turnout.connector.topology.ConnectorTopology;
import dev.turnout.protocol.classify.HintQos;
import dev.turnout.routing.policy.Qos;
import dev.turnout.routing.policy.Reason;
import dev.turnout.routing.policy.RouteDecision;
import dev.turnout.routing.policy.Router;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.GtidPosition;
import dev.turnout.routing.topology.Role;
import org.jspecify.annotations.Nullable;

/**
 * The route decision of a session's statements: from the statement's own reason to run on the
 * primary (if any), its comment hint, the session's quality of service and state (transaction,
 * autocommit, pins, last write), the topology and the session's back-offs, to a {@link Route}.
 * It opens nothing and changes nothing of the session; the only state it moves is the round-robin
 * cursor of its {@link Router}, and {@link #forExplain()} gives a copy that moves its own.
 *
 * <p>Confined to the session's event loop.
 */
final class SessionRouter {

    private final RoutingSettings routing;
    private final ConnectorTopology topology;
    private final SessionState state;
    private final SessionBackends backends;
    private final Qos qos;
    private final Router router;
    private final RouteDecision decision = new RouteDecision();

    SessionRouter(
            RoutingSettings routing,
            ConnectorTopology topology,
            SessionState state,
            SessionBackends backends,
            Qos qos,
            Router router) {
        this.routing = routing;
        this.topology = topology;
        this.state = state;
        this.backends = backends;
        this.qos = qos;
        this.router = router;
    }

    /** The session's quality of service. */
    Qos qos() {
        return qos;
    }

    /** A router that decides as this one does, without moving this one's round robin. */
    SessionRouter forExplain() {
        return new SessionRouter(routing, topology, state, backends, qos, router.copy());
    }

    /**
     * Where a statement goes.
     *
     * @param reason     why the statement itself must run on the primary, or null when a replica may serve it;
     *                   {@link Reason#READ_ONLY_TRANSACTION} for a {@code START TRANSACTION READ ONLY}
     * @param hint       its comment hint
     * @param hasCurrent the session has a backend its previous statement ran on
     */
    void decide(@Nullable Reason reason, HintQos hint, boolean hasCurrent, Dataservice service, Route out) {
        if (backends.relayed()) {
            out.primary(Reason.AUTHENTICATED_BY_PRIMARY); // it has no other connection, and can open none
            return;
        }
        if (reason == Reason.DIAGNOSTICS && hasCurrent) {
            out.current(reason); // SHOW WARNINGS and the like describe the previous statement, wherever it ran
            return;
        }
        Datasource inTransaction = state.readOnlyTransaction();
        if (inTransaction != null) {
            int slot = state.readOnlyTransactionSlot();
            boolean there = reason == null
                    || ReadOnlyTransactions.inside(reason, null) == ReadOnlyTransactions.Inside.REPLICA
                    || reason == Reason.TRANSACTION; // COMMIT, ROLLBACK: the dispatcher refuses the others
            if (there && backends.at(slot) != null) {
                out.replica(inTransaction, slot, Reason.READ_ONLY_TRANSACTION, false);
                return;
            }
            if (there) {
                state.readOnlyTransactionEnded(); // its connection is gone, and the transaction with it
            }
        }
        boolean readOnlyBegin = reason == Reason.READ_ONLY_TRANSACTION;
        if (reason == null || readOnlyBegin) {
            reason = state.stateReason();
        }
        Qos effective = switch (hint) {
            case RO_RELAXED -> Qos.RO_RELAXED;
            case RW_STRICT -> Qos.RW_STRICT;
            case NONE -> qos;
        };
        if (reason == null && effective == Qos.RW_STRICT) {
            reason = Reason.QOS_RW_STRICT;
        }
        if (reason != null) {
            out.primary(readOnlyBegin && reason == Reason.QOS_RW_STRICT ? Reason.TRANSACTION : reason);
            return;
        }
        router.read(
                service,
                routing.smartscale() ? state.lastWrite() : GtidPosition.EMPTY,
                topology.activeSessions(),
                decision);
        Datasource chosen = decision.target();
        if (chosen == null || chosen.role() == Role.MASTER) {
            out.primary(readOnlyBegin ? Reason.TRANSACTION : decision.reason());
            return;
        }
        int slot = topology.slot(chosen.name());
        if (slot < 0 || backends.backedOff(slot)) {
            out.primary(readOnlyBegin ? Reason.TRANSACTION : Reason.NO_REPLICA_ONLINE);
            return;
        }
        out.replica(
                chosen,
                slot,
                readOnlyBegin ? Reason.READ_ONLY_TRANSACTION : decision.reason(),
                decision.waitForPosition());
    }
}
