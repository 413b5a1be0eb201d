package dev.turnout.sandbox;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clusters of this JVM that are not closed yet, and the one shutdown hook that closes them
 * when the JVM exits (normally, or on SIGINT/SIGTERM). A JVM that dies without running hooks is
 * covered by each server's {@link ProcessWatchdog}.
 */
final class LiveClusters {

    private static final Set<SandboxCluster> LIVE = ConcurrentHashMap.newKeySet();
    private static boolean hookInstalled;

    private LiveClusters() {}

    static void register(SandboxCluster cluster) {
        synchronized (LiveClusters.class) {
            if (!hookInstalled) {
                try {
                    Runtime.getRuntime().addShutdownHook(new Thread(LiveClusters::closeAll, "sandbox-shutdown"));
                } catch (IllegalStateException e) {
                    throw new SandboxException("the JVM is shutting down; not starting a sandbox", e);
                }
                hookInstalled = true;
            }
        }
        LIVE.add(cluster);
    }

    static void unregister(SandboxCluster cluster) {
        LIVE.remove(cluster);
    }

    private static void closeAll() {
        Parallel.forEach(List.copyOf(LIVE), SandboxCluster::close);
    }
}
