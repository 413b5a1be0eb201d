package dev.turnout.connector.error;

/**
 * The errors the connector itself reports to clients, with the MySQL error code and SQLSTATE an
 * application (or its driver) can act on. Codes are MySQL's own where one exists, so drivers map
 * them as they would for a server: 28000 is an authorization failure, 08xxx a connection failure.
 *
 * <p>Every code is a <em>server</em> error code, never one of the client library's own (2000-2999,
 * {@code CR_*}): libmariadb (the {@code mariadb} command-line client, Python's MySQLdb built on it,
 * PHP's mysqli with it, ...) takes an ERR packet from a server with a code in its client range
 * (2001-2061 in 10.11) for a broken one and reports {@code 2027 Received malformed packet}
 * instead of the connector's message. {@link #isClientCode} tells such codes.
 */
public enum ErrorCode {
    /** ER_ACCESS_DENIED_ERROR: wrong user or password. */
    ACCESS_DENIED(1045, "28000"),
    /** ER_HANDSHAKE_ERROR: a malformed packet during the connection phase. */
    BAD_HANDSHAKE(1043, "08S01"),
    /** ER_NET_PACKET_TOO_LARGE: a command larger than connector-max-allowed-packet. */
    PACKET_TOO_LARGE(1153, "08S01"),
    /** ER_NET_PACKETS_OUT_OF_ORDER: a packet the protocol does not allow at this point. */
    PACKETS_OUT_OF_ORDER(1156, "08S01"),
    /** ER_NO_SUCH_THREAD: KILL of a connection id that no session has. */
    UNKNOWN_THREAD(1094, "HY000"),
    /** ER_NOT_SUPPORTED_AUTH_MODE: the client cannot use any authentication method offered. */
    AUTH_MODE_NOT_SUPPORTED(1251, "08004"),
    /**
     * ER_CONNECT_TO_MASTER ("Error connecting to master"): no primary (or, on the bridge's
     * read-only port, no replica) could be reached for the dataservice, or the connector is
     * OFFLINE. SQLSTATE 08001 (the client could not establish the connection), so that drivers
     * and pools treat it as a connection failure. Until issue 12 this was 2003 (CR_CONN_HOST_ERROR),
     * a client code that libmariadb refuses from a server.
     */
    NO_PRIMARY(1218, "08001"),
    /**
     * ER_CONNECTION_KILLED: the backend connection failed while a command was in flight; the
     * session is closed. Until issue 12 this was 2013 (CR_SERVER_LOST), a client code.
     */
    BACKEND_LOST(1927, "08S01"),
    /**
     * ER_SECURE_TRANSPORT_REQUIRED, as MariaDB and MySQL answer with
     * {@code require_secure_transport=ON}: the connector requires TLS
     * ({@code connector-require-tls}) and the client did not ask for it.
     */
    SECURE_TRANSPORT_REQUIRED(3159, "08004"),
    /** ER_CON_COUNT_ERROR "Too many connections": beyond connector-max-connections. */
    TOO_MANY_CONNECTIONS(1040, "08004"),
    /** ER_TOO_MANY_USER_CONNECTIONS: a login beyond connector-max-user-connections. */
    TOO_MANY_USER_CONNECTIONS(1203, "42000"),
    /** ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION: a write in a read-only transaction the connector runs on a replica. */
    READ_ONLY_TRANSACTION(1792, "25006"),
    /** ER_SERVER_SHUTDOWN: the connector is shutting down. */
    SHUTTING_DOWN(1053, "08S01"),
    /**
     * ER_UNKNOWN_ERROR, with SQLSTATE HY000 so that drivers and pools keep the connection: the
     * primary failed while the statement ran (it may or may not have been applied), or no primary
     * came back within connector-failover-wait. The session itself goes on.
     */
    PRIMARY_FAILED(1105, "HY000"),
    /**
     * ER_CONNECTION_KILLED: a session still inside a transaction when a switch could wait no longer
     * (connector-disconnect-timeout); its transaction is rolled back and the session closed.
     */
    ABORTED_BY_SWITCH(1927, "70100"),
    /**
     * ER_CONNECTION_KILLED: a session the primary authenticated (a plugin the connector cannot
     * verify) had to open a connection again (the primary moved): only the client can log in anew.
     */
    CANNOT_REAUTHENTICATE(1927, "70100"),
    /** ER_PARSE_ERROR: an inline {@code tungsten ...} command the connector does not know. */
    SYNTAX(1064, "42000"),
    /** ER_UNKNOWN_ERROR: a failure of the connector itself. */
    INTERNAL(1105, "HY000");

    private final int code;
    private final String sqlState;

    ErrorCode(int code, String sqlState) {
        this.code = code;
        this.sqlState = sqlState;
    }

    public int code() {
        return code;
    }

    public String sqlState() {
        return sqlState;
    }

    /** Whether {@code code} is in the client library's range (2000-2999), which a server never sends. */
    public static boolean isClientCode(int code) {
        return code >= 2000 && code <= 2999;
    }
}
