package dev.turnout.connector.frontend;

/** Which of the connector's listening ports a client connected to. */
public enum Listener {
    /** {@code application-port}: the session's quality of service comes from configuration and user map. */
    READ_WRITE,
    /** {@code application-readonly-port}: sessions get {@code RO_RELAXED}. */
    READ_ONLY
}
