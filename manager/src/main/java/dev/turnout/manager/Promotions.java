package dev.turnout.manager;

import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.GtidPosition;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL of a {@link Manager}'s switches and failovers, one step per method (read-only, catch-up,
 * promotion, repointing the replicas), so that {@link OperationRunner} can record each; and the
 * choice of the candidate. Holds no state of its own; the runner serialises the operations.
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

    /** {@code SET GLOBAL read_only = 1} on {@code name}. */
    void makeReadOnly(String name) throws SQLException {
        sql.execute(address(name), "SET GLOBAL read_only = 1");
    }

    /** Whether {@code name} accepts writes ({@code read_only} off). */
    boolean writable(String name) throws SQLException {
        return "0".equals(sql.queryString(address(name), "SELECT @@global.read_only"));
    }

    /** What {@code name} wrote ({@code gtid_binlog_pos}); empty when nothing. */
    String binlogPosition(String name) throws SQLException {
        String p = sql.queryString(address(name), "SELECT @@global.gtid_binlog_pos");
        return p == null ? "" : p;
    }

    /** Waits at most {@code --switch-timeout} until {@code name} applied {@code position}. */
    boolean awaitApplied(String name, String position) throws SQLException {
        return sql.awaitPosition(address(name), position, settings.switchTimeout());
    }

    /** Makes {@code name} a master: no longer a replica, writable. */
    void promote(String name) throws SQLException {
        sql.execute(address(name), "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = 0");
    }

    /**
     * Makes {@code name} a replica of {@code master}, unless it is one already (so that a new
     * coordinator completing an operation can do it again). An old master of a switch first sets
     * {@code gtid_slave_pos} to its own {@code gtid_binlog_pos}: its transactions are in its binlog,
     * not in its replica position.
     */
    void repoint(String name, Datasource master, boolean oldMaster) throws SQLException {
        DatasourceAddress a = address(name);
        if (replicatesFrom(a, master)) {
            return;
        }
        List<String> statements = new ArrayList<>(List.of("STOP SLAVE"));
        if (oldMaster) {
            statements.add("SET GLOBAL gtid_slave_pos = @@global.gtid_binlog_pos");
        }
        statements.add(changeMaster(master));
        statements.add("START SLAVE");
        sql.execute(a, statements.toArray(new String[0]));
    }

    /**
     * Repoints every datasource of {@code ds} but {@code master} and {@code skip} to {@code master}.
     *
     * @param oldMaster the old master of a switch (repointed too), or null after a failover
     * @return the ones that failed, with why
     */
    List<String> repointAll(Dataservice ds, Datasource master, @Nullable String oldMaster, @Nullable String skip) {
        List<String> failed = new ArrayList<>();
        for (Datasource d : ds.datasources()) {
            if (d.name().equals(master.name()) || d.name().equals(skip)) {
                continue;
            }
            try {
                repoint(d.name(), master, d.name().equals(oldMaster));
            } catch (SQLException e) {
                failed.add(d.name() + " (" + e.getMessage() + ")");
            }
        }
        return failed;
    }

    /**
     * Makes every reachable datasource of {@code ds} but {@code writable} read-only, so that it is
     * the only one that may be writable.
     *
     * @return the ones that could not be reached
     */
    List<String> fenceAllBut(Dataservice ds, String writable) {
        List<String> unreachable = new ArrayList<>();
        for (Datasource d : ds.datasources()) {
            if (!d.name().equals(writable)) {
                try {
                    makeReadOnly(d.name());
                } catch (SQLException e) {
                    unreachable.add(d.name());
                }
            }
        }
        return unreachable;
    }

    /** Whether the replica at {@code a} replicates from {@code master} already. */
    private boolean replicatesFrom(DatasourceAddress a, Datasource master) throws SQLException {
        try (java.sql.Connection c = sql.open(a, probeTimeout.multipliedBy(2));
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next()
                    && master.host().equals(rs.getString("Master_Host"))
                    && master.port() == rs.getInt("Master_Port")
                    && "Yes".equals(rs.getString("Slave_SQL_Running"));
        }
    }

    /** The candidate of a failover: the ONLINE replica that received the most, and what it received. */
    record Received(String name, GtidPosition position) {}

    /**
     * The ONLINE replica of {@code ds} that received the most ({@code Gtid_IO_Pos}).
     *
     * @throws ManagerException when none is reachable
     */
    Received mostReceived(String dead, Dataservice ds) throws ManagerException {
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
        return new Received(best, Objects.requireNonNull(bestPos, "set together with best"));
    }

    /** Makes the old master of a switch that cannot go on writable again; logs a failure. */
    void undoReadOnly(String name) {
        try {
            sql.execute(address(name), "SET GLOBAL read_only = 0");
        } catch (SQLException e) {
            log.error("switch: could not make {} writable again: {}", name, e.getMessage());
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
