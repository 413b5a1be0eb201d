package dev.turnout.monitor;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a {@link DatasourceMonitor} reaches and watches its datasources. {@link #toString()} never
 * shows the password.
 *
 * @param user the monitoring account; it needs {@code REPLICATION CLIENT} / {@code SLAVE MONITOR}
 *     for the replica status, and {@code CREATE}, {@code INSERT}, {@code UPDATE} on the heartbeat schema
 * @param password its password (may be empty)
 * @param probeInterval how often a round of probes starts, default 200 ms
 * @param heartbeatInterval how often a heartbeat is written on the primary, default 100 ms
 * @param timeout connect timeout and socket timeout of each monitoring connection, and the bound of one
 *     probe; default 1 s
 * @param heartbeatSchema the schema that holds the {@code heartbeat} table, default {@code turnout};
 *     letters, digits and {@code _} only
 * @param heartbeatSource this writer's row in the heartbeat table, e.g. {@code connector@host[pid]};
 *     1 to 255 characters; every connector or manager that writes heartbeats needs its own
 * @param driverProperties more MariaDB Connector/J properties of the monitoring connections, e.g.
 *     {@code sslMode=verify-full}, {@code serverSslCert=/etc/ca.pem} (the connector's
 *     {@code connector-backend-ssl-mode}); empty for none (copied)
 */
public record MonitorSettings(
        String user,
        String password,
        Duration probeInterval,
        Duration heartbeatInterval,
        Duration timeout,
        String heartbeatSchema,
        String heartbeatSource,
        Map<String, String> driverProperties) {

    private static final Pattern SCHEMA = Pattern.compile("[A-Za-z0-9_]{1,64}");

    public MonitorSettings {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(heartbeatSchema, "heartbeatSchema");
        Objects.requireNonNull(heartbeatSource, "heartbeatSource");
        driverProperties = Map.copyOf(driverProperties);
        if (driverProperties.containsKey("user") || driverProperties.containsKey("password")) {
            throw new IllegalArgumentException("driverProperties: user and password are settings of their own");
        }
        requireMillis("probeInterval", probeInterval);
        requireMillis("heartbeatInterval", heartbeatInterval);
        requireMillis("timeout", timeout);
        if (user.isEmpty()) {
            throw new IllegalArgumentException("user: expected a non-empty monitoring user");
        }
        if (!SCHEMA.matcher(heartbeatSchema).matches()) {
            throw new IllegalArgumentException(
                    "heartbeatSchema: expected 1 to 64 letters, digits or '_', got '" + heartbeatSchema + "'");
        }
        if (heartbeatSource.isEmpty() || heartbeatSource.length() > 255) {
            throw new IllegalArgumentException(
                    "heartbeatSource: expected 1 to 255 characters, got " + heartbeatSource.length());
        }
    }

    /** Settings without more URL options. */
    public MonitorSettings(
            String user,
            String password,
            Duration probeInterval,
            Duration heartbeatInterval,
            Duration timeout,
            String heartbeatSchema,
            String heartbeatSource) {
        this(user, password, probeInterval, heartbeatInterval, timeout, heartbeatSchema, heartbeatSource, Map.of());
    }

    /** Probes every 200 ms, heartbeats every 100 ms, 1 s timeout, schema {@code turnout}. */
    public static MonitorSettings defaults(String user, String password, String heartbeatSource) {
        return new MonitorSettings(
                user,
                password,
                Duration.ofMillis(200),
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                "turnout",
                heartbeatSource);
    }

    @Override
    public String toString() {
        return "MonitorSettings[user=" + user + ", password=<redacted>, probeInterval=" + probeInterval
                + ", heartbeatInterval=" + heartbeatInterval + ", timeout=" + timeout + ", heartbeatSchema="
                + heartbeatSchema + ", heartbeatSource=" + heartbeatSource
                + (driverProperties.isEmpty() ? "" : ", driverProperties=" + driverProperties) + "]";
    }

    private static void requireMillis(String key, Duration value) {
        Objects.requireNonNull(value, key);
        if (value.toMillis() < 1 || value.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + ": expected 1 ms to " + Integer.MAX_VALUE + " ms, got " + value);
        }
    }
}
