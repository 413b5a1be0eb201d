package dev.turnout.manager;

import dev.turnout.manager.group.GroupSettings;
import dev.turnout.manager.group.ManagerGroup;
import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.monitor.DatasourceMonitor;
import dev.turnout.monitor.MonitorSettings;
import dev.turnout.monitor.Probe;
import dev.turnout.push.ConnectorState;
import dev.turnout.push.HoldResult;
import dev.turnout.push.PushServer;
import dev.turnout.push.RouterInfo;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.ReplicationState;
import dev.turnout.routing.topology.Role;
import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster manager of one dataservice: probes every datasource ({@link DatasourceMonitor}),
 * folds each round into a versioned {@link TopologySnapshot}, pushes every new version to the
 * subscribed connectors ({@link PushServer}), serves the REST API, and carries out operator
 * requests: planned switch, policy, datasource states, connector states.
 *
 * <p>Versions start at the wall-clock time in milliseconds when the manager starts and grow by one
 * per change, so a restarted manager's snapshots are newer than its previous incarnation's and
 * connectors that kept the old ones accept them.
 *
 * <p>Threading: probes are folded on the monitor's round thread; operator requests run on the
 * caller's thread and are serialised (one at a time). The topology lives in a
 * {@link TopologyHolder}; every public method may be called from any thread.
 */
