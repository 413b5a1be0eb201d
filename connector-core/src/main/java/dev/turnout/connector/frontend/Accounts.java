package dev.turnout.connector.frontend;

import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.config.QosSetting;
import dev.turnout.connector.config.UserMap;
import dev.turnout.connector.error.LogSafe;
import dev.turnout.connector.session.Listener;
import dev.turnout.connector.session.RoutingSettings;
import dev.turnout.connector.session.SessionLogin;
import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.auth.Scrambles;
import dev.turnout.routing.policy.Affinity;
import dev.turnout.routing.policy.Qos;
import dev.turnout.routing.policy.ReadPolicy;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts a client may log in as — {@code application-user}, and the users of the user map
 * for this dataservice — and what a verified login means for the session: the backend user and
 * password, the quality of service and the read policy. Passwords are compared in constant time
 * and never logged.
 *
 * <p>Stateless and thread-safe (the user map is read once per login).
 */
final class Accounts {

    private static final Logger log = LoggerFactory.getLogger(Accounts.class);

    private final ConnectorConfig config;
    private final RoutingSettings routing;

    Accounts(ConnectorConfig config, RoutingSettings routing) {
        this.config = config;
        this.routing = routing;
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
            Login candidate, byte[] seed, boolean secure, Listener listener, SocketAddress local, String session) {
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
            case AuthPlugins.MYSQL_CLEAR_PASSWORD -> MessageDigest.isEqual(password, stripNul(candidate.response()));
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

    private static byte[] stripNul(byte[] response) {
        int length = response.length;
        if (length > 0 && response[length - 1] == 0) {
            length--;
        }
        return Arrays.copyOf(response, length);
    }
}
