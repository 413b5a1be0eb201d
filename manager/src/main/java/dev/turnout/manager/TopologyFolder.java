package dev.turnout.manager;

import dev.turnout.monitor.Probe;
import dev.turnout.monitor.ReplicaStatus;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.GtidPosition;
import dev.turnout.routing.topology.ReplicationState;
import dev.turnout.routing.topology.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Folds a round of probes into the dataservice the manager publishes: roles from what the servers
 * say, states from reachability and the operator's overrides, health from the probes.
 *
 * <p>The master is the reachable server that is not {@code read_only}; when several are, the one
 * the most replicas replicate from, then the previous master. When none is (the master is down or
 * fenced), the previous master keeps its role so that a dead primary shows as a FAILED master
 * rather than vanishing. A datasource the operator set OFFLINE or SHUNNED keeps that state until
 * the operator changes it; otherwise reachable means ONLINE and unreachable FAILED.
 *
 * <p>Pure and stateless: a plain function of its arguments.
 */
final class TopologyFolder {

    private TopologyFolder() {}

    /**
     * The dataservice after {@code round}.
     *
     * @param previous the dataservice as last published (its datasources name the probes)
     * @param round one probe per datasource, by name; a datasource without a probe keeps its health
     * @param overrides operator-set states by datasource name (OFFLINE, SHUNNED)
     */
    static Dataservice fold(Dataservice previous, List<Probe> round, Map<String, DatasourceState> overrides) {
        Map<String, Probe> byName = new HashMap<>();
        for (Probe p : round) {
            byName.put(p.name(), p);
        }
        String master = pickMaster(previous, byName);
        List<Datasource> out = new ArrayList<>();
        for (Datasource d : previous.datasources()) {
            Probe p = byName.get(d.name());
            Role role = d.name().equals(master) ? Role.MASTER : (d.role() == Role.RELAY ? Role.RELAY : Role.SLAVE);
            Datasource next = d.withRole(role);
            if (p != null) {
                next = next.withHealth(
                        p.reachable(),
                        role == Role.MASTER && p.reachable() && p.replica() == null
                                ? ReplicationState.NONE
                                : replication(p),
                        p.reachable() ? (role == Role.MASTER ? 0 : p.latencyMillis()) : -1,
                        p.reachable() ? parse(p.gtidPosition(), d.position()) : d.position());
                DatasourceState override = overrides.get(d.name());
                next = next.withState(
                        override != null ? override : p.reachable() ? DatasourceState.ONLINE : DatasourceState.FAILED);
            }
            out.add(next);
        }
        return new Dataservice(previous.name(), out);
    }

    /** The datasource that is the master now; null when there is none (none was, and none is writable). */
    private static @Nullable String pickMaster(Dataservice previous, Map<String, Probe> byName) {
        String previousMaster = previous.master().map(Datasource::name).orElse(null);
        List<Datasource> writable = new ArrayList<>();
        for (Datasource d : previous.datasources()) {
            Probe p = byName.get(d.name());
            if (p != null && p.reachable() && !p.readOnly()) {
                writable.add(d);
            }
        }
        if (writable.isEmpty()) {
            return previousMaster;
        }
        if (writable.size() == 1) {
            return writable.get(0).name();
        }
        Datasource best = null;
        int bestFollowers = -1;
        for (Datasource candidate : writable) {
            int followers = 0;
            for (Probe p : byName.values()) {
                ReplicaStatus r = p.replica();
                if (p.reachable()
                        && r != null
                        && r.sourcePort() == candidate.port()
                        && r.sourceHost().equalsIgnoreCase(candidate.host())) {
                    followers++;
                }
            }
            if (followers > bestFollowers
                    || (followers == bestFollowers && candidate.name().equals(previousMaster))) {
                best = candidate;
                bestFollowers = followers;
            }
        }
        // Two or more writable candidates: the first always beats bestFollowers = -1.
        return Objects.requireNonNull(best, "there was a candidate").name();
    }

    private static ReplicationState replication(Probe p) {
        ReplicaStatus r = p.replica();
        if (!p.reachable() || r == null) {
            return ReplicationState.NONE;
        }
        if (r.lastIoErrno() != 0 || r.lastSqlErrno() != 0) {
            return ReplicationState.BROKEN;
        }
        if (r.ioRunning() && r.sqlRunning()) {
            return ReplicationState.RUNNING;
        }
        if (!r.sqlRunning() && r.ioRunning()) {
            return ReplicationState.APPLIER_STOPPED;
        }
        return r.sqlRunning() ? ReplicationState.RUNNING : ReplicationState.STOPPED;
    }

    private static GtidPosition parse(String text, GtidPosition fallback) {
        try {
            return GtidPosition.parse(text);
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }
}
