package dev.turnout.connector.config;

/**
 * How reads are spread among the replicas that qualify for them ({@code connector-load-balancer}).
 * The configuration's own type: the connector maps it to the routing module's balancers.
 */
public enum LoadBalancerSetting {
    /** Each qualifying replica in turn. */
    ROUND_ROBIN("round-robin"),
    /** The replica with the fewest statements in flight from this connector. */
    LEAST_ACTIVE("least-active"),
    /** The replica with the lowest replication latency. */
    LOWEST_LATENCY("lowest-latency"),
    /** The replica that has applied the most of the primary's transactions. */
    MOST_ADVANCED("most-advanced");

    private final String keyword;

    LoadBalancerSetting(String keyword) {
        this.keyword = keyword;
    }

    /** The value as written in the file, e.g. {@code round-robin}. */
    public String keyword() {
        return keyword;
    }

    /**
     * Reads a value, ignoring case.
     *
     * @throws IllegalArgumentException with the part of an operator message that follows the key
     */
    static LoadBalancerSetting parse(String text) {
        return Values.keyword(text, values(), LoadBalancerSetting::keyword);
    }
}
