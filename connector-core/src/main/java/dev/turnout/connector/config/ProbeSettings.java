package dev.turnout.connector.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the connector watches the datasources itself when no manager pushes the topology: probe
 * and heartbeat intervals, and the login both use. Part of {@link SectionSettings}.
 *
 * @param probeInterval       {@code connector-probe-interval}
 * @param heartbeatInterval   {@code connector-heartbeat-interval}
 * @param replicationUser     {@code replication-user}, or else the application user
 * @param replicationPassword {@code replication-password}, or else the application password (UTF-8)
 */
record ProbeSettings(Duration probeInterval, Duration heartbeatInterval, String replicationUser,
                     byte[] replicationPassword) {

    ProbeSettings {
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(replicationUser, "replicationUser");
        Objects.requireNonNull(replicationPassword, "replicationPassword");
    }

    /** Without the password. */
    @Override
    public String toString() {
        return "ProbeSettings[probeInterval=" + Values.format(probeInterval)
                + ", heartbeatInterval=" + Values.format(heartbeatInterval)
                + ", replicationUser=" + replicationUser + ", replicationPassword=***]";
    }
}
