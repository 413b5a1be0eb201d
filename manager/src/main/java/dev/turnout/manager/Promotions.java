package dev.turnout.manager;

import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.GtidPosition;
import dev.turnout.routing.topology.ReplicationState;
import dev.turnout.routing.topology.Role;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL of a {@link Manager}'s switches and failovers: read-only, catch-up, promotion, repointing
 * the replicas; and the choice of the candidate. Holds no state of its own; the manager serialises
 * its operations.
 */
final class Promotions {

    private static final Logger log = LoggerFactory.getLogger(Promotions.class);

    private final ManagerSettings settings;
    private final List<DatasourceAddress> links;
    private final Sql sql;
    private final Duration probeTimeout;

    Promotions(ManagerSettings settings, List<DatasourceAddress> links, Sql sql, Duration probeTimeout) {
        this.settings = settings;
        this.links = links;
        this.sql = sql;
        this.probeTimeout = probeTimeout;
    }

    /**
     * The SQL of a planned switch from {@code old} to {@code candidate}: makes the master
     * read-only, waits for the candidate to apply its position, promotes it and repoints the
     * others (the old master included).
     *
     * @return the new master as the topology shows it
     * @throws ManagerException when a step before the promotion fails; the old master is writable again
     */
    Datasource switchTo(Datasource old, Datasource candidate, Dataservice ds) throws ManagerException {
        DatasourceAddress oldAddress = address(old.name());
        DatasourceAddress newAddress = address(candidate.name());
        String position;
        try {
            sql.execute(oldAddress, "SET GLOBAL read_only = 1");
        } catch (SQLException e) {
            throw new ManagerException(
                    "switch abandoned: cannot make '" + old.name() + "' read-only: " + e.getMessage(), e);
        }
        try {
            position = sql.queryString(oldAddress, "SELECT @@global.gtid_binlog_pos");
        } catch (SQLException e) {
            undoReadOnly(oldAddress);
            throw new ManagerException(
                    "switch abandoned: cannot read the position of '" + old.name() + "': " + e.getMessage(), e);
        }
        try {
            if (!sql.awaitPosition(newAddress, position == null ? "" : position, settings.switchTimeout())) {
                undoReadOnly(oldAddress);
                throw new ManagerException(
                        "switch abandoned: '" + candidate.name() + "' did not apply " + position
                                + " within " + settings.switchTimeout().toMillis() + " ms; '" + old.name()
                                + "' is writable again",
                        false);
            }
            sql.execute(newAddress, "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = 0");
        } catch (SQLException e) {
            undoReadOnly(oldAddress);
            throw new ManagerException(
                    "switch abandoned: promoting '" + candidate.name() + "' failed: " + e.getMessage() + "; '"
                            + old.name() + "' is writable again",
                    e);
        }
        Datasource newMaster = candidate
                .withRole(Role.MASTER)
                .withHealth(
                        true,
                        ReplicationState.NONE,
                        0,
                        position == null ? candidate.position() : GtidPosition.parse(position));
        List<String> failed = new ArrayList<>();
        for (Datasource d : ds.datasources()) {
            if (d.name().equals(candidate.name())) {
                continue;
            }
            try {
                List<String> statements = new ArrayList<>(List.of("STOP SLAVE"));
                if (d.name().equals(old.name())) {
                    // The old master's own transactions are in its binlog, not in gtid_slave_pos.
                    statements.add("SET GLOBAL gtid_slave_pos = @@global.gtid_binlog_pos");
                }
                statements.add(changeMaster(newMaster));
                statements.add("START SLAVE");
                sql.execute(address(d.name()), statements.toArray(new String[0]));
            } catch (SQLException e) {
                failed.add(d.name() + " (" + e.getMessage() + ")");
            }
        }
        if (!failed.isEmpty()) {
            log.warn("switch: could not repoint {} to {}", failed, candidate.name());
        }
        return newMaster;
    }

