package dev.turnout.connector.frontend;

import dev.turnout.connector.accounts.ServerAccounts;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.config.QosSetting;
import dev.turnout.connector.config.UserMap;
import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.connector.error.LogSafe;
import dev.turnout.connector.session.Listener;
import dev.turnout.connector.session.RoutingSettings;
import dev.turnout.connector.session.SessionLogin;
import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.auth.Scrambles;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.routing.policy.Affinity;
import dev.turnout.routing.policy.Qos;
import dev.turnout.routing.policy.ReadPolicy;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts a client may log in as — {@code application-user}, the users of the user map for
 * this dataservice, and (with {@code connector-load-accounts}) any other account of the primary
 * ({@link ServerLogins}) — and what a verified login means for the session: the backend user and
 * password, the quality of service and the read policy. Passwords are compared in constant time
 * and never logged. A user map entry decides for its user: such a user is never looked up among
 * the primary's accounts.
 *
 * <p>Thread-safe (the user map is read once per login, the primary's accounts are a snapshot).
 */
final class Accounts {

    private static final Logger log = LoggerFactory.getLogger(Accounts.class);

    private final ConnectorConfig config;
    private final RoutingSettings routing;
    private final ServerAccounts serverAccounts;
    private final ServerLogins serverLogins;

    Accounts(ConnectorConfig config, RoutingSettings routing, ServerAccounts serverAccounts) {
        this.config = config;
        this.routing = routing;
        this.serverAccounts = serverAccounts;
        this.serverLogins = new ServerLogins(serverAccounts);
    }

    /**
     * Whether {@code user} is looked up among the primary's accounts: account loading is on, and the
     * user is neither {@code application-user} nor in the user map. Such a login may also be switched
     * to mysql_native_password (the only method their stored hash verifies).
     */
    boolean fromServer(String user) {
        return serverAccounts.enabled()
                && !MessageDigest.isEqual(
                        user.getBytes(StandardCharsets.UTF_8),
                        config.applicationUser().getBytes(StandardCharsets.UTF_8))
                && config.userMap().flatMap(users -> users.user(user)).isEmpty();
    }

    /**
     * Whether the primary authenticates {@code user} from {@code remote} itself: a primary's account
     * whose plugin the connector cannot verify (the client's exchange is relayed to the primary).
     */
    boolean authenticatedByPrimary(String user, SocketAddress remote) {
        return fromServer(user) && serverLogins.relayed(user, remote);
    }

    /**
     * As {@link #verify} for a client on {@code channel}, answered to {@code then} on its event loop: a login of a primary's account that
     * failed reads the accounts again first (at most once a second; {@link ServerAccounts#refreshAfterMiss})
     * and is verified once more, so that an account created or changed a moment ago logs in at once.
     * An unknown user and a wrong password take the same path.
     */
    void verify(
            Login candidate,
            byte[] seed,
            boolean secure,
            Listener listener,
            Channel channel,
            String session,
            Consumer<@Nullable SessionLogin> then) {
        SocketAddress local = channel.localAddress();
        SocketAddress remote = channel.remoteAddress();
        SessionLogin login = verify(candidate, seed, secure, listener, local, remote, session);
        CompletableFuture<Boolean> refresh =
                login == null && fromServer(candidate.user()) ? serverAccounts.refreshAfterMiss() : null;
        if (refresh == null) {
            then.accept(login);
            return;
        }
        refresh.whenComplete((replaced, failure) -> channel.eventLoop()
                .execute(() -> then.accept(
                        Boolean.TRUE.equals(replaced)
                                ? verify(candidate, seed, secure, listener, local, remote, session)
                                : null)));
    }

    /**
     * The session login of {@code candidate}, answered against {@code seed}; null when its user or
     * password is wrong (logged at INFO, with the user name only).
     *
     * @param secure whether the client connection is TLS (a user the user map marks {@code @tls} needs it)
     * @param local the address the client connected to (for {@code @hostoption} lines of the user map)
     */
    @Nullable
    SessionLogin verify(
            Login candidate,
            byte[] seed,
            boolean secure,
            Listener listener,
            SocketAddress local,
            SocketAddress remote,
            String session) {
        if (fromServer(candidate.user())) {
            boolean relayed = serverLogins.relayed(candidate.user(), remote);
            byte[] stage1 = relayed ? new byte[0] : serverLogins.verify(candidate, seed, remote, session);
            if (relayed) {
                log.debug(
                        "{} user '{}': the primary authenticates its account", session, LogSafe.name(candidate.user()));
            }
            return stage1 == null
                    ? null
                    : new SessionLogin(
                            candidate.user(),
                            candidate.user(),
                            stage1,
                            relayed ? SessionLogin.Credential.RELAYED : SessionLogin.Credential.STAGE1,
                            candidate.database(),
                            candidate.characterSet(),
                            candidate.attributes(),
                            qosOf(null, listener, local),
                            readPolicyOf(null));
        }
        UserMap.UserEntry entry =
                config.userMap().flatMap(users -> users.user(candidate.user())).orElse(null);
        // The user map's entry when it gives this user the served dataservice.
        UserMap.UserEntry mapped = entry != null && entry.service().equals(config.serviceName()) ? entry : null;
        byte[] password = mapped != null ? mapped.password() : config.applicationPassword();
        boolean userMatches = mapped != null
                || MessageDigest.isEqual(
                        candidate.user().getBytes(StandardCharsets.UTF_8),
                        config.applicationUser().getBytes(StandardCharsets.UTF_8));
        boolean passwordMatches = switch (candidate.plugin()) {
            case AuthPlugins.CACHING_SHA2_PASSWORD -> Scrambles.verifyCachingSha2(password, seed, candidate.response());
            case AuthPlugins.MYSQL_CLEAR_PASSWORD ->
                MessageDigest.isEqual(password, ServerLogins.stripNul(candidate.response()));
            default -> Scrambles.verifyNative(password, seed, candidate.response());
        };
        if (!(userMatches & passwordMatches)) {
            Arrays.fill(password, (byte) 0);
            log.info(
                    "{} access denied for user '{}'{}",
                    session,
                    LogSafe.name(candidate.user()),
                    entry != null && mapped == null
                            ? " (the user map gives it dataservice " + entry.service() + ")"
                            : "");
            return null;
        }
        if (mapped != null && mapped.requireTls() && !secure) {
            // As MariaDB for a REQUIRE SSL account: access denied, the same answer as a wrong password.
            Arrays.fill(password, (byte) 0);
            log.info(
                    "{} access denied for user '{}': the user map requires TLS for it (@tls) and the client did not use TLS",
                    session,
                    LogSafe.name(candidate.user()));
            return null;
        }
        return new SessionLogin(
                candidate.user(),
                mapped != null ? mapped.user() : config.applicationUser(),
                password,
                SessionLogin.Credential.PASSWORD,
                candidate.database(),
                candidate.characterSet(),
                candidate.attributes(),
                qosOf(entry, listener, local),
                readPolicyOf(entry));
    }

    /**
     * The session's quality of service, in increasing precedence: the connector's
     * ({@code connector-qos}), the user map's ({@code @direct}), the listener's (the read-only port,
     * or an {@code @hostoption} for the local address the client connected to). A comment hint
     * overrides it per statement.
     */
    private Qos qosOf(UserMap.@Nullable UserEntry entry, Listener listener, SocketAddress local) {
        Qos qos = routing.qos();
        if (entry != null && entry.direct()) {
            qos = Qos.RO_RELAXED;
        }
        if (listener == Listener.READ_ONLY) {
            return Qos.RO_RELAXED;
        }
        if (local instanceof InetSocketAddress inet && config.userMap().isPresent()) {
            var option = config.userMap().get().hostOption(inet.getAddress().getHostAddress());
            if (option.isPresent()) {
                qos = option.get() == QosSetting.RO_RELAXED ? Qos.RO_RELAXED : Qos.RW_STRICT;
            }
        }
        return qos;
    }

    /** The connector's read policy, with the user map's affinity for this user if it gives one. */
    private ReadPolicy readPolicyOf(UserMap.@Nullable UserEntry entry) {
        ReadPolicy policy = routing.readPolicy();
        if (entry == null || entry.affinity().isNone()) {
            return policy;
        }
        return new ReadPolicy(
                policy.maxLatencyMillis(),
                policy.balancer(),
                new Affinity(entry.affinity().preferred(), entry.affinity().excluded()),
                policy.sessionConsistency(),
                policy.consistencyWaitMillis());
    }

    /**
     * What the client gets when a backend refused the session's login: the backend's own error,
     * except that a primary's account the backend denies (dropped, or its password changed since
     * the accounts were read) is answered as any wrong password, and the accounts are read again.
     */
    ErrPacket refusal(SessionLogin login, ErrPacket error, SocketAddress remote) {
        if (!login.serverAccount() || (error.errorCode() != 1045 && error.errorCode() != 1698)) {
            return error;
        }
        CompletableFuture<Boolean> unused = serverAccounts.refreshAfterMiss();
        return ConnectorErrors.accessDenied(login.user(), hostOf(remote), true);
    }

    static String hostOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(remote);
    }
}
