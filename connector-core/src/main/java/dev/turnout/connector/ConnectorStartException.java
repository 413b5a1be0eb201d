package dev.turnout.connector;

/** The connector could not start: the message says what to fix. */
public final class ConnectorStartException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConnectorStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
