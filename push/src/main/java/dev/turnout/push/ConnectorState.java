package dev.turnout.push;

/** A connector's state, as managers set and list it (ARCHITECTURE.md, "Topology and managers"). */
public enum ConnectorState {
    /** Serving. */
    ONLINE("ONLINE"),
    /** New requests wait, existing sessions continue. */
    ON_HOLD("ON-HOLD"),
    /** Sessions closed, new ones refused with a clear error. */
    OFFLINE("OFFLINE");

    private final String label;

    ConnectorState(String label) {
        this.label = label;
    }

    /** The name on the wire and in {@code ls}: {@code ONLINE}, {@code ON-HOLD}, {@code OFFLINE}. */
    public String label() {
        return label;
    }

    /**
     * The state of that label; also accepts the enum names and {@code onhold}, case-insensitively.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ConnectorState parse(String text) {
        for (ConnectorState s : values()) {
            if (s.label.equalsIgnoreCase(text)
                    || s.name().equalsIgnoreCase(text)
                    || s.label.replace("-", "").equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("connector state '" + text + "' is none of ONLINE, ON-HOLD, OFFLINE");
    }
}
