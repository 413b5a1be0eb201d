package dev.turnout.connector.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the connector watches the datasources itself when no manager pushes the topology: probe
 * and heartbeat intervals, and the login both use. {@link ConnectorConfig#probes()}.
 *
 * <p>The record keeps its own copy of the password and {@link #replicationPassword()} returns a
 * fresh one; {@link #toString()} never shows it.
 *
 * @param probeInterval       {@code connector-probe-interval}: how often the connector probes the
 *                            datasources itself
 * @param heartbeatInterval   {@code connector-heartbeat-interval}: how often the connector writes
 *                            its heartbeat row on the primary
 * @param replicationUser     {@code replication-user}: the user of probes and heartbeats; the
 *                            application user when not set
 * @param replicationPassword {@code replication-password} as UTF-8 bytes; the application password
 *                            when not set
 */
public record ProbeSettings(
        Duration probeInterval, Duration heartbeatInterval, String replicationUser, byte[] replicationPassword) {

    public ProbeSettings {
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(replicationUser, "replicationUser");
        replicationPassword = Objects.requireNonNull(replicationPassword, "replicationPassword")
                .clone();
    }

    /** {@code replication-password} as UTF-8 bytes: a fresh copy on every call, for the caller to wipe. */
    @Override
    public byte[] replicationPassword() {
        return replicationPassword.clone();
    }

    /** Without the password. */
    @Override
    public String toString() {
        return "ProbeSettings[probeInterval=" + Values.format(probeInterval)
                + ", heartbeatInterval=" + Values.format(heartbeatInterval)
                + ", replicationUser=" + replicationUser + ", replicationPassword=***]";
    }
}
