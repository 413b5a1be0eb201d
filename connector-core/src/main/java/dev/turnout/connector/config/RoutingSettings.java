package dev.turnout.connector.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The read/write splitting, session consistency, probe and user map settings in effect for one
 * section ([defaults] overridden by the section's own values). A companion of {@link Settings},
 * kept apart so that the two grow independently. Package-private carrier between
 * {@link ConfigParser} and {@link ConnectorConfig}.
 *
 * @param maxSlaveLatencyMillis -1 when {@code connector-max-slave-latency} is not set
 * @param userMapFile           null when {@code connector-user-map} is not set
 * @param replicationUser       {@code replication-user}, or else the application user
 * @param replicationPassword   {@code replication-password}, or else the application password (UTF-8)
 * @param managers              {@code connector-managers}: the managers whose topology the connector follows; empty when not set
 * @param backendPool           {@code connector-backend-pool}: idle backend connections kept per event loop and login; 0 = none
 * @param offlineWithoutManagers {@code connector-without-managers=offline}: OFFLINE while no manager is reachable
 * @param failoverWait          {@code connector-failover-wait}: how long a statement waits for a primary after the primary was lost
 * @param idleRelease           {@code connector-idle-release}: how long a session stays idle before it lets its backend connections go; zero = never
 * @param disconnectTimeout     {@code connector-disconnect-timeout}: the grace of a session inside a transaction when a manager holds the connector
 * @param restApiAddress        {@code connector-rest-api-address}; null when not set (no REST API)
 * @param restApiUser           {@code rest-api-admin-user}; null when not set
 * @param restApiPassword       {@code rest-api-admin-password} (or its alias {@code rest-api-admin-pass}); null when not set
 */
record RoutingSettings(QosSetting qos, boolean smartScale, Duration smartScaleWait, long maxSlaveLatencyMillis,
                       LoadBalancerSetting loadBalancer, AffinitySetting affinity, UserMapFile userMapFile,
                       Duration probeInterval, Duration heartbeatInterval, String replicationUser,
                       byte[] replicationPassword, java.util.List<HostPort> managers, int backendPool, boolean offlineWithoutManagers, Duration failoverWait, Duration idleRelease, Duration disconnectTimeout,
                       HostPort restApiAddress, String restApiUser, byte[] restApiPassword) {

    RoutingSettings {
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(smartScaleWait, "smartScaleWait");
        Objects.requireNonNull(loadBalancer, "loadBalancer");
        Objects.requireNonNull(affinity, "affinity");
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(replicationUser, "replicationUser");
        Objects.requireNonNull(replicationPassword, "replicationPassword");
        managers = java.util.List.copyOf(managers);
        Objects.requireNonNull(failoverWait, "failoverWait");
        Objects.requireNonNull(idleRelease, "idleRelease");
    }
}
