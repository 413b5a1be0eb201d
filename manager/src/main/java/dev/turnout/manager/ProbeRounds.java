package dev.turnout.manager;

import dev.turnout.manager.group.Operation;
import dev.turnout.monitor.DatasourceMonitor;
import dev.turnout.monitor.Probe;
import dev.turnout.push.PushServer;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.Policy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link Manager} does with each probe round of its monitor: publishes its vote (in a group),
 * hands an operation a dead coordinator left half-way to {@link OperationResume} before anything
 * else, folds the round into the topology, fences old masters seen writable, and counts the
 * master's failed probes to queue a failover.
 *
 * <p>Threading: {@link #onRound} runs on the monitor's round thread; failovers, fencing and resumes
 * run one at a time on the {@code turnout-manager-failover} thread this class owns.
 */
final class ProbeRounds implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProbeRounds.class);

    private final Manager manager;
    private final ManagerSettings settings;
    private final OperationRunner runner;
    private final OperationResume resume;
    private final Promotions promotions;
    private final Map<String, DatasourceState> overrides;
    private final Set<String> fenced;
    private final Supplier<@Nullable DatasourceMonitor> monitor;
    private final Supplier<PushServer> push;
    private final ExecutorService actions = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "turnout-manager-failover");
        t.setDaemon(true);
        return t;
    });
    private volatile List<Probe> lastRound = List.of();
    /** From the round that hands an operation left by a dead coordinator over, until it is finished. */
    private volatile boolean resuming;

    private int masterMisses; // monitor round thread only
    private volatile boolean failoverQueued;

    ProbeRounds(
            Manager manager,
            ManagerSettings settings,
            OperationRunner runner,
            OperationResume resume,
            Promotions promotions,
            Map<String, DatasourceState> overrides,
            Set<String> fenced,
            Supplier<@Nullable DatasourceMonitor> monitor,
            Supplier<PushServer> push) {
        this.manager = manager;
        this.settings = settings;
        this.runner = runner;
        this.resume = resume;
        this.promotions = promotions;
        this.overrides = overrides;
        this.fenced = fenced;
        this.monitor = monitor;
        this.push = push;
    }

    /** Whether an operation left by a dead coordinator is being finished (or waits to be). */
    boolean resuming() {
        GroupRole g = manager.groupRole();
        return resuming || (g != null && g.hasUnfinished());
    }

    /** The datasource the heartbeat goes to: the master, while nothing changes it. */
    @Nullable
    String heartbeatTarget() {
        if (runner.busy() || resuming() || !manager.acting()) {
            return null; // a heartbeat on the read-only old master would be a transaction the new one lacks
        }
        return manager.dataservice().master().map(Datasource::name).orElse(null);
    }

    void onRound(List<Probe> round) {
        lastRound = round;
        GroupRole g = manager.groupRole();
        if (g != null) {
            g.onRound(round);
            if (!g.acting()) {
                masterMisses = 0;
                return; // a follower, or without quorum: the coordinator decides
            }
            Operation left = g.takeUnfinished();
            if (left != null) {
                resuming = true; // before anything else: nothing is folded, failed over or changed meanwhile
                actions.execute(() -> {
                    try {
                        resume.resume(left);
                    } finally {
                        resuming = false;
                    }
                });
            }
        }
        if (resuming) {
            return;
        }
        for (Probe p : round) {
            if (!runner.foldable(p.probedAtMillis())) {
                return; // started before a switch ended: what it saw may be gone
            }
        }
        refold();
        for (Probe p : round) {
            if (fenced.contains(p.name()) && p.reachable() && !p.readOnly()) {
                actions.execute(() -> fence(p.name()));
            }
        }
        watchMaster(round);
    }

    /** Counts consecutive failed probes of the master and queues a failover at the threshold. */
    private void watchMaster(List<Probe> round) {
        String master = manager.dataservice().master().map(Datasource::name).orElse(null);
        if (master == null) {
            masterMisses = 0;
            return;
        }
        Probe p =
                round.stream().filter(x -> x.name().equals(master)).findFirst().orElse(null);
        if (p == null || p.reachable()) {
            masterMisses = 0;
            return;
        }
        masterMisses++;
        GroupRole g = manager.groupRole();
        if (masterMisses >= settings.failoverProbes()
                && manager.topology().policy() == Policy.AUTOMATIC
                && !failoverQueued
                && !runner.busy()
                && (g == null || g.majoritySeesDead(master))) {
            failoverQueued = true;
            log.warn("failover: master {} unreachable in {} consecutive probes ({})", master, masterMisses, p.error());
            actions.execute(() -> {
                try {
                    failover(master);
                } catch (ManagerException e) {
                    log.error("failover from {} failed: {}", master, e.getMessage());
                } catch (RuntimeException e) {
                    log.error("failover from {} failed", master, e);
                } finally {
                    failoverQueued = false;
                    masterMisses = 0;
                }
            });
        }
    }

    private void fence(String name) {
        if (!manager.acting()) {
            return;
        }
        try {
            promotions.makeReadOnly(name);
            log.warn("fenced {}: the old master came back writable; it is read-only and SHUNNED until recovered", name);
        } catch (SQLException e) {
            log.error("could not fence {}: {}", name, e.getMessage());
        }
    }

    /**
     * Automatic failover from the unreachable master {@code dead}: confirms it with one more probe,
     * picks the replica that received the most (its {@code Gtid_IO_Pos}), lets it apply what it
     * received, promotes it, repoints the other reachable replicas, fences the old master (SHUNNED,
     * made read-only when it returns) and pushes the topology. Connectors are asked to hold
     * meanwhile, but the failover never waits for their acks: the master is gone already, and a
     * connector that does not answer must not delay the new one.
     */
    void failover(String dead) throws ManagerException {
        synchronized (runner.lock) {
            manager.requireActing();
            Dataservice ds = manager.dataservice();
            if (!ds.master().map(Datasource::name).orElse("").equals(dead)) {
                return; // someone else already changed the master
            }
            DatasourceMonitor probes = monitor.get();
            if (probes == null) {
                log.info("failover: the monitor is still starting; {} is watched again from its next round", dead);
                return;
            }
            if (probes.probeNow(dead).reachable()) {
                log.info("failover: {} answers again, nothing to do", dead);
                return;
            }
            long started = System.nanoTime();
            runner.started();
            try {
                try {
                    push.get().hold(Duration.ZERO);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ManagerException("failover interrupted", e);
                }
                String best = runner.failover(dead, ds);
                log.warn(
                        "failover: {} is the master, {} is SHUNNED ({} ms from confirmation to new topology)",
                        best,
                        dead,
                        (System.nanoTime() - started) / 1_000_000);
            } finally {
                push.get().release();
                runner.ended();
            }
        }
    }

    /** Folds the last round (in a group, what the majority agrees with) into the topology. */
    void refold() {
        GroupRole g = manager.groupRole();
        List<Probe> round = g == null ? lastRound : g.agreed(lastRound);
        if (round.isEmpty() || runner.busy() || resuming) {
            return;
        }
        manager.change(s -> {
            Dataservice cur = s.dataservice(settings.service());
            Dataservice next = TopologyFolder.fold(cur, round, Map.copyOf(overrides));
            return next.equals(cur) ? s : s.withDataservice(next);
        });
    }

    @Override
    public void close() {
        actions.shutdownNow();
    }
}
