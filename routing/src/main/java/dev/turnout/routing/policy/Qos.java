package dev.turnout.routing.policy;

/** Quality of service of a session or statement. */
public enum Qos {
    /** Every statement on the primary. */
    RW_STRICT,
    /** Reads on a replica if one qualifies, else on the primary; writes on the primary. */
    RO_RELAXED;

    /**
     * Parses a QoS name case-insensitively ({@code "ro_relaxed"}, {@code "RO-RELAXED"}).
     *
     * @throws IllegalArgumentException listing the valid values
     */
    public static Qos parse(String text) {
        return Names.parse(Qos.class, "QoS", text);
    }
}
