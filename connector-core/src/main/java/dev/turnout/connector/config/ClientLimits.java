package dev.turnout.connector.config;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How many client connections the connector takes. {@link ConnectorConfig#limits()}.
 *
 * @param maxConnections     {@code connector-max-connections}: client connections open at once,
 *                           on all listeners (0 = no limit); a connection beyond them is answered
 *                           1040 "Too many connections" in place of the greeting, as a server does.
 *                           Unless set, derived from the process's file-descriptor limit
 *                           ({@link #fromDescriptors})
 * @param derived            whether {@code maxConnections} was derived rather than set
 * @param maxUserConnections {@code connector-max-user-connections} (default 0: no limit): sessions
 *                           of one user at once; a login beyond them is answered 1203
 *                           (ER_TOO_MANY_USER_CONNECTIONS), as MariaDB does with
 *                           {@code max_user_connections}
 */
public record ClientLimits(int maxConnections, boolean derived, int maxUserConnections) {

    /** Descriptors kept for everything but sessions: listeners, probes, the manager link, jars, logs. */
    static final long RESERVE = 256;

    /** The most a derived limit is (a limit of "unlimited" descriptors gives this). */
    static final int MAX_DERIVED = 1_000_000;

    public ClientLimits {
        if (maxConnections < 0 || maxUserConnections < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    /**
     * The default limit for {@code descriptors} file descriptors: each session holds its client
     * connection and one to its primary, and one to a replica when reads may be split; a reserve is
     * left for the rest. At least 1; {@value #MAX_DERIVED} when the descriptor limit is unknown (-1).
     */
    static int fromDescriptors(long descriptors, boolean splitsReads) {
        if (descriptors < 0) {
            return MAX_DERIVED;
        }
        long perSession = splitsReads ? 3 : 2;
        return (int) Math.max(1, Math.min(MAX_DERIVED, (descriptors - RESERVE) / perSession));
    }

    /** The process's soft file-descriptor limit, or -1 where the platform does not say. */
    static long descriptorLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }
}
