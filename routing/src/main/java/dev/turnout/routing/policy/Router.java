package dev.turnout.routing.policy;

import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.GtidPosition;
import dev.turnout.routing.topology.ReplicationState;
import dev.turnout.routing.topology.Role;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Decides where a statement of a session goes, as a pure function of a dataservice (from the
 * current topology snapshot), the session's read policy, the position its reads must see and the
 * active-session counts; the only state is the round-robin cursor.
 *
 * <p>One instance per session; not thread-safe (confined to the session's thread). Neither
 * {@link #primary} nor {@link #read} allocates in the steady state: index loops, a scratch array
 * that grows only for a larger dataservice than seen before, the result written into a reused
 * {@link RouteDecision}.
 *
 * <p>Read rules: a replica qualifies when {@link #qualifies} says so. With session consistency and a
 * non-empty required position, only replicas whose position contains it; if none does, the
 * qualifying replicas with a wait ({@link Reason#CONSISTENCY_WAIT}) when waiting is configured, else
 * the primary ({@link Reason#REPLICAS_NOT_CONSISTENT}). Then the first preferred name of the
 * affinity that matches a candidate wins; otherwise the balancer chooses among all candidates.
 * Without any candidate, the primary ({@link Reason#REPLICAS_LAGGING} when healthy replicas were
 * only too far behind, else {@link Reason#NO_REPLICA_ONLINE}); without a primary either, no target
 * ({@link Reason#NO_PRIMARY}).
 */
public final class Router {

    private final ReadPolicy policy;
    private Datasource[] candidates = new Datasource[4];
    private int cursor;

    /** A router for one session's reads. */
    public Router(ReadPolicy policy) {
        this(policy, 0);
    }

    /**
     * A router whose round robin starts at {@code start} (non-negative): sessions seeded
     * differently (e.g. by connection id) spread even their first reads over the replicas.
     */
    public Router(ReadPolicy policy, int start) {
        this.policy = Objects.requireNonNull(policy, "policy");
        if (start < 0) {
            throw new IllegalArgumentException("start: must not be negative, got " + start);
        }
        this.cursor = start;
    }

    /**
     * A router with the same policy whose round robin starts where this one's is now: it decides
     * as this one would, and moving it leaves this one where it is (for "explain").
     */
    public Router copy() {
        return new Router(policy, cursor);
    }

    /** The session's read policy. */
    public ReadPolicy policy() {
        return policy;
    }

    /**
     * The master, when it is ONLINE and reachable, with {@code reason}; otherwise no target and
     * {@link Reason#NO_PRIMARY}.
     */
    public void primary(Dataservice service, Reason reason, RouteDecision out) {
        Objects.requireNonNull(reason, "reason");
        Datasource master = onlineMaster(service);
        if (master == null) {
            out.set(null, Reason.NO_PRIMARY, false);
        } else {
            out.set(master, reason, false);
        }
    }

    /**
     * The session stays on the backend it is on (pinned state, diagnostics of the previous
     * statement), with {@code reason}; nothing is checked: the connector knows where it is.
     */
    public void stay(Datasource current, Reason reason, RouteDecision out) {
        out.set(Objects.requireNonNull(current, "current"), Objects.requireNonNull(reason, "reason"), false);
    }

    /**
     * Where a read goes (see the class comment for the rules).
     *
     * @param required the position the read must see; {@link GtidPosition#EMPTY} when the session
     *        has no write to see
     * @param active active sessions per datasource, for {@link Balancer#LEAST_ACTIVE}
     */
    public void read(Dataservice service, GtidPosition required, ActiveSessions active, RouteDecision out) {
        List<Datasource> all = service.datasources();
        int size = all.size();
        if (candidates.length < size) {
            candidates = new Datasource[Math.max(size, candidates.length * 2)];
        }
        Datasource[] cand = candidates;
        int n = 0;
        boolean lagging = false;
        for (int i = 0; i < size; i++) {
            Datasource d = all.get(i);
            if (healthy(d, policy.affinity())) {
                if (withinBound(d, policy.maxLatencyMillis())) {
                    cand[n++] = d;
                } else {
                    lagging = true;
                }
            }
        }
        if (n == 0) {
            fallBack(service, lagging ? Reason.REPLICAS_LAGGING : Reason.NO_REPLICA_ONLINE, out);
            return;
        }
        int found = n;
        Reason reason = Reason.REPLICA_READ;
        boolean wait = false;
        if (policy.sessionConsistency() && !required.isEmpty()) {
            int consistent = 0;
            for (int i = 0; i < n; i++) {
                if (cand[i].position().contains(required)) {
                    cand[consistent++] = cand[i];
                }
            }
            if (consistent > 0) {
                n = consistent;
                reason = Reason.CONSISTENT_REPLICA_READ;
            } else if (policy.consistencyWaitMillis() > 0) {
                reason = Reason.CONSISTENCY_WAIT;
                wait = true;
            } else {
                clear(cand, found);
                fallBack(service, Reason.REPLICAS_NOT_CONSISTENT, out);
                return;
            }
        }
        Datasource chosen = preferred(cand, n);
        if (chosen == null) {
            chosen = balance(cand, n, active);
        }
        clear(cand, found);
        out.set(chosen, reason, wait);
    }

    /**
     * Whether a replica may get reads under {@code policy}, whatever the session's consistency
     * needs: role SLAVE or RELAY, state ONLINE, reachable, replication RUNNING or APPLIER_STOPPED,
     * not excluded by the affinity, and with a staleness bound, latency known and within it.
     */
    public static boolean qualifies(Datasource replica, ReadPolicy policy) {
        return healthy(replica, policy.affinity()) && withinBound(replica, policy.maxLatencyMillis());
    }

    private static boolean healthy(Datasource d, Affinity affinity) {
        return d.isReplica()
                && d.state() == DatasourceState.ONLINE
                && d.reachable()
                && (d.replication() == ReplicationState.RUNNING || d.replication() == ReplicationState.APPLIER_STOPPED)
                && !affinity.excludes(d.name(), d.host());
    }

    private static boolean withinBound(Datasource d, long maxLatencyMillis) {
        return maxLatencyMillis < 0 || (d.latencyMillis() >= 0 && d.latencyMillis() <= maxLatencyMillis);
    }

    /** The master when it is ONLINE and reachable; null when there is none or it is not. */
    private static @Nullable Datasource onlineMaster(Dataservice service) {
        List<Datasource> all = service.datasources();
        for (int i = 0; i < all.size(); i++) {
            Datasource d = all.get(i);
            if (d.role() == Role.MASTER) {
                return d.state() == DatasourceState.ONLINE && d.reachable() ? d : null;
            }
        }
        return null;
    }

    private static void fallBack(Dataservice service, Reason reason, RouteDecision out) {
        Datasource master = onlineMaster(service);
        if (master == null) {
            out.set(null, Reason.NO_PRIMARY, false);
        } else {
            out.set(master, reason, false);
        }
    }

    /** The first candidate the affinity prefers, in its order; null when it prefers none of them. */
    private @Nullable Datasource preferred(Datasource[] cand, int n) {
        List<String> names = policy.affinity().preferred();
        for (int p = 0; p < names.size(); p++) {
            String name = names.get(p);
            for (int i = 0; i < n; i++) {
                if (cand[i].name().equals(name) || cand[i].host().equals(name)) {
                    return cand[i];
                }
            }
        }
        return null;
    }

    private Datasource balance(Datasource[] cand, int n, ActiveSessions active) {
        if (n == 1) {
            return cand[0];
        }
        switch (policy.balancer()) {
            case ROUND_ROBIN:
                return cand[nextTurn(n)];
            case LEAST_ACTIVE: {
                // One pass (each count read once: the connector may change them meanwhile), keeping
                // the candidates tied for the best at the front in their order, then taken in turn.
                int best = Integer.MAX_VALUE;
                int ties = 0;
                for (int i = 0; i < n; i++) {
                    int count = active.active(cand[i]);
                    if (count < best) {
                        best = count;
                        ties = 0;
                    }
                    if (count == best) {
                        swap(cand, ties++, i);
                    }
                }
                return cand[nextTurn(ties)];
            }
            case LOWEST_LATENCY: {
                long best = Long.MAX_VALUE;
                int ties = 0;
                for (int i = 0; i < n; i++) {
                    long rank = latencyRank(cand[i]);
                    if (rank < best) {
                        best = rank;
                        ties = 0;
                    }
                    if (rank == best) {
                        swap(cand, ties++, i);
                    }
                }
                return cand[nextTurn(ties)];
            }
            case MOST_ADVANCED: {
                Datasource best = cand[0];
                for (int i = 1; i < n; i++) {
                    if (cand[i].position().isAheadOf(best.position())) {
                        best = cand[i];
                    }
                }
                int ties = 0;
                for (int i = 0; i < n; i++) {
                    if (!best.position().isAheadOf(cand[i].position())) {
                        swap(cand, ties++, i);
                    }
                }
                return cand[nextTurn(ties)];
            }
            default:
                throw new IllegalStateException("unknown balancer " + policy.balancer());
        }
    }

    /** Unknown latency (-1) ranks after every known one. */
    private static long latencyRank(Datasource d) {
        return d.latencyMillis() < 0 ? Long.MAX_VALUE : d.latencyMillis();
    }

    /** Keeps no datasource (and so no old snapshot) reachable from a session between decisions. */
    private static void clear(Datasource[] cand, int n) {
        for (int i = 0; i < n; i++) {
            cand[i] = null;
        }
    }

    private static void swap(Datasource[] a, int i, int j) {
        Datasource t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** The index to take among {@code n} in turn; advances the cursor. */
    private int nextTurn(int n) {
        int index = cursor % n;
        cursor = cursor == Integer.MAX_VALUE ? 0 : cursor + 1;
        return index;
    }
}
