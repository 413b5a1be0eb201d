package dev.turnout.connector.session;

/**
 * The listening port a client connected to: {@code application-port} or
 * {@code application-readonly-port}. It sets the session's quality of service (see
 * ARCHITECTURE.md, "Quality of service": the listener port ranks above the user map and below an
 * SQL comment hint).
 */
public enum Listener {
    /** {@code application-port}: reads and writes. */
    READ_WRITE,
    /** {@code application-readonly-port}: a read-only session, whose statements may go to replicas. */
    READ_ONLY
}
