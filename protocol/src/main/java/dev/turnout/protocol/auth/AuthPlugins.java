package dev.turnout.protocol.auth;

/**
 * Names of the authentication plugins the connector speaks.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_authentication_methods.html">Authentication Methods</a>
 */
public final class AuthPlugins {

    /** SHA-1 challenge/response; the default of MariaDB and of MySQL before 8.0. */
    public static final String MYSQL_NATIVE_PASSWORD = "mysql_native_password";
    /** SHA-256 challenge/response with a server-side cache, and full authentication over TLS or RSA; MySQL 8's default. */
    public static final String CACHING_SHA2_PASSWORD = "caching_sha2_password";
    /** The password itself, NUL-terminated: only over a secure transport. */
    public static final String MYSQL_CLEAR_PASSWORD = "mysql_clear_password";

    private AuthPlugins() {}
}
