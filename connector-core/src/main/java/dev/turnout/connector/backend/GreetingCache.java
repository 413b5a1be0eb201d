package dev.turnout.connector.backend;

import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.message.server.HandshakeV10;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The primary's latest server greeting, from which the connector builds its own handshake so that
 * a driver sees the primary's version (with a {@code -turnout} suffix, as Tungsten adds
 * {@code -tungsten}) and capabilities and takes the code paths it would take direct.
 *
 * <p>Written by whichever event loop opened a backend connection, read by every loop when a client
 * connects: one atomic reference to an immutable greeting. Until the primary has been seen, a
 * MySQL 8.0-like default is used.
 */
public final class GreetingCache {

    /** Suffix appended to the primary's version string. */
    public static final String VERSION_SUFFIX = "-turnout";

    /**
     * Capabilities the connector can carry between a client and a server: all of the primary's
     * except compression (the connector forwards packets as they are), multi-factor authentication
     * and the capability extension (MySQL 8.4 features no client here needs), optional result set
     * metadata, and MariaDB's COM_MULTI (deprecated) and bulk unit results, whose responses the
     * response tracker has not been proven on against a real server. TLS is offered separately,
     * when a certificate is configured.
     */
    static final long SUPPORTED = ~(Capabilities.CLIENT_COMPRESS
            | Capabilities.CLIENT_ZSTD_COMPRESSION_ALGORITHM
            | Capabilities.CLIENT_SSL
            | Capabilities.CLIENT_OPTIONAL_RESULTSET_METADATA
            | Capabilities.MULTI_FACTOR_AUTHENTICATION
            | Capabilities.CLIENT_CAPABILITY_EXTENSION
            | Capabilities.CLIENT_SSL_VERIFY_SERVER_CERT
            | Capabilities.MARIADB_CLIENT_COM_MULTI
            | Capabilities.MARIADB_CLIENT_BULK_UNIT_RESULTS);

    private static final long DEFAULT_CAPABILITIES = Capabilities.CLIENT_MYSQL
            | Capabilities.CLIENT_FOUND_ROWS
            | Capabilities.CLIENT_LONG_FLAG
            | Capabilities.CLIENT_CONNECT_WITH_DB
            | Capabilities.CLIENT_NO_SCHEMA
            | Capabilities.CLIENT_ODBC
            | Capabilities.CLIENT_LOCAL_FILES
            | Capabilities.CLIENT_IGNORE_SPACE
            | Capabilities.CLIENT_PROTOCOL_41
            | Capabilities.CLIENT_INTERACTIVE
            | Capabilities.CLIENT_IGNORE_SIGPIPE
            | Capabilities.CLIENT_TRANSACTIONS
            | Capabilities.CLIENT_RESERVED
            | Capabilities.CLIENT_SECURE_CONNECTION
            | Capabilities.CLIENT_MULTI_STATEMENTS
            | Capabilities.CLIENT_MULTI_RESULTS
            | Capabilities.CLIENT_PS_MULTI_RESULTS
            | Capabilities.CLIENT_PLUGIN_AUTH
            | Capabilities.CLIENT_CONNECT_ATTRS
            | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
            | Capabilities.CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS
            | Capabilities.CLIENT_SESSION_TRACK
            | Capabilities.CLIENT_DEPRECATE_EOF;

    /** utf8mb4_general_ci */
    private static final int DEFAULT_CHARSET = 45;

    private final AtomicReference<HandshakeV10> primary = new AtomicReference<>();

    /** Remembers the greeting of a backend connection to the primary. */
    public void update(HandshakeV10 greeting) {
        primary.set(greeting);
    }

    /** The primary's greeting, or null before one was seen. */
    public @Nullable HandshakeV10 primaryGreeting() {
        return primary.get();
    }

    /** The connector's own greeting for a new client session. */
    public HandshakeV10 greetingFor(long connectionId, byte[] seed, boolean tls) {
        HandshakeV10 seen = primary.get();
        String version = seen == null ? "8.0.0" : seen.serverVersion();
        long capabilities = (seen == null ? DEFAULT_CAPABILITIES : seen.capabilities()) & SUPPORTED;
        if (tls) {
            capabilities |= Capabilities.CLIENT_SSL;
        }
        int charset = seen == null ? DEFAULT_CHARSET : seen.characterSet();
        String plugin = seen != null && AuthPlugins.CACHING_SHA2_PASSWORD.equals(seen.authPluginName())
                ? AuthPlugins.CACHING_SHA2_PASSWORD
                : AuthPlugins.MYSQL_NATIVE_PASSWORD;
        return new HandshakeV10(
                version + VERSION_SUFFIX, connectionId, seed, capabilities, charset, ServerStatus.AUTOCOMMIT, plugin);
    }
}
