package dev.turnout.monitor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this monitor's heartbeat row on the current primary, one tick per heartbeat interval:
 * creates the schema and table once per connection, then upserts {@code (source, now)} and, once
 * the statement returned (autocommit: committed), records the timestamp in the ring.
 *
 * <p>Threading: {@link #tick()} runs on the monitor's single heartbeat thread only, so the
 * connection is confined to it; {@link #close()}
 * only once that thread has ended.
 */
final class HeartbeatWriter {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatWriter.class);

    private final MonitorSettings settings;
    private final Map<String, DatasourceAddress> byName;
    private final Supplier<String> primaryName;
    private final HeartbeatRing ring;
    private final LongSupplier clock;
    private final String upsert;
    /** The connection to the primary and its prepared upsert: both set by a tick, both cleared by close. */
    private @Nullable Connection connection;

    private @Nullable PreparedStatement statement;
    /** The datasource the heartbeat is written on; null when there is no known primary. */
    private @Nullable String writingOn;
    /** The state last logged at INFO ({@code writing db1}, {@code failing db1}, {@code no primary}). */
    private String reported = "";

    private final BooleanSupplier stopping;

    HeartbeatWriter(
            MonitorSettings settings,
            Map<String, DatasourceAddress> byName,
            Supplier<String> primaryName,
            HeartbeatRing ring,
            LongSupplier clock,
            BooleanSupplier stopping) {
        this.stopping = stopping;
        this.settings = settings;
        this.byName = byName;
        this.primaryName = primaryName;
        this.ring = ring;
        this.clock = clock;
        this.upsert = "INSERT INTO `" + settings.heartbeatSchema() + "`.heartbeat (source, ts) VALUES (?, ?)"
                + " ON DUPLICATE KEY UPDATE ts = VALUES(ts)";
    }

    /** One heartbeat; never throws (a failure is logged and retried at the next tick on a new connection). */
    void tick() {
        if (stopping.getAsBoolean()) {
            return;
        }
        String primary;
        try {
            primary = primaryName.get();
        } catch (RuntimeException e) {
            log.warn("heartbeat: the primary's name could not be had: {}", e.toString());
            return;
        }
        DatasourceAddress address = primary == null ? null : byName.get(primary);
        if (address == null) {
            report("no primary", "heartbeat: no known primary (" + primary + "), not writing");
            close();
            writingOn = null;
            return;
        }
        if (!address.name().equals(writingOn)) {
            close();
            writingOn = address.name();
        }
        try {
            if (connection == null) {
                connection = MonitorConnections.open(address, settings);
                checkNotStopping();
                createTable(connection);
                statement = connection.prepareStatement(upsert);
                checkNotStopping();
            }
            PreparedStatement upserting =
                    Objects.requireNonNull(statement, "prepared with the connection, cleared with it by close");
            long ts = clock.getAsLong();
            upserting.setString(1, settings.heartbeatSource());
            upserting.setLong(2, ts);
            upserting.executeUpdate();
            ring.committed(ts);
            report(
                    "writing " + address.name(),
                    "heartbeat: writing on " + address.name() + " (" + address.hostPort() + ") as '"
                            + settings.heartbeatSource() + "'");
        } catch (SQLException | RuntimeException e) {
            close();
            report(
                    "failing " + address.name(),
                    "heartbeat: writing on " + address.name() + " (" + address.hostPort() + ") failed: "
                            + MonitorConnections.message(e));
        }
    }

    /** Logs {@code message} at INFO when the writer's state changed, else at DEBUG. */
    private void report(String state, String message) {
        if (state.equals(reported)) {
            log.debug(message);
        } else {
            log.info(message);
            reported = state;
        }
    }

    /** Closes the connection to the primary, if any. */
    void close() {
        MonitorConnections.closeQuietly(connection);
        connection = null;
        statement = null;
    }

    private void checkNotStopping() throws SQLException {
        if (stopping.getAsBoolean()) {
            throw new SQLException("the monitor is closing");
        }
    }

    private void createTable(Connection c) throws SQLException {
        try (Statement ddl = c.createStatement()) {
            ddl.execute("CREATE DATABASE IF NOT EXISTS `" + settings.heartbeatSchema() + "`");
            ddl.execute("CREATE TABLE IF NOT EXISTS `" + settings.heartbeatSchema()
                    + "`.heartbeat (source VARCHAR(255) PRIMARY KEY, ts BIGINT NOT NULL)");
        }
    }
}
