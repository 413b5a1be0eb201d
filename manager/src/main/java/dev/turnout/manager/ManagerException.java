package dev.turnout.manager;

/** An operator request the manager refused or could not complete; the message says why, for the operator. */
public final class ManagerException extends Exception {

    private final boolean badRequest;

    ManagerException(String message, boolean badRequest) {
        super(message);
        this.badRequest = badRequest;
    }

    ManagerException(String message, Throwable cause) {
        super(message, cause);
        this.badRequest = false;
    }

    /** True when the request itself is wrong (unknown host, bad value), false when carrying it out failed. */
    public boolean badRequest() {
        return badRequest;
    }
}
