package dev.turnout.sandbox;

/**
 * A sandbox server or cluster could not be prepared, started, stopped or brought into the
 * expected replication state. The message names the server and, for start failures, carries the
 * tail of the server's error log.
 */
public final class SandboxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
