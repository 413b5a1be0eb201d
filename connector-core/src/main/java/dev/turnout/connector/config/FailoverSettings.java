package dev.turnout.connector.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The managers the connector follows, and how sessions ride out a lost primary, a failover or a
 * planned switch. Part of {@link SectionSettings}.
 *
 * @param managers               {@code connector-managers}; empty when not set (the connector probes itself)
 * @param offlineWithoutManagers {@code connector-without-managers=offline}: OFFLINE while no manager is reachable
 * @param failoverWait           {@code connector-failover-wait}: how long a statement waits for a primary after the primary was lost
 * @param failoverRetry          {@code connector-failover-retry}: how often such a statement tries again
 * @param disconnectTimeout      {@code connector-disconnect-timeout}: the grace of a session inside a transaction when a manager holds the connector
 */
record FailoverSettings(List<HostPort> managers, boolean offlineWithoutManagers, Duration failoverWait,
                        Duration failoverRetry, Duration disconnectTimeout) {

    FailoverSettings {
        managers = List.copyOf(managers);
        Objects.requireNonNull(failoverWait, "failoverWait");
        Objects.requireNonNull(failoverRetry, "failoverRetry");
        Objects.requireNonNull(disconnectTimeout, "disconnectTimeout");
    }
}
