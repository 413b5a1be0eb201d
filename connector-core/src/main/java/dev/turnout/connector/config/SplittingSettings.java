package dev.turnout.connector.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Read/write splitting and session consistency in effect for one section: which sessions read
 * from replicas, which replicas qualify, how reads are spread, and the user map that may decide
 * otherwise per user. Part of {@link SectionSettings}.
 *
 * @param qos                   {@code connector-qos}
 * @param smartScale            {@code connector-smartscale}
 * @param smartScaleWait        {@code connector-smartscale-wait}; zero = do not wait
 * @param maxSlaveLatencyMillis {@code connector-max-slave-latency}; -1 when not set (no bound)
 * @param loadBalancer          {@code connector-load-balancer}
 * @param affinity              {@code connector-affinity}; {@link AffinitySetting#NONE} when not set
 * @param userMapFile           {@code connector-user-map}; null when not set
 */
record SplittingSettings(QosSetting qos, boolean smartScale, Duration smartScaleWait, long maxSlaveLatencyMillis,
                         LoadBalancerSetting loadBalancer, AffinitySetting affinity, UserMapFile userMapFile) {

    SplittingSettings {
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(smartScaleWait, "smartScaleWait");
        Objects.requireNonNull(loadBalancer, "loadBalancer");
        Objects.requireNonNull(affinity, "affinity");
    }
}
