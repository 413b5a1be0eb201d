package dev.turnout.connector;

import org.jspecify.annotations.Nullable;

/** The connector could not start: the message says what to fix. */
public final class ConnectorStartException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConnectorStartException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
