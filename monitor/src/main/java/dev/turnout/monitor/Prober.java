package dev.turnout.monitor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes one datasource over one JDBC connection of its own, opened on first use and reopened
 * after any failure.
 *
 * <p>Threading: {@link #probe} runs on one probe thread at a time (the monitor submits the next
 * probe of a datasource only once the previous one is done, which orders them); {@link #lastFlavor()}
 * may be read from any thread. {@link #close()} is called only when no probe runs.
 */
final class Prober {

    private static final Logger log = LoggerFactory.getLogger(Prober.class);
    /** MariaDB: table or schema of the heartbeat does not exist (yet) on this server. */
    private static final int ER_NO_SUCH_TABLE = 1146;

    private static final int ER_BAD_DB_ERROR = 1049;

    private final DatasourceAddress address;
    private final MonitorSettings settings;
    private final HeartbeatRing ring;
    private final LongSupplier clock;
    /** Opened by the first probe, null again after a failure or close. */
    private @Nullable Connection connection;

    private volatile @Nullable Flavor lastFlavor;
    /**
     * {@link HeartbeatRing#latest()} when the heartbeat table was last found missing on this server,
     * or null: the row is not asked for again until a newer heartbeat committed (the driver logs
     * every error packet at WARN, and a primary that never writes would otherwise make every probe log).
     */
    private @Nullable Long tableMissingAt;

    private final BooleanSupplier stopping;

    /**
     * @param stopping true once the monitor closes: a running probe then gives up before its next statement
     */
    Prober(
            DatasourceAddress address,
            MonitorSettings settings,
            HeartbeatRing ring,
            LongSupplier clock,
            BooleanSupplier stopping) {
        this.address = address;
        this.stopping = stopping;
        this.settings = settings;
        this.ring = ring;
        this.clock = clock;
    }

    DatasourceAddress address() {
        return address;
    }

    /** The flavor of the last successful probe; null if the datasource was never reached. */
    @Nullable
    Flavor lastFlavor() {
        return lastFlavor;
    }

    /**
     * One probe: connects if needed, then reads the server's identity, its replica status and,
     * unless it is the heartbeat's primary, its heartbeat row. Each statement is bounded by the
     * socket timeout; any failure closes the connection and makes the datasource unreachable.
     *
     * @param heartbeatPrimary whether the heartbeat is written on this datasource (latency 0)
     */
    Probe probe(boolean heartbeatPrimary) {
        try {
            if (connection == null) {
                connection = MonitorConnections.open(address, settings);
            }
            checkNotStopping();
            Probe probe = read(connection, heartbeatPrimary);
            lastFlavor = probe.flavor();
            log.debug("{}: {}", address.name(), probe);
            return probe;
        } catch (SQLException | RuntimeException e) {
            MonitorConnections.closeQuietly(connection);
            connection = null;
            Probe probe =
                    Probe.unreachable(address.name(), MonitorConnections.message(e), lastFlavor, clock.getAsLong());
            log.debug("{} ({}): {}", address.name(), address.hostPort(), probe);
            return probe;
        }
    }

    /** Closes the connection; the next {@link #probe} would open a new one. */
    void close() {
        MonitorConnections.closeQuietly(connection);
        connection = null;
    }

    private Probe read(Connection c, boolean heartbeatPrimary) throws SQLException {
        Flavor flavor = Flavor.ofVersion(c.getMetaData().getDatabaseProductVersion());
        String version;
        long serverId;
        boolean readOnly;
        String gtid;
        long roundTripMicros;
        try (Statement statement = c.createStatement()) {
            long sent = System.nanoTime();
            try (ResultSet rs = statement.executeQuery("SELECT @@version, @@server_id, @@read_only, "
                    + (flavor == Flavor.MARIADB ? "@@global.gtid_current_pos" : "@@global.gtid_executed"))) {
                roundTripMicros = (System.nanoTime() - sent) / 1000;
                if (!rs.next()) {
                    throw new SQLException("SELECT @@version returned no row");
                }
                version = nullToEmpty(rs.getString(1));
                serverId = rs.getLong(2);
                readOnly = isSet(rs.getString(3));
                gtid = nullToEmpty(rs.getString(4)).replace("\n", "");
            }
            flavor = Flavor.ofVersion(version);
            checkNotStopping();
            ReplicaStatus replica;
            try (ResultSet rs = statement.executeQuery(replicaStatusStatement(flavor, version))) {
                replica = ReplicaStatus.pick(rows(rs));
            }
            checkNotStopping();
            long latency = heartbeatPrimary ? 0 : latency(c);
            return new Probe(
                    address.name(),
                    true,
                    null,
                    flavor,
                    version,
                    serverId,
                    readOnly,
                    gtid,
                    replica,
                    latency,
                    clock.getAsLong(),
                    roundTripMicros);
        }
    }

    /** This monitor's heartbeat row on a replica, turned into applied latency by the ring; -1 without a row. */
    private long latency(Connection c) throws SQLException {
        long latestAtSend = ring.latest();
        if (tableMissingAt != null && tableMissingAt == latestAtSend) {
            return -1;
        }
        tableMissingAt = null;
        try (PreparedStatement select =
                c.prepareStatement("SELECT ts FROM `" + settings.heartbeatSchema() + "`.heartbeat WHERE source = ?")) {
            select.setString(1, settings.heartbeatSource());
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                return ring.latency(rs.getLong(1), latestAtSend);
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_NO_SUCH_TABLE || e.getErrorCode() == ER_BAD_DB_ERROR) {
                tableMissingAt = latestAtSend;
                return -1;
            }
            throw e;
        }
    }

    private void checkNotStopping() throws SQLException {
        if (stopping.getAsBoolean()) {
            throw new SQLException("the monitor is closing");
        }
    }

    static String replicaStatusStatement(Flavor flavor, String version) {
        if (flavor == Flavor.MARIADB) {
            return "SHOW ALL SLAVES STATUS";
        }
        return atLeast(version, 8, 0, 22) ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
    }

    /** Whether {@code version} ({@code 8.0.22-log}) is at least {@code major.minor.patch}. */
    static boolean atLeast(String version, int major, int minor, int patch) {
        int[] parts = new int[3];
        int part = 0;
        for (int i = 0; i < version.length() && part < 3; i++) {
            char ch = version.charAt(i);
            if (ch >= '0' && ch <= '9') {
                parts[part] = Math.min(100_000, parts[part] * 10 + (ch - '0'));
            } else if (ch == '.') {
                part++;
            } else {
                break;
            }
        }
        if (parts[0] != major) {
            return parts[0] > major;
        }
        if (parts[1] != minor) {
            return parts[1] > minor;
        }
        return parts[2] >= patch;
    }

    /** {@code @@read_only}: {@code 0}/{@code OFF} is writable; MariaDB 11's {@code ON}, {@code NO_LOCK}... are not. */
    static boolean isSet(@Nullable String value) {
        return value != null && !value.equals("0") && !value.equalsIgnoreCase("OFF");
    }

    private static List<Map<String, String>> rows(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<Map<String, String>> rows = new ArrayList<>(1);
        while (rs.next()) {
            Map<String, String> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                row.put(meta.getColumnLabel(i), nullToEmpty(rs.getString(i)));
            }
            rows.add(row);
        }
        return rows;
    }

    private static String nullToEmpty(@Nullable String value) {
        return value == null ? "" : value;
    }
}
