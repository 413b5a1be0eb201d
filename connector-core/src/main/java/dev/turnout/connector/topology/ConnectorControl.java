package dev.turnout.connector.topology;

import dev.turnout.push.ConnectorState;

/**
 * The connector's state as managers set it: ONLINE (statements run), ON-HOLD (a statement that
 * would start outside a transaction waits; sessions inside one go on — so a switch finds every
 * session at a transaction boundary), OFFLINE (sessions are closed and logins refused).
 *
 * <p>Thread-safe: one volatile field, written by the push client's thread, read by sessions when a
 * statement starts outside a transaction.
 */
public final class ConnectorControl {

    private volatile ConnectorState state = ConnectorState.ONLINE;

    public ConnectorState state() {
        return state;
    }

    public void state(ConnectorState state) {
        this.state = state;
    }

    /** ON-HOLD: statements that would start outside a transaction wait. */
    public boolean holding() {
        return state == ConnectorState.ON_HOLD;
    }

    public boolean offline() {
        return state == ConnectorState.OFFLINE;
    }
}
