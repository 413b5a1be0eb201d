package dev.turnout.connector.session;

/**
 * The phases of a client connection, in the order a session normally goes through them. Whether a
 * command is in flight is not a phase: it is derived from the session's backends and its waiting
 * command ({@link Dispatcher#inFlight()}).
 */
public enum FrontendPhase {
    /** Our HandshakeV10 was sent; waiting for HandshakeResponse41 (or an SSLRequest first). */
    HANDSHAKE_SENT,
    /** We asked the client to switch to another authentication method; waiting for its answer. */
    AUTH_SWITCH_SENT,
    /**
     * The client is authenticated (at login or by COM_CHANGE_USER); the primary connection is being
     * opened. What the client sends meanwhile waits.
     */
    CONNECTING_BACKEND,
    /**
     * While the primary authenticates the client itself (a relayed login): its auth packet went to
     * the client; waiting for the client's answer, which goes to the primary.
     */
    AUTH_RELAYED,
    /** The command phase: commands are routed and forwarded. */
    COMMANDS,
    /** The session is being closed; nothing more is read or forwarded. */
    CLOSING,
    /** A protocol violation or internal failure: at most one ERR was sent and the channel is closing. */
    FAILED;

    /** AUTH_SWITCH_SENT or AUTH_RELAYED: the client is to answer an authentication packet. */
    public boolean awaitsClientAuth() {
        return this == AUTH_SWITCH_SENT || this == AUTH_RELAYED;
    }

    /** CLOSING or FAILED: the terminal phases. */
    public boolean ended() {
        return this == CLOSING || this == FAILED;
    }
}