public final class Manager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Manager.class);
    /** A probe slower than this is abandoned by the monitor; rounds ending within it of a switch are stale. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final ManagerSettings settings;
    private final TopologyHolder holder;
    private final Map<String, DatasourceState> overrides = new ConcurrentHashMap<>();
    private final Sql sql;
    private final Promotions promotions;
    private final String coordinator;
    private final Object operations = new Object();
    private volatile long foldAfterMillis;
    private volatile boolean switching;
    private volatile List<Probe> lastRound = List.of();
    /** Old masters a failover fenced: made read-only whenever they are seen writable, until recovered. */
    private final Set<String> fenced = ConcurrentHashMap.newKeySet();

    private final ExecutorService actions = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "turnout-manager-failover");
        t.setDaemon(true);
        return t;
    });
    private int masterMisses; // monitor round thread only
    private volatile boolean failoverQueued;
    // set by start() before anything can use it: the REST API, the monitor and the returned manager
    @SuppressWarnings("NullAway.Init")
    private PushServer push;
    /**
     * Null until DatasourceMonitor.start returns in start(), and its first round runs before that: a
     * failover it queues may find it null (volatile, so that the failover thread sees it once set).
     */
    private volatile @Nullable DatasourceMonitor monitor;
    /** The REST API; null when no REST address is configured. */
    private @Nullable RestApi rest;

    /** The manager group; null for a manager that decides alone. */
    private @Nullable GroupRole group;

    /** Where this manager itself reaches each datasource (the configured addresses outside tests). */
    private final List<DatasourceAddress> links;

    private Manager(ManagerSettings settings, boolean inGroup, List<DatasourceAddress> links) {
        this.settings = settings;
        this.links = links;
        List<Datasource> sources = new ArrayList<>();
        for (DatasourceAddress a : settings.datasources()) {
            sources.add(Datasource.configured(
                    a.name(),
                    a.host(),
                    a.port(),
                    a.name().equals(settings.configuredMaster()) ? Role.MASTER : Role.SLAVE));
        }
        // In a group, versions come from the coordinators (through ZooKeeper): until this manager
        // follows one, its configured topology is older than any of theirs.
        this.holder = new TopologyHolder(TopologySnapshot.of(
                inGroup ? 0 : System.currentTimeMillis(),
                settings.policy(),
                new Dataservice(settings.service(), sources)));
        this.sql = new Sql(
                settings.dbUser(),
                settings.dbPassword(),
                PROBE_TIMEOUT.multipliedBy(2),
                settings.backendTls().mariaDbDriverProperties());
        this.promotions = new Promotions(settings, links, sql, PROBE_TIMEOUT);
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        this.coordinator = host;
    }

    /** Starts a manager that decides alone: the push server, the REST API (when configured) and the monitor. */
    public static Manager start(ManagerSettings settings) throws IOException {
        return start(settings, null);
    }

    /**
     * Starts the push server, the REST API (when configured), this manager's membership of its
     * group (when {@code groupSettings} is set) and the monitor.
     */
    public static Manager start(ManagerSettings settings, @Nullable GroupSettings groupSettings) throws IOException {
        return start(settings, groupSettings, Map.of());
    }

    /**
     * {@link #start(ManagerSettings, GroupSettings)}, with this manager's own connections to some
     * datasources going elsewhere (tests: through a link they can cut); the topology keeps the
     * configured addresses.
     */
    static Manager start(
            ManagerSettings settings, @Nullable GroupSettings groupSettings, Map<String, InetSocketAddress> routes)
            throws IOException {
        List<DatasourceAddress> links = new ArrayList<>();
        for (DatasourceAddress a : settings.datasources()) {
            InetSocketAddress r = routes.get(a.name());
            links.add(r == null ? a : new DatasourceAddress(a.name(), r.getHostString(), r.getPort()));
        }
        Manager m = new Manager(settings, groupSettings != null, List.copyOf(links));
        try {
            if (groupSettings != null) {
                m.group = GroupRole.start(
                        groupSettings, settings.probeInterval().toMillis(), m.holder, m.overrides, m.fenced);
            }
            m.push = PushServer.start(
                    settings.pushAddress(), m.holder::current, PushServer.Settings.defaults(settings.pushSecret()));
            m.holder.addListener(m.push::broadcast);
            if (settings.restAddress() != null) {
                m.rest = RestApi.start(settings, m);
            }
            MonitorSettings monitorSettings = new MonitorSettings(
                    settings.dbUser(),
                    settings.dbPassword(),
                    settings.probeInterval(),
                    Duration.ofMillis(100),
                    PROBE_TIMEOUT,
                    "turnout",
                    "manager@" + m.coordinator + "[" + ProcessHandle.current().pid() + "]",
                    settings.backendTls().mariaDbDriverProperties());
            m.monitor = DatasourceMonitor.start(monitorSettings, m.links, m::heartbeatTarget, m::onRound);
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        log.info(
                "manager of '{}' started: push port {}, REST {}",
                settings.service(),
                m.push.port(),
                m.rest == null ? "off" : m.rest.address());
        return m;
    }

    /** The current topology. */
    public TopologySnapshot topology() {
        return holder.current();
    }

    /** The managed dataservice in the current topology. */
    public Dataservice dataservice() {
        return holder.current().dataservice(settings.service());
    }

    /** The subscribed connectors. */
    public List<RouterInfo> routers() {
        return push.routers();
    }

    /**
     * The coordinator's name in {@code ls}: this manager's host name when it decides alone, the
     * elected member's name in a group (empty while none is known).
     */
    public String coordinator() {
        GroupRole g = group;
        if (g == null) {
            return coordinator;
        }
        String name = g.group().coordinatorName();
        return name == null ? "" : name;
    }

    /** The manager group; null for a manager that decides alone. */
    public @Nullable ManagerGroup group() {
        GroupRole g = group;
        return g == null ? null : g.group();
    }

    /** Whether this manager may make changes: it decides alone, or it is the group's coordinator. */
    public boolean acting() {
        GroupRole g = group;
        return g == null || g.acting();
    }

    private void requireActing() throws ManagerException {
        GroupRole g = group;
        if (g != null && !g.acting()) {
            throw new ManagerException(g.notActing(), false);
        }
    }

    /**
     * Installs a change of the topology: directly alone, through ZooKeeper in a group.
     *
     * @return false when a group refused it (this manager is no longer the coordinator)
     */
    private boolean change(java.util.function.UnaryOperator<TopologySnapshot> change) {
        GroupRole g = group;
        if (g == null) {
            holder.update(change);
            return true;
        }
        return g.change(change);
    }

    /** {@link #change}, for an operator's request: refused when not published. */
    private void operatorChange(java.util.function.UnaryOperator<TopologySnapshot> change) throws ManagerException {
        if (!change(change)) {
            GroupRole g = Objects.requireNonNull(group, "only a group refuses a change");
            throw new ManagerException("not published: " + g.notActing(), false);
        }
    }

    /** The push port connectors subscribe to. */
    public int pushPort() {
        return push.port();
    }

    /** Where the REST API listens, or null when it is off. */
    public @Nullable InetSocketAddress restAddress() {
        return rest == null ? null : rest.address();
    }

    /** Sets the policy; publishes a new version when it changes. */
    public void setPolicy(Policy policy) throws ManagerException {
        synchronized (operations) {
            requireActing();
            operatorChange(s -> s.policy() == policy ? s : s.withPolicy(policy));
            log.info("policy set to {}", policy);
        }
    }

    /**
     * Sets the state of a subscribed connector ({@code connector@host[pid]}).
     *
     * @return false when no such connector is subscribed
     */
    public boolean setRouterState(String connector, ConnectorState state) {
        return push.setState(connector, state);
    }

    /**
     * {@code datasource NAME ACTION}.
     *
     * @throws ManagerException when the name is unknown, or recovering fails
     */
    public void datasource(String name, DatasourceAction action) throws ManagerException {
        synchronized (operations) {
            requireActing();
            Datasource d = dataservice()
                    .datasource(name)
                    .orElseThrow(() -> new ManagerException("no datasource '" + name + "'; known: " + names(), true));
            switch (action) {
                case SHUN -> overrides.put(name, DatasourceState.SHUNNED);
                case OFFLINE -> overrides.put(name, DatasourceState.OFFLINE);
                case ONLINE -> overrides.remove(name);
                case RECOVER -> {
                    Datasource master = dataservice()
                            .master()
                            .orElseThrow(() -> new ManagerException("no master to recover '" + name + "' to", false));
                    if (master.name().equals(name)) {
                        throw new ManagerException("'" + name + "' is the master; nothing to recover", true);
                    }
                    try {
                        DatasourceAddress a = address(name);
                        sql.execute(
                                a,
                                "SET GLOBAL read_only = 1",
                                "STOP SLAVE",
                                "SET GLOBAL gtid_slave_pos = @@global.gtid_current_pos",
                                changeMaster(master),
                                "START SLAVE");
                    } catch (SQLException e) {
                        throw new ManagerException(
                                "cannot recover '" + name + "' as a replica of '" + master.name() + "': "
                                        + e.getMessage(),
                                e);
                    }
                    overrides.remove(name);
                    fenced.remove(name);
                }
            }
            log.info("datasource {} {} (was {})", name, action.word(), d.state());
            refold();
        }
    }

    /**
     * A planned switch: holds the connectors (waiting at most {@link ManagerSettings#holdTimeout()}
     * for their acks; one that does not answer is logged and left out), makes the master read-only, waits for the candidate to
     * apply everything the master wrote, promotes it, repoints the other datasources (the old master
     * included), pushes the new topology and releases the connectors. MariaDB only.
     *
     * @param target the datasource to promote, or null for the most advanced reachable replica
     * @return the name of the new master
     * @throws ManagerException when the switch cannot start or a step fails; a failure before the
     *         promotion makes the old master writable again
     */
    public String switchOver(@Nullable String target) throws ManagerException {
        synchronized (operations) {
            requireActing();
            Dataservice ds = dataservice();
            Datasource old = ds.master().orElseThrow(() -> new ManagerException("no master to switch from", false));
            if (!old.reachable()) {
                throw new ManagerException(
                        "master '" + old.name() + "' is unreachable: a failover, not a switch", false);
            }
            Datasource candidate = candidate(ds, old, target);
            log.info("switch: {} -> {}", old.name(), candidate.name());
            long started = System.nanoTime();
            switching = true;
            foldAfterMillis = Long.MAX_VALUE;
            try {
                try {
                    HoldResult held = push.hold(settings.holdTimeout());
                    if (!held.complete()) {
                        log.warn("switch: going on without the ack of {}", held.unacknowledged());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ManagerException("switch interrupted while holding connectors", e);
                }
                try {
                    promote(old, candidate, ds);
                } finally {
                    push.release();
                }
            } finally {
                switching = false;
                foldAfterMillis = System.currentTimeMillis()
                        + PROBE_TIMEOUT.toMillis()
                        + settings.probeInterval().toMillis();
            }
            log.info(
                    "switch: {} is the master, {} a replica ({} ms with connectors held)",
                    candidate.name(),
                    old.name(),
                    (System.nanoTime() - started) / 1_000_000);
            return candidate.name();
        }
    }

    private void promote(Datasource old, Datasource candidate, Dataservice ds) throws ManagerException {
        Datasource newMaster = promotions.switchTo(old, candidate, ds);
        change(s -> {
            Dataservice cur = s.dataservice(settings.service());
            Dataservice next = cur.with(cur.datasource(old.name())
                    .orElseThrow()
                    .withRole(Role.SLAVE)
                    .withHealth(true, ReplicationState.RUNNING, -1, old.position()));
            next = next.with(next.datasource(candidate.name())
                    .orElseThrow()
                    .withRole(Role.MASTER)
                    .withHealth(true, ReplicationState.NONE, 0, newMaster.position()));
            return s.withDataservice(next);
        });
    }

    private @Nullable String heartbeatTarget() {
        if (switching || !acting()) {
            return null; // a heartbeat on the read-only old master would be a transaction the new one lacks
        }
        return dataservice().master().map(Datasource::name).orElse(null);
    }

    private DatasourceAddress address(String name) {
        return promotions.address(name);
    }

    private List<String> names() {
        return promotions.names();
    }

    private String changeMaster(Datasource master) {
        return promotions.changeMaster(master);
    }

    private Datasource candidate(Dataservice ds, Datasource old, @Nullable String target) throws ManagerException {
        return promotions.candidate(ds, old, target);
    }

    private void onRound(List<Probe> round) {
        lastRound = round;
        GroupRole g = group;
        if (g != null) {
            g.onRound(round);
            if (!g.acting()) {
                masterMisses = 0;
                return; // a follower, or without quorum: the coordinator decides
            }
        }
        for (Probe p : round) {
            if (p.probedAtMillis() < foldAfterMillis) {
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
        String master = dataservice().master().map(Datasource::name).orElse(null);
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
        GroupRole g = group;
        if (masterMisses >= settings.failoverProbes()
                && topology().policy() == Policy.AUTOMATIC
                && !failoverQueued
                && !switching
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
        if (!acting()) {
            return;
        }
        try {
            sql.execute(address(name), "SET GLOBAL read_only = 1");
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
        synchronized (operations) {
            requireActing();
            Dataservice ds = dataservice();
            if (!ds.master().map(Datasource::name).orElse("").equals(dead)) {
                return; // someone else already changed the master
            }
            DatasourceMonitor probes = monitor;
            if (probes == null) {
                log.info("failover: the monitor is still starting; {} is watched again from its next round", dead);
                return;
            }
            if (probes.probeNow(dead).reachable()) {
                log.info("failover: {} answers again, nothing to do", dead);
                return;
            }
            long started = System.nanoTime();
            switching = true;
            foldAfterMillis = Long.MAX_VALUE;
            try {
                try {
                    push.hold(Duration.ZERO);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ManagerException("failover interrupted", e);
                }
                String best = promotions.failoverFrom(dead, ds);
                fenced.add(dead);
                overrides.put(dead, DatasourceState.SHUNNED);
                String promoted = best;
                change(s -> {
                    Dataservice cur = s.dataservice(settings.service());
                    Dataservice next = cur.with(cur.datasource(dead)
                            .orElseThrow()
                            .withRole(Role.SLAVE)
                            .withState(DatasourceState.SHUNNED));
                    next = next.with(next.datasource(promoted)
                            .orElseThrow()
                            .withRole(Role.MASTER)
                            .withHealth(
                                    true,
                                    ReplicationState.NONE,
                                    0,
                                    next.datasource(promoted).orElseThrow().position()));
                    return s.withDataservice(next);
                });
                log.warn(
                        "failover: {} is the master, {} is SHUNNED ({} ms from confirmation to new topology)",
                        best,
                        dead,
                        (System.nanoTime() - started) / 1_000_000);
            } finally {
                push.release();
                switching = false;
                foldAfterMillis = System.currentTimeMillis()
                        + PROBE_TIMEOUT.toMillis()
                        + settings.probeInterval().toMillis();
            }
        }
    }

    private void refold() {
        GroupRole g = group;
        List<Probe> round = g == null ? lastRound : g.agreed(lastRound);
        if (round.isEmpty() || switching) {
            return;
        }
        change(s -> {
            Dataservice cur = s.dataservice(settings.service());
            Dataservice next = TopologyFolder.fold(cur, round, Map.copyOf(overrides));
            return next.equals(cur) ? s : s.withDataservice(next);
        });
    }

    /** Stops the monitor, the REST API and the push server. Idempotent. */
    @Override
    public void close() {
        actions.shutdownNow();
        if (monitor != null) {
            monitor.close();
        }
        if (group != null) {
            group.close();
        }
        if (rest != null) {
            rest.close();
        }
        if (push != null) {
            push.close();
        }
    }
}
