package dev.turnout.connector.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Read/write splitting and session consistency in effect for one section: which sessions read
 * from replicas, which replicas qualify, and how reads are spread. Part of {@link SectionSettings},
 * which also holds the user map file that may decide otherwise per user.
 *
 * @param qos                   {@code connector-qos}
 * @param smartScale            {@code connector-smartscale}
 * @param smartScaleWait        {@code connector-smartscale-wait}; zero = do not wait
 * @param maxSlaveLatencyMillis {@code connector-max-slave-latency}; -1 when not set (no bound)
 * @param loadBalancer          {@code connector-load-balancer}
 * @param affinity              {@code connector-affinity}; {@link AffinitySetting#NONE} when not set
 */
record SplittingSettings(QosSetting qos, boolean smartScale, Duration smartScaleWait, long maxSlaveLatencyMillis,
                         LoadBalancerSetting loadBalancer, AffinitySetting affinity) {

    SplittingSettings {
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(smartScaleWait, "smartScaleWait");
        Objects.requireNonNull(loadBalancer, "loadBalancer");
        Objects.requireNonNull(affinity, "affinity");
    }
}
