package dev.turnout.connector.frontend;

/** The phases of a client session, in the order a session normally goes through them. */
enum FrontendPhase {
    /** Our HandshakeV10 was sent; waiting for HandshakeResponse41 (or an SSLRequest first). */
    HANDSHAKE_SENT,
    /** We asked the client to switch to another authentication method; waiting for its answer. */
    AUTH_SWITCH_SENT,
    /** The client is authenticated; the backend connection is being opened. */
    CONNECTING_BACKEND,
    /** At a command boundary: no command outstanding. */
    COMMAND_IDLE,
    /** A command was forwarded and its response is not complete yet. */
    COMMAND_IN_FLIGHT,
    /** COM_CHANGE_USER: re-authenticated, the backend is being reopened for the new session. */
    CHANGING_USER,
    /** The session is being closed; nothing more is read or forwarded. */
    CLOSING,
    /** A protocol violation or internal failure: at most one ERR was sent and the channel is closing. */
    FAILED
}
