package dev.turnout.connector.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The managers the connector follows, and how sessions ride out a lost primary, a failover or a
 * planned switch. {@link ConnectorConfig#failover()}.
 *
 * @param managers               {@code connector-managers}: the managers whose topology pushes the
 *                               connector follows (it subscribes to every one); empty when not
 *                               set, and the connector then probes the datasources itself
 * @param offlineWithoutManagers {@code connector-without-managers}: true for {@code offline} (the
 *                               connector refuses sessions while none of its managers is
 *                               reachable), false for {@code keep-routing} (the default: it routes
 *                               on the last topology it received)
 * @param waitTime               {@code connector-failover-wait} (default 10 s): after a session's
 *                               primary connection is lost, how long a statement waits for a
 *                               primary (the new one after a failover, or the same one back) before
 *                               it gets an error; the session stays open either way
 * @param retryInterval          {@code connector-failover-retry} (default 200 ms): how often a
 *                               statement waiting for a primary (see {@code waitTime}) tries
 *                               again; every topology change wakes it too
 * @param disconnectTimeout      {@code connector-disconnect-timeout} (default 5 s): when a manager
 *                               holds the connector for a switch, how long a session inside a
 *                               transaction may go on before its transaction is aborted with an
 *                               error and the session closed, so that the switch can proceed
 */
public record FailoverSettings(
        List<HostPort> managers,
        boolean offlineWithoutManagers,
        Duration waitTime,
        Duration retryInterval,
        Duration disconnectTimeout) {

    public FailoverSettings {
        managers = List.copyOf(managers);
        Objects.requireNonNull(waitTime, "waitTime");
        Objects.requireNonNull(retryInterval, "retryInterval");
        Objects.requireNonNull(disconnectTimeout, "disconnectTimeout");
    }
}
