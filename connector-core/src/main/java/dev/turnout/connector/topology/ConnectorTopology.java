package dev.turnout.connector.topology;

import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.config.DataserviceConfig;
import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.config.ProbeSettings;
import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.monitor.DatasourceMonitor;
import dev.turnout.monitor.MonitorSettings;
import dev.turnout.monitor.Probe;
import dev.turnout.monitor.ReplicaStatus;
import dev.turnout.routing.policy.ActiveSessions;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.GtidPosition;
import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.ReplicationState;
import dev.turnout.routing.topology.Role;
import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology of the connector's dataservice, as every session reads it: first the configured
 * roles ({@code master}, the other {@code members} as slaves), then kept current by probing each
 * datasource ({@link DatasourceMonitor}) every {@code connector-probe-interval}.
 *
 * <p>Each datasource has a fixed <em>slot</em>, its index in the configured members, which
 * sessions use to index their backend connections without a map lookup.
 *
 * <p>Thread-safe.
 */
public final class ConnectorTopology implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConnectorTopology.class);

    private final String service;
    private final TopologyHolder holder;
    private final Map<String, Integer> slots = new HashMap<>();
    private final List<HostPort> addresses = new ArrayList<>();
    private final ConcurrentHashMap<String, AtomicInteger> sessions = new ConcurrentHashMap<>();
    private final ActiveSessions active = d -> {
        AtomicInteger count = sessions.get(d.name());
        return count == null ? 0 : count.get();
    };
    private @Nullable DatasourceMonitor monitor;

    private ConnectorTopology(ConnectorConfig config) {
        DataserviceConfig dataservice = config.dataservice();
        this.service = dataservice.name();
        List<Datasource> datasources = new ArrayList<>();
        for (HostPort member : dataservice.members()) {
            String name = dataservice.datasourceName(member);
            Role role = member.equals(dataservice.master()) ? Role.MASTER : Role.SLAVE;
            slots.put(name, datasources.size());
            addresses.add(member);
            sessions.put(name, new AtomicInteger());
            datasources.add(Datasource.configured(name, member.host(), member.port(), role));
        }
        TopologySnapshot initial = new TopologySnapshot(
                1, Policy.AUTOMATIC, Map.of(service, new Dataservice(service, datasources)), Map.of());
        this.holder = new TopologyHolder(initial);
    }

    /**
     * The configured topology, without probes: every datasource ONLINE as configured. For tests and
     * for bridge mode, which needs no health.
     */
    public static ConnectorTopology configured(ConnectorConfig config) {
        return new ConnectorTopology(config);
    }

    /**
     * The configured topology, kept current by probes of every datasource when the dataservice has
     * replicas and no manager is configured (with managers, their pushes keep it current).
     */
    public static ConnectorTopology start(ConnectorConfig config) {
        ConnectorTopology topology = new ConnectorTopology(config);
        if (topology.addresses.size() > 1 && config.failover().managers().isEmpty()) {
            topology.startMonitor(config);
        }
        return topology;
    }

    private void startMonitor(ConnectorConfig config) {
        List<DatasourceAddress> targets = new ArrayList<>();
        for (HostPort address : addresses) {
            targets.add(new DatasourceAddress(
                    config.dataservice().datasourceName(address), address.host(), address.port()));
        }
        String master = config.dataservice().datasourceName(config.dataservice().requireMaster());
        ProbeSettings probes = config.probes();
        MonitorSettings defaults = MonitorSettings.defaults(
                probes.replicationUser(),
                new String(probes.replicationPassword(), StandardCharsets.UTF_8),
                "connector@" + localHost() + "[" + pid() + "]");
        MonitorSettings settings = new MonitorSettings(
                defaults.user(),
                defaults.password(),
                probes.probeInterval(),
                probes.heartbeatInterval(),
                config.connectTimeout(),
                defaults.heartbeatSchema(),
                defaults.heartbeatSource(),
                config.backendTls().mariaDbDriverProperties());
        monitor = DatasourceMonitor.start(settings, targets, () -> master, this::apply);
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    /** Folds one round of probes into a new snapshot (unchanged datasources keep their instance). */
    void apply(List<Probe> probes) {
        holder.update(snapshot -> {
            Dataservice current = snapshot.dataservice(service);
            Dataservice next = current;
            for (Probe probe : probes) {
                Datasource before = current.datasource(probe.name()).orElse(null);
                if (before == null) {
                    continue;
                }
                Datasource after = before.withHealth(
                        probe.reachable(), replicationOf(probe), latencyOf(before, probe), positionOf(probe));
                if (before.reachable() != after.reachable() || before.replication() != after.replication()) {
                    log.info(
                            "datasource {} of {}: {}{}",
                            probe.name(),
                            service,
                            after.reachable() ? "reachable, replication " + after.replication() : "unreachable",
                            probe.error() == null ? "" : " (" + probe.error() + ")");
                }
                if (!after.equals(before)) {
                    next = next.with(after);
                }
            }
            return next == current ? snapshot : snapshot.withDataservice(next);
        });
    }

    private static long latencyOf(Datasource before, Probe probe) {
        return before.role() == Role.MASTER ? 0 : probe.latencyMillis();
    }

    private static GtidPosition positionOf(Probe probe) {
        try {
            return GtidPosition.parse(probe.gtidPosition());
        } catch (IllegalArgumentException e) {
            return GtidPosition.EMPTY;
        }
    }

    /** How a probe's replica threads map to routing's replication states. */
    static ReplicationState replicationOf(Probe probe) {
        ReplicaStatus replica = probe.replica();
        if (!probe.reachable() || replica == null) {
            return ReplicationState.NONE;
        }
        if (replica.lastIoErrno() != 0 || replica.lastSqlErrno() != 0) {
            return ReplicationState.BROKEN;
        }
        if (!replica.ioRunning() && !replica.sqlRunning()) {
            return ReplicationState.STOPPED;
        }
        if (!replica.sqlRunning()) {
            return ReplicationState.APPLIER_STOPPED;
        }
        // An IO thread stopped by hand while the applier runs: nothing new arrives, so it is stopped.
        return replica.ioRunning() ? ReplicationState.RUNNING : ReplicationState.STOPPED;
    }

    public String service() {
        return service;
    }

    public TopologyHolder holder() {
        return holder;
    }

    /** The dataservice as of now: one atomic read. */
    public Dataservice dataservice() {
        return holder.current().dataservice(service);
    }

    /** The slot of a datasource, or -1 for one not in the configuration. */
    public int slot(String name) {
        Integer slot = slots.get(name);
        return slot == null ? -1 : slot;
    }

    public int slots() {
        return addresses.size();
    }

    /** Session counts per datasource, for the least-active balancer. */
    public ActiveSessions activeSessions() {
        return active;
    }

    /** A session opened (+1) or closed (-1) a connection to the datasource. */
    public void sessionMoved(String datasource, int delta) {
        AtomicInteger count = sessions.get(datasource);
        if (count != null) {
            count.addAndGet(delta);
        }
    }

    /** Sessions with a connection to the datasource. */
    public int sessions(String datasource) {
        AtomicInteger count = sessions.get(datasource);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        if (monitor != null) {
            monitor.close();
        }
    }
}
