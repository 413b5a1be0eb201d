package dev.turnout.connector.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Read/write splitting and session consistency in effect for a dataservice: which sessions read
 * from replicas, which replicas qualify, and how reads are spread. {@link ConnectorConfig#splitting()};
 * the user map, which may decide otherwise per user, is {@link ConnectorConfig#userMap()}.
 *
 * @param qos                   {@code connector-qos}: the quality of service of sessions when
 *                              nothing more specific applies
 * @param smartScale            {@code connector-smartscale}: read-your-writes for
 *                              {@code RO_RELAXED} reads (the default); false = relaxed reads,
 *                              which may miss the session's own writes
 * @param smartScaleWait        {@code connector-smartscale-wait}: how long a read may wait for a
 *                              replica to apply the session's last write; zero reads from the
 *                              primary at once instead
 * @param maxSlaveLatencyMillis {@code connector-max-slave-latency} in milliseconds: a replica
 *                              whose applied latency exceeds it receives no reads; -1 when the
 *                              key is not set (no bound)
 * @param loadBalancer          {@code connector-load-balancer}: how reads are spread among the
 *                              qualifying replicas
 * @param affinity              {@code connector-affinity}: the datasources reads prefer and
 *                              avoid; {@link AffinitySetting#NONE} when not set
 */
public record SplittingSettings(
        QosSetting qos,
        boolean smartScale,
        Duration smartScaleWait,
        long maxSlaveLatencyMillis,
        LoadBalancerSetting loadBalancer,
        AffinitySetting affinity) {

    public SplittingSettings {
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(smartScaleWait, "smartScaleWait");
        Objects.requireNonNull(loadBalancer, "loadBalancer");
        Objects.requireNonNull(affinity, "affinity");
    }
}
