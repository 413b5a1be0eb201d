package dev.turnout.connector.frontend;

import dev.turnout.connector.accounts.ServerAccount;
import dev.turnout.connector.accounts.ServerAccounts;
import dev.turnout.connector.error.LogSafe;
import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.auth.NativePassword;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies a login of one of the primary's own accounts ({@link ServerAccounts}) against its stored
 * {@code mysql_native_password} hash, and recovers from the client's answer the stage 1
 * {@code SHA1(pw)} with which the session logs the same account in to every backend.
 *
 * <p>A user without a matching account is verified against a random hash all the same, so that an
 * unknown user and a wrong password cost the same work and are answered alike (1045). An account
 * whose plugin the connector cannot verify (ed25519, PAM, GSSAPI, caching_sha2_password on MySQL …)
 * is authenticated by the primary itself: the connector relays the exchange ({@link #relayed}).
 *
 * <p>Stateless and thread-safe.
 */
final class ServerLogins {

    private static final Logger log = LoggerFactory.getLogger(ServerLogins.class);

    /** What a miss is verified against: no account's hash (random, never stored anywhere). */
    private static final byte[] NO_ACCOUNT = new byte[NativePassword.HASH_LENGTH];

    static {
        new SecureRandom().nextBytes(NO_ACCOUNT);
    }

    private final ServerAccounts accounts;

    ServerLogins(ServerAccounts accounts) {
        this.accounts = accounts;
    }

    /**
     * Whether the account {@code user} logs in as from {@code remote} uses a plugin the connector
     * cannot verify, so that the primary authenticates the client itself, through the connector.
     */
    boolean relayed(String user, SocketAddress remote) {
        ServerAccount account = find(user, remote);
        return account != null && !account.verifiable();
    }

    private @Nullable ServerAccount find(String user, SocketAddress remote) {
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? accounts.find(user, inet.getAddress())
                : null;
    }

    /**
     * The stage 1 of the account {@code candidate} logs in as from {@code remote}, answered against
     * {@code seed}; null when there is no such account, it cannot be verified, or the answer is wrong.
     */
    byte @Nullable [] verify(Login candidate, byte[] seed, SocketAddress remote, String session) {
        ServerAccount account = find(candidate.user(), remote);
        byte[] stored = account == null ? null : account.storedHash();
        boolean known = stored != null;
        byte[] hash = stored != null ? stored : NO_ACCOUNT;
        byte[] stage1 = switch (candidate.plugin()) {
            case AuthPlugins.MYSQL_CLEAR_PASSWORD -> NativePassword.stage1OfClear(hash, stripNul(candidate.response()));
            case AuthPlugins.MYSQL_NATIVE_PASSWORD -> NativePassword.recoverStage1(hash, seed, candidate.response());
            default -> null;
        };
        if (known && stage1 != null) {
            return stage1;
        }
        if (stage1 != null) {
            Arrays.fill(stage1, (byte) 0);
        }
        log.info("{} access denied for user '{}'", session, LogSafe.name(candidate.user()));
        return null;
    }

    static byte[] stripNul(byte[] response) {
        int length = response.length;
        if (length > 0 && response[length - 1] == 0) {
            length--;
        }
        return Arrays.copyOf(response, length);
    }
}
