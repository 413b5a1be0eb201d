package dev.turnout.routing.policy;

/**
 * How a session's reads are routed.
 *
 * @param maxLatencyMillis staleness bound: a replica whose applied latency is unknown or above it
 *        gets no reads; -1 for no bound
 * @param balancer how to choose among the replicas that qualify
 * @param affinity preferred and excluded replicas
 * @param sessionConsistency read-your-writes: a read after a write goes only to a replica that has
 *        applied it
 * @param consistencyWaitMillis with session consistency, how long a replica may be waited on to
 *        apply the session's last write; 0 = never wait, read on the primary instead
 */
public record ReadPolicy(
        long maxLatencyMillis,
        Balancer balancer,
        Affinity affinity,
        boolean sessionConsistency,
        long consistencyWaitMillis) {

    /** No staleness bound, round robin, no affinity, no session consistency. */
    public static final ReadPolicy DEFAULT = new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.NONE, false, 0);

    /** Validates every component. */
    public ReadPolicy {
        if (maxLatencyMillis < -1) {
            throw new IllegalArgumentException(
                    "maxLatencyMillis must be >= 0, or -1 for no bound, got " + maxLatencyMillis);
        }
        if (balancer == null) {
            throw new NullPointerException("balancer must not be null");
        }
        if (affinity == null) {
            throw new NullPointerException("affinity must not be null");
        }
        if (consistencyWaitMillis < 0) {
            throw new IllegalArgumentException("consistencyWaitMillis must be >= 0, got " + consistencyWaitMillis);
        }
    }
}
