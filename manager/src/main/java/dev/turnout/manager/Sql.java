package dev.turnout.manager;

import dev.turnout.monitor.DatasourceAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The manager's administrative SQL on one datasource (MariaDB syntax): read_only, replication
 * control, GTID waits. Opens one short-lived connection per call through the MariaDB driver, with
 * the TLS of {@code connector-backend-ssl-mode}.
 *
 * <p>Thread-safe (stateless apart from its settings).
 */
final class Sql {

    private final String user;
    private final String password;
    private final Duration timeout;
    /** The TLS of {@code connector-backend-ssl-mode}, as MariaDB Connector/J properties. */
    private final Map<String, String> driverProperties;

    Sql(String user, String password, Duration timeout, Map<String, String> driverProperties) {
        this.user = user;
        this.password = password;
        this.timeout = timeout;
        this.driverProperties = Map.copyOf(driverProperties);
    }

    Connection open(DatasourceAddress a, Duration socketTimeout) throws SQLException {
        String url = "jdbc:mariadb://" + a.hostPort() + "/?connectTimeout=" + timeout.toMillis() + "&socketTimeout="
                + socketTimeout.toMillis();
        Properties p = new Properties();
        p.putAll(driverProperties);
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(url, p);
    }

    void execute(DatasourceAddress a, String... statements) throws SQLException {
        try (Connection c = open(a, timeout);
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** The first column of the first row; null without a row or for SQL NULL. */
    @Nullable
    String queryString(DatasourceAddress a, String sql) throws SQLException {
        try (Connection c = open(a, timeout);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * Waits on {@code a} until it applied {@code position} ({@code MASTER_GTID_WAIT}).
     *
     * @return true when applied within {@code wait}, false on timeout
     */
    boolean awaitPosition(DatasourceAddress a, String position, Duration wait) throws SQLException {
        try (Connection c = open(a, wait.plus(timeout));
                PreparedStatement s = c.prepareStatement("SELECT MASTER_GTID_WAIT(?, ?)")) {
            s.setString(1, position);
            s.setDouble(2, wait.toMillis() / 1000.0);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getInt(1) == 0;
            }
        }
    }

    /** A single-quoted SQL string literal. */
    static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
