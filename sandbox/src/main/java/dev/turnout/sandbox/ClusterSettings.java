package dev.turnout.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of {@link SandboxCluster.Builder}, handed to a launcher.
 *
 * @param tlsCertificate the servers' TLS certificate (PEM); null: the servers speak plain TCP
 * @param tlsKey its private key (PEM); null exactly when {@code tlsCertificate} is
 */
record ClusterSettings(
        int replicas,
        boolean semiSync,
        String appUser,
        String appPassword,
        Path cacheDir,
        Duration startupTimeout,
        int maxConnections,
        @Nullable Path tlsCertificate,
        @Nullable Path tlsKey) {}
