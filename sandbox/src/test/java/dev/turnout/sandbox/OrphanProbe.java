package dev.turnout.sandbox;

/**
 * Main class of the child JVM in {@link NoOrphanTest}: starts a one-server cluster, prints the
 * server's pid, then waits to be killed.
 */
public final class OrphanProbe {

    private OrphanProbe() {}

    public static void main(String[] args) throws Exception {
        SandboxCluster cluster = SandboxCluster.builder().replicas(0).start();
        System.out.println("PID " + cluster.primary().pid());
        System.out.flush();
        Thread.sleep(120_000);
        cluster.close();
    }
}
