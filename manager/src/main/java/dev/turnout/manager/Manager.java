package dev.turnout.manager;

import dev.turnout.manager.group.GroupSettings;
import dev.turnout.manager.group.ManagerGroup;
import dev.turnout.manager.group.Operation;
import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.monitor.DatasourceMonitor;
import dev.turnout.monitor.MonitorSettings;
import dev.turnout.push.ConnectorState;
import dev.turnout.push.PushServer;
import dev.turnout.push.RouterInfo;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.Policy;
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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster manager of one dataservice: probes every datasource ({@link DatasourceMonitor}),
 * folds each round into a versioned {@link TopologySnapshot}, pushes every new version to the
 * subscribed connectors ({@link PushServer}), serves the REST API, and carries out operator
 * requests: planned switch, policy, datasource states, connector states. This class is the facade:
 * what it does with each probe round is {@link ProbeRounds}', switches and failovers are carried
 * out step by step by {@link OperationRunner} (recorded in ZooKeeper in a group, and finished by
 * {@link OperationResume} when a coordinator died half-way), their SQL is {@link Promotions}'.
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
    private final OperationRunner runner;
    private final ProbeRounds rounds;
    private final String coordinator;
    private final Object operations;
    /** Old masters a failover fenced: made read-only whenever they are seen writable, until recovered. */
    private final Set<String> fenced = ConcurrentHashMap.newKeySet();
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
        this.runner = new OperationRunner(settings, promotions, this, overrides, fenced, () -> push, PROBE_TIMEOUT);
        this.operations = runner.lock;
        this.rounds = new ProbeRounds(
                this,
                settings,
                runner,
                new OperationResume(runner),
                promotions,
                overrides,
                fenced,
                () -> monitor,
                () -> push);
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
            m.monitor = DatasourceMonitor.start(monitorSettings, m.links, m.rounds::heartbeatTarget, m.rounds::onRound);
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

    /** The manager's part in its group; null for a manager that decides alone. */
    @Nullable
    GroupRole groupRole() {
        return group;
    }

    /** Throws unless this manager may make a change now (an operator's, or a failover). */
    void requireActing() throws ManagerException {
        GroupRole g = group;
        if (g != null && !g.acting()) {
            throw new ManagerException(g.notActing(), false);
        }
        if (rounds.resuming()) {
            throw new ManagerException(
                    "the coordinator is finishing the switch or failover its predecessor left half-way", false);
        }
    }

    /** Whether a switch or failover runs, or one left by a dead coordinator is being finished. */
    boolean operating() {
        return runner.busy() || rounds.resuming();
    }

    /** Tests: {@code hook} runs after each recorded step of a switch or failover, on its thread. */
    void onStep(java.util.function.Consumer<Operation> hook) {
        runner.onStep(hook);
    }

    /**
     * Installs a change of the topology: directly alone, through ZooKeeper in a group.
     *
     * @return false when a group refused it (this manager is no longer the coordinator)
     */
    boolean change(java.util.function.UnaryOperator<TopologySnapshot> change) {
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
            rounds.refold();
        }
    }

    /**
     * A planned switch: holds the connectors (waiting at most {@link ManagerSettings#holdTimeout()}
     * for their acks; one that does not answer is logged and left out), makes the master read-only, waits for the candidate to
     * apply everything the master wrote, promotes it, repoints the other datasources (the old master
     * included), pushes the new topology and releases the connectors. MariaDB only. In a group each
     * step is recorded in ZooKeeper, so that a coordinator that dies half-way is replaced by one that
     * finishes it.
     *
     * @param target the datasource to promote, or null for the most advanced reachable replica
     * @return the name of the new master
     * @throws ManagerException when the switch cannot start or a step fails; a failure before the
     *         promotion makes the old master writable again
     */
    public String switchOver(@Nullable String target) throws ManagerException {
        synchronized (operations) {
            requireActing();
            return runner.switchOver(target);
        }
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

    /** Stops the monitor, the REST API and the push server. Idempotent. */
    @Override
    public void close() {
        rounds.close();
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