    /**
     * The SQL of a failover from the dead master: picks the ONLINE replica that received the most,
     * lets it apply that, promotes it and repoints the other replicas.
     *
     * @return the promoted datasource's name
     * @throws ManagerException when there is no candidate or its promotion fails
     */
    String failoverFrom(String dead, Dataservice ds) throws ManagerException {
        String best = null;
        GtidPosition bestPos = null;
        for (Datasource d : ds.slaves()) {
            if (d.state() != DatasourceState.ONLINE) {
                continue;
            }
            try {
                String io = receivedPosition(address(d.name()));
                GtidPosition pos = GtidPosition.parse(io);
                if (bestPos == null || pos.isAheadOf(bestPos)) { // null exactly when best is
                    best = d.name();
                    bestPos = pos;
                }
            } catch (SQLException | IllegalArgumentException e) {
                log.info("failover: {} is no candidate: {}", d.name(), e.getMessage());
            }
        }
        if (best == null) {
            throw new ManagerException("failover from '" + dead + "': no reachable ONLINE replica", false);
        }
        Objects.requireNonNull(bestPos, "set together with best");
        DatasourceAddress candidate = address(best);
        try {
            if (!sql.awaitPosition(candidate, bestPos.toString(), settings.switchTimeout())) {
                log.warn("failover: {} did not apply all it received ({}) in time; promoting anyway", best, bestPos);
            }
            sql.execute(candidate, "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = 0");
        } catch (SQLException e) {
            throw new ManagerException("failover: promoting '" + best + "' failed: " + e.getMessage(), e);
        }
        Datasource newMaster = ds.datasource(best).orElseThrow();
        for (Datasource d : ds.slaves()) {
            if (d.name().equals(best)) {
                continue;
            }
            try {
                sql.execute(address(d.name()), "STOP SLAVE", changeMaster(newMaster), "START SLAVE");
            } catch (SQLException e) {
                log.warn("failover: could not repoint {} to {}: {}", d.name(), best, e.getMessage());
            }
        }
        return best;
    }

    void undoReadOnly(DatasourceAddress a) {
        try {
            sql.execute(a, "SET GLOBAL read_only = 0");
        } catch (SQLException e) {
            log.error("switch: could not make {} writable again: {}", a.name(), e.getMessage());
        }
    }

    String changeMaster(Datasource master) {
        return "CHANGE MASTER TO MASTER_HOST=" + Sql.literal(master.host()) + ", MASTER_PORT=" + master.port()
                + ", MASTER_USER=" + Sql.literal(settings.replicationUser())
                + ", MASTER_PASSWORD=" + Sql.literal(settings.replicationPassword())
                + ", MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, "
                + settings.backendTls().changeMasterOptions();
    }

    Datasource candidate(Dataservice ds, Datasource old, @Nullable String target) throws ManagerException {
        if (target != null) {
            Datasource d = ds.datasource(target)
                    .orElseThrow(() -> new ManagerException("no datasource '" + target + "'; known: " + names(), true));
            if (d.name().equals(old.name())) {
                throw new ManagerException("'" + target + "' is already the master", true);
            }
            if (!d.reachable() || d.state() != DatasourceState.ONLINE) {
                throw new ManagerException(
                        "'" + target + "' is " + d.state() + (d.reachable() ? "" : ", unreachable")
                                + ": cannot promote it",
                        false);
            }
            return d;
        }
        Datasource best = null;
        for (Datasource d : ds.slaves()) {
            if (d.reachable()
                    && d.state() == DatasourceState.ONLINE
                    && (best == null || d.position().isAheadOf(best.position()))) {
                best = d;
            }
        }
        if (best == null) {
            throw new ManagerException("no reachable ONLINE replica to promote", false);
        }
        return best;
    }

    DatasourceAddress address(String name) {
        for (DatasourceAddress a : links) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("no datasource '" + name + "'");
    }

    List<String> names() {
        return links.stream().map(DatasourceAddress::name).toList();
    }

    /** The GTID position a replica received; null when the server reports none. */
    @Nullable
    String receivedPosition(DatasourceAddress a) throws SQLException {
        try (java.sql.Connection c = sql.open(a, probeTimeout.multipliedBy(2));
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                throw new SQLException("not a replica");
            }
            String io = rs.getString("Gtid_IO_Pos");
            return io == null || io.isBlank() ? sql.queryString(a, "SELECT @@global.gtid_current_pos") : io;
        }
    }
}
