package dev.turnout.routing.policy;

/** How a read chooses among the replicas that qualify. */
public enum Balancer {
    /** In turn, with a cursor per session. */
    ROUND_ROBIN,
    /** The replica with the fewest active sessions; ties in turn. */
    LEAST_ACTIVE,
    /** The replica with the lowest applied latency (unknown latency last); ties in turn. */
    LOWEST_LATENCY,
    /** The replica with the most advanced GTID position; ties in turn. */
    MOST_ADVANCED;

    /**
     * Parses a balancer name case-insensitively, '-' and '_' alike ({@code "round-robin"},
     * {@code "ROUND_ROBIN"}).
     *
     * @throws IllegalArgumentException listing the valid values
     */
    public static Balancer parse(String text) {
        return Names.parse(Balancer.class, "balancer", text);
    }
}
