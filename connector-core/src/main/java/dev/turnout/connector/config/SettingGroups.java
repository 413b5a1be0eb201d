package dev.turnout.connector.config;

import static dev.turnout.connector.config.SettingsParser.*;

import dev.turnout.connector.config.SettingsParser.Layer;
import java.time.Duration;
import java.util.List;

/**
 * The setting groups of a section that are read straight from its merged layers (splitting,
 * probes, failover, backend connections), for {@link SettingsParser#section}; stateless.
 */
final class SettingGroups {

    private SettingGroups() {}

    static SplittingSettings splitting(Layer defaults, Layer own) {
        Duration maxSlaveLatency = (Duration) effectiveOrNull(Key.CONNECTOR_MAX_SLAVE_LATENCY, defaults, own);
        return new SplittingSettings(
                (QosSetting) effective(Key.CONNECTOR_QOS, defaults, own, DEFAULT_QOS),
                (Boolean) effective(Key.CONNECTOR_SMARTSCALE, defaults, own, true),
                (Duration) effective(Key.CONNECTOR_SMARTSCALE_WAIT, defaults, own, Duration.ZERO),
                maxSlaveLatency == null ? -1 : maxSlaveLatency.toMillis(),
                (LoadBalancerSetting) effective(Key.CONNECTOR_LOAD_BALANCER, defaults, own, DEFAULT_LOAD_BALANCER),
                (AffinitySetting) effective(Key.CONNECTOR_AFFINITY, defaults, own, AffinitySetting.NONE));
    }

    static ProbeSettings probes(Layer defaults, Layer own, Settings core) {
        return new ProbeSettings(
                (Duration) effective(Key.CONNECTOR_PROBE_INTERVAL, defaults, own, DEFAULT_PROBE_INTERVAL),
                (Duration) effective(Key.CONNECTOR_HEARTBEAT_INTERVAL, defaults, own, DEFAULT_HEARTBEAT_INTERVAL),
                (String) effective(Key.REPLICATION_USER, defaults, own, core.applicationUser()),
                (byte[]) effective(Key.REPLICATION_PASSWORD, defaults, own, core.applicationPassword()));
    }

    @SuppressWarnings("unchecked") // connector-managers parses to List<HostPort>
    static FailoverSettings failover(Layer defaults, Layer own) {
        return new FailoverSettings(
                (List<HostPort>) effective(Key.CONNECTOR_MANAGERS, defaults, own, List.of()),
                (Boolean) effective(Key.CONNECTOR_WITHOUT_MANAGERS, defaults, own, false),
                (Duration) effective(Key.CONNECTOR_FAILOVER_WAIT, defaults, own, DEFAULT_FAILOVER_WAIT),
                (Duration) effective(Key.CONNECTOR_FAILOVER_RETRY, defaults, own, DEFAULT_FAILOVER_RETRY),
                (Duration) effective(Key.CONNECTOR_DISCONNECT_TIMEOUT, defaults, own, DEFAULT_DISCONNECT_TIMEOUT),
                (byte[]) effectiveOrNull(Key.MANAGER_PUSH_SECRET, defaults, own),
                (Duration) effective(Key.CONNECTOR_HOLD_EXPIRY, defaults, own, DEFAULT_HOLD_EXPIRY));
    }

    /**
     * Without {@code manager-push-secret}, {@code connector-managers} may only name managers on this
     * host: anybody else at a manager's address could pose as it. Records the problem otherwise.
     */
    @SuppressWarnings("unchecked") // connector-managers parses to List<HostPort>
    static boolean managersAuthenticated(Problems problems, Layer defaults, Layer own) {
        if (effectiveOrNull(Key.MANAGER_PUSH_SECRET, defaults, own) != null) {
            return true;
        }
        IniSection.Entry entry = effectiveEntry(Key.CONNECTOR_MANAGERS, defaults, own);
        if (entry == null) {
            return true; // no managers
        }
        List<HostPort> managers = (List<HostPort>) effective(Key.CONNECTOR_MANAGERS, defaults, own, List.of());
        for (HostPort manager : managers) {
            if (!HostPort.isLoopbackLiteral(manager.host())) {
                problems.add(
                        entry.line(),
                        entry.key(),
                        "names " + manager + ", not on this host, but manager-push-secret is not set: set it"
                                + " (the same on the managers) so that nobody else can pose as a manager");
                return false;
            }
        }
        return true;
    }

    /** {@code connector-max-connections} (default from the descriptor limit) and {@code connector-max-user-connections}. */
    static ClientLimits limits(Layer defaults, Layer own) {
        boolean splits = effective(Key.CONNECTOR_QOS, defaults, own, DEFAULT_QOS) == QosSetting.RO_RELAXED
                || effectiveOrNull(Key.APPLICATION_READONLY_PORT, defaults, own) != null;
        Integer total = (Integer) effectiveOrNull(Key.CONNECTOR_MAX_CONNECTIONS, defaults, own);
        return new ClientLimits(
                total != null ? total : ClientLimits.fromDescriptors(ClientLimits.descriptorLimit(), splits),
                total == null,
                (Integer) effective(Key.CONNECTOR_MAX_USER_CONNECTIONS, defaults, own, 0));
    }

    static BackendSettings backends(Layer defaults, Layer own) {
        return new BackendSettings(
                (Integer) effective(Key.CONNECTOR_BACKEND_POOL, defaults, own, 0),
                (Duration) effective(Key.CONNECTOR_BACKEND_POOL_IDLE, defaults, own, DEFAULT_BACKEND_POOL_IDLE),
                (Duration) effective(Key.CONNECTOR_IDLE_RELEASE, defaults, own, Duration.ZERO),
                (Duration) effective(Key.CONNECTOR_REPLICA_BACKOFF, defaults, own, DEFAULT_REPLICA_BACKOFF),
                (Boolean) effective(Key.CONNECTOR_ALLOW_PUBLIC_KEY_RETRIEVAL, defaults, own, false),
                (Boolean) effective(Key.CONNECTOR_LOAD_ACCOUNTS, defaults, own, true),
                (Duration) effective(Key.CONNECTOR_ACCOUNTS_REFRESH, defaults, own, Duration.ofSeconds(30)));
    }
}
