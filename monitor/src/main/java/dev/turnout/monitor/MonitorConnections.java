package dev.turnout.monitor;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Opens the monitor's JDBC connections: MariaDB Connector/J, one plain connection per use, with
 * {@code connectTimeout} and {@code socketTimeout} both set to the monitor's timeout so that no
 * call on them waits longer, and {@link MonitorSettings#driverProperties()} (TLS). The driver is called directly, not through {@code DriverManager}
 * (whose registry is global and synchronized).
 */
final class MonitorConnections {

    private static final Driver DRIVER = new org.mariadb.jdbc.Driver();

    private MonitorConnections() {}

    static Connection open(DatasourceAddress address, MonitorSettings settings) throws SQLException {
        String url = url(address, settings);
        Connection connection = DRIVER.connect(url, properties(settings));
        if (connection == null) {
            throw new SQLException("the MariaDB driver did not accept " + url);
        }
        return connection;
    }

    /** The driver URL of a monitoring connection to {@code address}. */
    static String url(DatasourceAddress address, MonitorSettings settings) {
        long millis = settings.timeout().toMillis();
        return "jdbc:mariadb://" + address.hostPort() + "/?connectTimeout=" + millis + "&socketTimeout=" + millis;
    }

    /** The driver properties of a monitoring connection: the account, and {@link MonitorSettings#driverProperties()}. */
    static Properties properties(MonitorSettings settings) {
        Properties properties = new Properties();
        properties.putAll(settings.driverProperties());
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        return properties;
    }

    /** Closes {@code connection} if there is one, ignoring failures (it is usually broken already). */
    static void closeQuietly(@Nullable Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            // Closing a broken connection may fail; it is gone either way.
        }
    }

    /** The most telling message of a failure: its own, else its cause's, else its class. */
    static String message(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return failure.getClass().getSimpleName();
    }
}
