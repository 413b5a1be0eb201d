package dev.turnout.monitor;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one probe of one datasource found. An unreachable datasource has {@code reachable = false},
 * the reason in {@code error}, the {@code flavor} last seen (null if it was never reached) and
 * defaults elsewhere: empty version and GTID position, server id 0, not read-only, no replica
 * status, latency -1 and round trip -1.
 *
 * @param name the datasource's name, as in its {@link DatasourceAddress}
 * @param reachable whether the probe connected and every statement of it answered in time
 * @param error why it is unreachable (the cause's message); null when reachable
 * @param flavor the server family; null if the datasource was never reached
 * @param version {@code @@version}, e.g. {@code 11.4.5-MariaDB-log}
 * @param serverId {@code @@server_id}
 * @param readOnly {@code @@read_only} is set (any value but {@code OFF}/{@code 0})
 * @param gtidPosition MariaDB {@code @@global.gtid_current_pos}, MySQL {@code @@global.gtid_executed};
 *     empty if unknown
 * @param replica the replication threads; null if the server is not a replica
 * @param latencyMillis applied latency from the heartbeat (see {@link DatasourceMonitor}); -1 unknown,
 *     0 for the server the heartbeat is written on
 * @param probedAtMillis wall-clock time ({@link System#currentTimeMillis()}) the probe ended
 * @param roundTripMicros round trip of the probe's first statement in microseconds; -1 if unreachable
 */
public record Probe(
        String name,
        boolean reachable,
        @Nullable String error,
        @Nullable Flavor flavor,
        String version,
        long serverId,
        boolean readOnly,
        String gtidPosition,
        @Nullable ReplicaStatus replica,
        long latencyMillis,
        long probedAtMillis,
        long roundTripMicros) {

    public Probe {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(gtidPosition, "gtidPosition");
        if (reachable == (error != null)) {
            throw new IllegalArgumentException(
                    name + ": a reachable probe has no error and an unreachable one has one");
        }
    }

    /** A probe that found {@code name} unreachable for {@code error}. */
    static Probe unreachable(String name, String error, @Nullable Flavor lastFlavor, long probedAtMillis) {
        return new Probe(name, false, error, lastFlavor, "", 0, false, "", null, -1, probedAtMillis, -1);
    }
}
