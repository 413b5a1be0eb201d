package dev.turnout.sandbox;

import java.nio.file.Path;
import java.time.Duration;

/** The validated settings of {@link SandboxCluster.Builder}, handed to a launcher. */
record ClusterSettings(
        int replicas,
        boolean semiSync,
        String appUser,
        String appPassword,
        Path cacheDir,
        Duration startupTimeout,
        int maxConnections) {}
