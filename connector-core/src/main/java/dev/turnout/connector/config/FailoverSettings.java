package dev.turnout.connector.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
 * @param pushSecret             {@code manager-push-secret} as UTF-8 bytes: the secret managers
 *                               and connectors share; each side of a push connection proves it
 *                               knows it (docs/push-protocol.md). Null when not set, which is
 *                               allowed only when every manager is on this host;
 *                               {@link #pushSecret()} returns a fresh copy
 * @param holdExpiry             {@code connector-hold-expiry} (default 30 s): how long the
 *                               connector stays held for a switch without a release from the
 *                               manager before it releases itself (a manager that stopped between
 *                               hold and release)
 *
 * <p>{@link #toString()} never shows the secret.
 */
public record FailoverSettings(
        List<HostPort> managers,
        boolean offlineWithoutManagers,
        Duration waitTime,
        Duration retryInterval,
        Duration disconnectTimeout,
        byte @Nullable [] pushSecret,
        Duration holdExpiry) {

    public FailoverSettings {
        managers = List.copyOf(managers);
        Objects.requireNonNull(waitTime, "waitTime");
        Objects.requireNonNull(retryInterval, "retryInterval");
        Objects.requireNonNull(disconnectTimeout, "disconnectTimeout");
        Objects.requireNonNull(holdExpiry, "holdExpiry");
        pushSecret = pushSecret == null ? null : pushSecret.clone();
    }

    /** {@code manager-push-secret} as UTF-8 bytes, a fresh copy; null when not set. */
    @Override
    public byte @Nullable [] pushSecret() {
        return pushSecret == null ? null : pushSecret.clone();
    }

    /** Without the secret. */
    @Override
    public String toString() {
        return "FailoverSettings[managers=" + managers + ", offlineWithoutManagers=" + offlineWithoutManagers
                + ", waitTime=" + Values.format(waitTime) + ", retryInterval=" + Values.format(retryInterval)
                + ", disconnectTimeout=" + Values.format(disconnectTimeout) + ", pushSecret="
                + (pushSecret == null ? "none" : "***") + ", holdExpiry=" + Values.format(holdExpiry) + "]";
    }
}
