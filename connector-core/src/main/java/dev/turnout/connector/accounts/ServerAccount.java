package dev.turnout.connector.accounts;

import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.auth.NativePassword;
import org.jspecify.annotations.Nullable;

/**
 * One account of the primary, {@code 'user'@'host'}, as the connector keeps it: the host pattern,
 * the plugin and, for {@code mysql_native_password}, the 20 bytes of the stored hash (empty for an
 * account without a password). Immutable; about 100 bytes.
 */
public final class ServerAccount {

    private final String user;
    private final String host;
    private final String plugin;
    private final byte @Nullable [] storedHash;

    private ServerAccount(String user, String host, String plugin, byte @Nullable [] storedHash) {
        this.user = user;
        this.host = host;
        this.plugin = plugin;
        this.storedHash = storedHash;
    }

    /** An account as the grant tables give it; the hash is kept for native accounts only. */
    public static ServerAccount of(String user, String host, @Nullable String plugin, @Nullable String authString) {
        String named = plugin == null || plugin.isEmpty() ? AuthPlugins.MYSQL_NATIVE_PASSWORD : plugin;
        byte[] hash = named.equals(AuthPlugins.MYSQL_NATIVE_PASSWORD)
                ? NativePassword.parseStoredHash(authString == null ? "" : authString)
                : null;
        return new ServerAccount(user, host, named.intern(), hash);
    }

    public String user() {
        return user;
    }

    /**
     * The host pattern: {@code %}, a literal address, {@code localhost}, a LIKE pattern with
     * {@code %} and {@code _}, or {@code address/netmask}.
     */
    public String host() {
        return host;
    }

    /** The account's authentication plugin. */
    public String plugin() {
        return plugin;
    }

    /** A copy of the stored native hash, or null when the connector cannot verify this account (another plugin). */
    public byte @Nullable [] storedHash() {
        return storedHash == null ? null : storedHash.clone();
    }

    /** Whether the connector can verify a login of this account. */
    public boolean verifiable() {
        return storedHash != null;
    }

    /** Without the hash. */
    @Override
    public String toString() {
        return "'" + user + "'@'" + host + "' (" + plugin + ")";
    }
}
