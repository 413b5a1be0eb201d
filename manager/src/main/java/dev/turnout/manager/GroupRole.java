package dev.turnout.manager;

import dev.turnout.manager.group.GroupListener;
import dev.turnout.manager.group.GroupSettings;
import dev.turnout.manager.group.ManagerGroup;
import dev.turnout.manager.group.MemberView;
import dev.turnout.manager.group.Operation;
import dev.turnout.manager.group.Published;
import dev.turnout.manager.group.QuorumRules;
import dev.turnout.manager.group.Votes;
import dev.turnout.manager.group.Witnesses;
import dev.turnout.monitor.Probe;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Manager}'s part in its manager group: it follows the published topology while another
 * member coordinates, adopts it (and the shunned datasources in it) when elected, writes every
 * change through ZooKeeper before it is pushed, publishes its view each probe round (none while
 * it is cut off), and asks the votes before a failover.
 */
final class GroupRole implements GroupListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupRole.class);

    private final String service;
    private final TopologyHolder holder;
    private final Map<String, DatasourceState> overrides;
    private final Set<String> fenced;
    private final Object publishing = new Object();
    // set by start() before the group can call back into it
    @SuppressWarnings("NullAway.Init")
    private ManagerGroup group;

    @SuppressWarnings("NullAway.Init")
    private Witnesses witnesses;

    private volatile @Nullable String lastVerdict;
    /** A switch or failover a predecessor left half-way, found at this manager's election, until taken. */
    private final AtomicReference<@Nullable Operation> unfinished = new AtomicReference<>();

    private GroupRole(
            String service, TopologyHolder holder, Map<String, DatasourceState> overrides, Set<String> fenced) {
        this.service = service;
        this.holder = holder;
        this.overrides = overrides;
        this.fenced = fenced;
    }

    static GroupRole start(
            GroupSettings settings,
            long probeIntervalMillis,
            TopologyHolder holder,
            Map<String, DatasourceState> overrides,
            Set<String> fenced)
            throws IOException {
        GroupRole role = new GroupRole(settings.service(), holder, overrides, fenced);
        role.witnesses = Witnesses.start(settings, probeIntervalMillis);
        try {
            role.group = ManagerGroup.start(settings, role);
        } catch (IOException | RuntimeException e) {
            role.witnesses.close();
            throw e;
        }
        return role;
    }

    ManagerGroup group() {
        return group;
    }

    /** Whether this manager may change anything: it is the coordinator, in the quorum. */
    boolean acting() {
        return group.isCoordinator();
    }

    /** Why this manager may not change anything: NO QUORUM, or who the coordinator is. */
    String notActing() {
        if (!group.hasQuorum()) {
            return "NO QUORUM: manager " + group.settings().self()
                    + " is not in a majority of its group and changes nothing (it keeps pushing its last topology)";
        }
        String c = group.coordinatorName();
        return "manager " + group.settings().self() + " is not the coordinator"
                + (c == null ? " (none is elected yet)" : "; the coordinator is " + c);
    }

    /**
     * Applies {@code change} through ZooKeeper: written under this coordinator's epoch, then
     * installed (and pushed). Nothing happens when this manager is not the coordinator.
     *
     * @return whether the change (if any) is in place
     */
    boolean change(UnaryOperator<TopologySnapshot> change) {
        synchronized (publishing) {
            TopologySnapshot now = holder.current();
            TopologySnapshot next = change.apply(now);
            if (next == now) {
                return true;
            }
            // The epoch travels with the topology, so connectors refuse what a deposed coordinator sends.
            next = next.withEpoch(Math.max(0, group.epoch()));
            if (!group.publish(next)) {
                log.warn("topology version {} not published: {}", next.version(), notActing());
                return false;
            }
            holder.offer(next);
            return true;
        }
    }

    /** Publishes this round as the manager's vote, or withdraws it while no passive witness answers. */
    void onRound(List<Probe> round) {
        group.publishView(
                witnesses.anyReachable()
                        ? MemberView.of(group.settings().self(), round, System.currentTimeMillis())
                        : null);
    }

    /**
     * The probes of {@code round} the group agrees with: a datasource this coordinator alone cannot
     * reach (no majority of the views sees it dead) keeps its health in the topology, so that a
     * coordinator cut off from a datasource does not publish it FAILED on its own word.
     */
    List<Probe> agreed(List<Probe> round) {
        Map<String, MemberView> views = group.views();
        int majority = QuorumRules.majority(group.settings().members().size());
        List<Probe> out = new ArrayList<>();
        for (Probe p : round) {
            if (!p.reachable()) {
                long dead = views.values().stream()
                        .filter(v -> {
                            MemberView.SourceView s = v.sources().get(p.name());
                            return s != null && !s.reachable();
                        })
                        .count();
                if (dead < majority) {
                    continue;
                }
            }
            out.add(p);
        }
        return out;
    }

    /** Whether the voting members agree that {@code master} is dead (logged when the verdict changes). */
    boolean majoritySeesDead(String master) {
        List<String> replicas = holder.current().dataservice(service).datasources().stream()
                .map(Datasource::name)
                .filter(n -> !n.equals(master))
                .toList();
        Votes.Verdict v = Votes.onMaster(
                master,
                replicas,
                group.views().values(),
                group.settings().members().size());
        if (!v.reason().equals(lastVerdict)) {
            lastVerdict = v.reason();
            if (v.agreed()) {
                log.warn("failover vote: {}", v.reason());
            } else {
                log.warn("no failover: {}", v.reason());
            }
        }
        return v.agreed();
    }

    /** Whether an operation left half-way waits to be finished by this coordinator. */
    boolean hasUnfinished() {
        return unfinished.get() != null;
    }

    /** The operation left half-way, once: the caller finishes it. */
    @Nullable
    Operation takeUnfinished() {
        return unfinished.getAndSet(null);
    }

    @Override
    public @Nullable TopologySnapshot elected(long epoch, @Nullable Published current) {
        Operation left = group.operations().found();
        unfinished.set(left);
        if (left != null) {
            log.warn("coordinator of epoch {}: an unfinished {} is recorded; it is finished first", epoch, left);
        }
        if (current != null) {
            holder.offer(current.snapshot().withEpoch(current.epoch()));
            overrides.clear();
            for (Datasource d : current.snapshot().dataservice(service).datasources()) {
                if (d.state() == DatasourceState.SHUNNED) {
                    overrides.put(d.name(), DatasourceState.SHUNNED);
                    fenced.add(d.name());
                } else if (d.state() == DatasourceState.OFFLINE) {
                    overrides.put(d.name(), DatasourceState.OFFLINE);
                }
            }
        }
        TopologySnapshot base = holder.current();
        if (current == null) {
            // The group's first topology: versions start at the wall clock, as a single manager's do.
            return new TopologySnapshot(
                    Math.max(System.currentTimeMillis(), base.version() + 1),
                    base.policy(),
                    base.dataservices(),
                    base.composites(),
                    epoch);
        }
        return base.withPolicy(base.policy()).withEpoch(epoch); // the first version of this epoch
    }

    @Override
    public void deposed() {
        lastVerdict = null;
        unfinished.set(null); // the next coordinator finds it in ZooKeeper
    }

    @Override
    public void published(Published p) {
        holder.offer(Objects.requireNonNull(p.snapshot()).withEpoch(p.epoch()));
    }

    @Override
    public void close() {
        witnesses.close();
        group.close();
    }
}
