package dev.turnout.connector.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The connector settings of {@link ConfigParser}'s sections: reads each section's setting keys
 * into a {@link Layer} (checking every key against {@link Key} and parsing its value), and merges
 * [defaults] into a section's own layer to give the {@link SectionSettings} in effect there, with
 * the built-in defaults below for the keys neither sets. Problems go to the parse's
 * {@link Problems}; one instance per parse, confined to the calling thread.
 */
final class SettingsParser {

    static final int DEFAULT_PORT = 3306;
    static final String DEFAULT_LISTEN_ADDRESS = "0.0.0.0";
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration MIN_CONNECT_TIMEOUT = Duration.ofMillis(1);
    static final Duration MAX_CONNECT_TIMEOUT = Duration.ofMinutes(10);
    static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    static final Duration MAX_SHUTDOWN_TIMEOUT = Duration.ofMinutes(60);
    static final long DEFAULT_MAX_ALLOWED_PACKET = Values.G;
    static final long MIN_MAX_ALLOWED_PACKET = Values.K;
    static final long MAX_MAX_ALLOWED_PACKET = Values.G;
    static final int MAX_WORKER_THREADS = 256;
    static final QosSetting DEFAULT_QOS = QosSetting.RW_STRICT;
    static final Duration MAX_SMARTSCALE_WAIT = Duration.ofMinutes(10);
    static final Duration MAX_SLAVE_LATENCY = Duration.ofMinutes(60);
    static final LoadBalancerSetting DEFAULT_LOAD_BALANCER = LoadBalancerSetting.ROUND_ROBIN;
    static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(200);
    static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(100);
    static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    static final Duration MAX_INTERVAL = Duration.ofMinutes(10);
    static final Duration DEFAULT_FAILOVER_WAIT = Duration.ofSeconds(10);
    static final Duration DEFAULT_DISCONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_HOLD_EXPIRY = Duration.ofSeconds(30);
    static final Duration MIN_HOLD_EXPIRY = Duration.ofMillis(100);
    static final Duration DEFAULT_FAILOVER_RETRY = Duration.ofMillis(200);
    static final Duration MAX_FAILOVER_RETRY = Duration.ofSeconds(10);
    static final Duration DEFAULT_REPLICA_BACKOFF = Duration.ofSeconds(5);
    static final Duration MAX_REPLICA_BACKOFF = Duration.ofMinutes(10);
    static final Duration DEFAULT_BACKEND_POOL_IDLE = Duration.ofSeconds(30);
    static final Duration MIN_BACKEND_POOL_IDLE = Duration.ofSeconds(1);
    static final Duration MAX_BACKEND_POOL_IDLE = Duration.ofHours(8);
    /** The connector's REST API port when {@code connector-rest-api-address} names none, as in Tungsten. */
    static final int DEFAULT_REST_API_PORT = 8096;

    /** The manager's push port, as in Tungsten. */
    static final int DEFAULT_MANAGER_PORT = 11999;

    /** The valid values one section sets itself, and which setting keys it names at all (valid or not). */
    static final class Layer {
        final Map<Key, Object> values = new EnumMap<>(Key.class);
        final Map<Key, IniSection.Entry> entries = new EnumMap<>(Key.class);
    }

    private final Problems problems;
    private final Path baseDir;
    private final int defaultWorkerThreads;
    private final Set<String> acceptedUnused;

    /** @param acceptedUnused collects the keys this version accepts but does not use */
    SettingsParser(Problems problems, Path baseDir, int defaultWorkerThreads, Set<String> acceptedUnused) {
        this.problems = problems;
        this.baseDir = baseDir;
        this.defaultWorkerThreads = defaultWorkerThreads;
        this.acceptedUnused = acceptedUnused;
    }

    /** Reads one section's setting keys; an unknown key, a misplaced key and a bad value are recorded. */
    Layer layer(IniSection section) {
        Layer layer = new Layer();
        for (IniSection.Entry entry : section.entries().values()) {
            Optional<Key> known = Key.byName(entry.key());
            if (known.isEmpty()) {
                String hint = Key.closest(entry.key())
                        .map(k -> " (did you mean " + k.keyName() + "?)")
                        .orElse("");
                problems.add(entry.line(), entry.key(), "unknown key" + hint);
                continue;
            }
            Key key = known.get();
            switch (key.scope()) {
                case ACCEPTED -> acceptedUnused.add(key.keyName());
                case MANAGER -> {}
                case DATASERVICE -> {
                    if (section.isDefaults()) {
                        problems.add(
                                entry.line(), entry.key(), "only valid in a dataservice section, not in [defaults]");
                    }
                }
                case SETTING -> {
                    layer.entries.put(key, entry);
                    try {
                        layer.values.put(key, settingValue(key, entry.value()));
                    } catch (IllegalArgumentException e) {
                        problems.add(entry.line(), entry.key(), e.getMessage());
                    }
                }
            }
        }
        return layer;
    }

    private Object settingValue(Key key, String value) {
        return switch (key) {
            case APPLICATION_USER -> value;
            case APPLICATION_PASSWORD -> value.getBytes(StandardCharsets.UTF_8);
            case APPLICATION_PORT, REPLICATION_PORT, APPLICATION_READONLY_PORT -> Values.port(value);
            case CONNECTOR_BRIDGE_MODE -> Values.bool(value);
            case CONNECTOR_LISTEN_ADDRESS -> listenAddress(value);
            case CONNECTOR_CONNECT_TIMEOUT, CONNECTOR_HANDSHAKE_TIMEOUT ->
                Values.duration(value, MIN_CONNECT_TIMEOUT, MAX_CONNECT_TIMEOUT);
            case CONNECTOR_SHUTDOWN_TIMEOUT -> Values.duration(value, Duration.ZERO, MAX_SHUTDOWN_TIMEOUT);
            case CONNECTOR_MAX_ALLOWED_PACKET -> Values.size(value, MIN_MAX_ALLOWED_PACKET, MAX_MAX_ALLOWED_PACKET);
            case CONNECTOR_WORKER_THREADS -> Values.integer(value, 1, MAX_WORKER_THREADS);
            case CONNECTOR_MAX_CONNECTIONS, CONNECTOR_MAX_USER_CONNECTIONS -> Values.integer(value, 0, 1_000_000);
            case CONNECTOR_SSL_CERTIFICATE, REST_API_SSL_CERTIFICATE ->
                Pem.checkedFile(baseDir.resolve(value).normalize(), "CERTIFICATE-----", "certificate");
            case CONNECTOR_SSL_KEY, REST_API_SSL_KEY ->
                Pem.checkedFile(baseDir.resolve(value).normalize(), "PRIVATE KEY-----", "private key");
            case CONNECTOR_REQUIRE_TLS -> Values.bool(value);
            case CONNECTOR_BACKEND_SSL_MODE -> BackendSslMode.parse(value);
            case CONNECTOR_BACKEND_SSL_CA ->
                Pem.checkedFile(baseDir.resolve(value).normalize(), "CERTIFICATE-----", "certificate bundle");
            case CONNECTOR_QOS -> QosSetting.parse(value);
            case CONNECTOR_SMARTSCALE -> Values.bool(value);
            case CONNECTOR_SMARTSCALE_WAIT -> Values.duration(value, Duration.ZERO, MAX_SMARTSCALE_WAIT);
            case CONNECTOR_MAX_SLAVE_LATENCY -> Values.secondsDuration(value, Duration.ZERO, MAX_SLAVE_LATENCY);
            case CONNECTOR_LOAD_BALANCER -> LoadBalancerSetting.parse(value);
            case CONNECTOR_TRANSPORT -> TransportSetting.parse(value);
            case CONNECTOR_AFFINITY -> AffinitySetting.parse(value);
            case CONNECTOR_USER_MAP -> baseDir.resolve(value).normalize();
            case CONNECTOR_PROBE_INTERVAL, CONNECTOR_HEARTBEAT_INTERVAL ->
                Values.duration(value, MIN_INTERVAL, MAX_INTERVAL);
            case CONNECTOR_MANAGERS -> managers(value);
            case MANAGER_PUSH_SECRET -> Values.secret(value);
            case CONNECTOR_HOLD_EXPIRY -> Values.duration(value, MIN_HOLD_EXPIRY, MAX_INTERVAL);
            case CONNECTOR_ALLOW_PUBLIC_KEY_RETRIEVAL, CONNECTOR_LOAD_ACCOUNTS -> Values.bool(value);
            case CONNECTOR_ACCOUNTS_REFRESH -> Values.duration(value, Duration.ofSeconds(1), MAX_INTERVAL);
            case CONNECTOR_BACKEND_POOL -> Values.integer(value, 0, 10_000);
            case CONNECTOR_BACKEND_POOL_IDLE -> Values.duration(value, MIN_BACKEND_POOL_IDLE, MAX_BACKEND_POOL_IDLE);
            case CONNECTOR_WITHOUT_MANAGERS ->
                switch (value) {
                    case "keep-routing" -> Boolean.FALSE;
                    case "offline" -> Boolean.TRUE;
                    default ->
                        throw new IllegalArgumentException(Values.quote(value) + " is not keep-routing or offline");
                };
            case CONNECTOR_FAILOVER_WAIT, CONNECTOR_DISCONNECT_TIMEOUT, CONNECTOR_IDLE_RELEASE ->
                Values.duration(value, Duration.ZERO, MAX_INTERVAL);
            case CONNECTOR_FAILOVER_RETRY -> Values.duration(value, MIN_INTERVAL, MAX_FAILOVER_RETRY);
            case CONNECTOR_REPLICA_BACKOFF -> Values.duration(value, Duration.ZERO, MAX_REPLICA_BACKOFF);
            case CONNECTOR_REST_API_ADDRESS -> HostPort.parse(value, DEFAULT_REST_API_PORT);
            case REST_API_ADMIN_USER -> value;
            case REST_API_ADMIN_PASSWORD, REST_API_ADMIN_PASS -> value.getBytes(StandardCharsets.UTF_8);
            case REPLICATION_USER -> value;
            case REPLICATION_PASSWORD -> value.getBytes(StandardCharsets.UTF_8);
            default -> throw new IllegalStateException("not a setting: " + key);
        };
    }

    static String listenAddress(String value) {
        String address = value.length() > 2 && value.startsWith("[") && value.endsWith("]")
                ? value.substring(1, value.length() - 1)
                : value;
        if (HostPort.isIpv6Literal(address) || HostPort.isHostName(address.toLowerCase(Locale.ROOT))) {
            return address;
        }
        throw new IllegalArgumentException(Values.quote(value)
                + " is not an address (an IPv4 or IPv6 address or a host name, e.g. 0.0.0.0, ::, 127.0.0.1)");
    }

    /** The replication port in effect for a section: the default port of its datasource hosts. */
    static int replicationPort(Layer defaults, Layer own) {
        return (Integer) effective(Key.REPLICATION_PORT, defaults, own, DEFAULT_PORT);
    }

    /** The value in effect for {@code key}, else {@code fallback}. */
    static Object effective(Key key, Layer defaults, Layer own, Object fallback) {
        Object value = effectiveOrNull(key, defaults, own);
        return value == null ? fallback : value;
    }

    /**
     * The value in effect for {@code key}: the section's own, else (when the section does not set the
     * key at all) the default's; null when neither gives a valid one.
     */
    static @Nullable Object effectiveOrNull(Key key, Layer defaults, Layer own) {
        Object value = own.values.get(key);
        if (value == null && !own.entries.containsKey(key)) {
            value = defaults.values.get(key);
        }
        return value;
    }

    /** Records a problem when only one of a certificate and key pair is set; true when both or neither are. */
    private boolean bothOrNeither(Key certificateKey, Key keyKey, Layer defaults, Layer own) {
        IniSection.Entry certificate = effectiveEntry(certificateKey, defaults, own);
        IniSection.Entry key = effectiveEntry(keyKey, defaults, own);
        if ((certificate == null) == (key == null)) {
            return true;
        }
        IniSection.Entry set = certificate != null ? certificate : key;
        String missing = (certificate != null ? keyKey : certificateKey).keyName();
        problems.add(set.line(), set.key(), "set without " + missing + " (set both or neither)");
        return false;
    }

    /** The entry that sets {@code key}, the section's own or else the default's; null when neither does. */
    static IniSection.@Nullable Entry effectiveEntry(Key key, Layer defaults, Layer own) {
        IniSection.Entry entry = own.entries.get(key);
        return entry != null ? entry : defaults.entries.get(key);
    }

    /**
     * The settings in effect for one section ([defaults] overridden by its own values), or null
     * after recording why there are none.
     */
    @Nullable
    SectionSettings section(IniSection section, Layer defaults, Layer own) {
        Settings core = core(section, defaults, own);
        RestApiSettings restApi = restApi(defaults, own);
        BackendTlsSettings backendTls = BackendTlsParser.backendTls(problems, defaults, own);
        if (core == null
                || restApi == null
                || backendTls == null
                || !SettingGroups.managersAuthenticated(problems, defaults, own)) {
            return null;
        }
        return new SectionSettings(
                core,
                SettingGroups.splitting(defaults, own),
                userMapFile(defaults, own),
                SettingGroups.probes(defaults, own, core),
                SettingGroups.failover(defaults, own),
                SettingGroups.backends(defaults, own),
                SettingGroups.limits(defaults, own),
                restApi,
                backendTls);
    }

    /** The core settings of a section; null after recording why there are none. */
    private @Nullable Settings core(IniSection section, Layer defaults, Layer own) {
        boolean ok = true;
        for (Key required : List.of(Key.APPLICATION_USER, Key.APPLICATION_PASSWORD)) {
            if (effectiveEntry(required, defaults, own) == null) {
                problems.add(
                        section.line(),
                        required.keyName(),
                        "missing for [" + section.name() + "] (set it in [defaults] or in [" + section.name() + "])");
                ok = false;
            }
        }
        ok &= bothOrNeither(Key.CONNECTOR_SSL_CERTIFICATE, Key.CONNECTOR_SSL_KEY, defaults, own);
        ok &= BackendTlsParser.requireTlsOffered(problems, defaults, own);
        IniSection.Entry readOnlyPort = effectiveEntry(Key.APPLICATION_READONLY_PORT, defaults, own);
        if (readOnlyPort != null
                && effectiveOrNull(Key.APPLICATION_READONLY_PORT, defaults, own) instanceof Integer port
                && port.equals(effective(Key.APPLICATION_PORT, defaults, own, DEFAULT_PORT))) {
            problems.add(
                    readOnlyPort.line(),
                    readOnlyPort.key(),
                    Values.quote(readOnlyPort.value())
                            + " is application-port too (the read-only port must be another port)");
            ok = false;
        }
        // A present but invalid value was reported where it stands.
        for (Key k : Key.values()) {
            IniSection.Entry entry = effectiveEntry(k, defaults, own);
            if (entry != null && k.scope() == Key.Scope.SETTING && effectiveOrNull(k, defaults, own) == null) {
                ok = false;
            }
        }
        if (!ok) {
            return null;
        }
        Path certificatePath = (Path) effectiveOrNull(Key.CONNECTOR_SSL_CERTIFICATE, defaults, own);
        Path keyPath = (Path) effectiveOrNull(Key.CONNECTOR_SSL_KEY, defaults, own);
        // Both required keys are set with valid values here: their absence or an invalid value made ok false.
        return new Settings(
                (String) Objects.requireNonNull(effectiveOrNull(Key.APPLICATION_USER, defaults, own), "checked above"),
                (byte[]) Objects.requireNonNull(
                        effectiveOrNull(Key.APPLICATION_PASSWORD, defaults, own), "checked above"),
                (Integer) effective(Key.APPLICATION_PORT, defaults, own, DEFAULT_PORT),
                (String) effective(Key.CONNECTOR_LISTEN_ADDRESS, defaults, own, DEFAULT_LISTEN_ADDRESS),
                (Duration) effective(Key.CONNECTOR_CONNECT_TIMEOUT, defaults, own, DEFAULT_CONNECT_TIMEOUT),
                (Duration) effective(Key.CONNECTOR_HANDSHAKE_TIMEOUT, defaults, own, DEFAULT_HANDSHAKE_TIMEOUT),
                (Long) effective(Key.CONNECTOR_MAX_ALLOWED_PACKET, defaults, own, DEFAULT_MAX_ALLOWED_PACKET),
                (Duration) effective(Key.CONNECTOR_SHUTDOWN_TIMEOUT, defaults, own, DEFAULT_SHUTDOWN_TIMEOUT),
                certificatePath == null
                        ? null
                        : new TlsFiles(
                                certificatePath,
                                Objects.requireNonNull(keyPath, "a certificate without a key made ok false")),
                (Integer) effective(Key.CONNECTOR_WORKER_THREADS, defaults, own, defaultWorkerThreads),
                (Integer) effective(Key.APPLICATION_READONLY_PORT, defaults, own, -1),
                (Boolean) effective(Key.CONNECTOR_BRIDGE_MODE, defaults, own, false),
                (Boolean) effective(Key.CONNECTOR_REQUIRE_TLS, defaults, own, false),
                (TransportSetting) effective(Key.CONNECTOR_TRANSPORT, defaults, own, TransportSetting.AUTO));
    }

    /** {@code connector-user-map} in effect, with the line that set it; null when not set. */
    private @Nullable UserMapFile userMapFile(Layer defaults, Layer own) {
        Path userMap = (Path) effectiveOrNull(Key.CONNECTOR_USER_MAP, defaults, own);
        if (userMap == null) {
            return null;
        }
        IniSection.Entry entry = Objects.requireNonNull(
                effectiveEntry(Key.CONNECTOR_USER_MAP, defaults, own), "a value in effect comes from an entry");
        return new UserMapFile(userMap, problems.source(), entry.line());
    }

    /**
     * The REST API's settings; when the connector serves one, a missing password or half a TLS
     * pair is recorded as a problem (the API is never served without a password).
     */
    private @Nullable RestApiSettings restApi(Layer defaults, Layer own) {
        HostPort address = (HostPort) effectiveOrNull(Key.CONNECTOR_REST_API_ADDRESS, defaults, own);
        Object passwordValue = effectiveOrNull(Key.REST_API_ADMIN_PASSWORD, defaults, own);
        byte[] password = (byte[])
                (passwordValue != null ? passwordValue : effectiveOrNull(Key.REST_API_ADMIN_PASS, defaults, own));
        boolean ok = bothOrNeither(Key.REST_API_SSL_CERTIFICATE, Key.REST_API_SSL_KEY, defaults, own);
        IniSection.Entry addressEntry = effectiveEntry(Key.CONNECTOR_REST_API_ADDRESS, defaults, own);
        if (address != null && addressEntry != null && (password == null || password.length == 0)) {
            problems.add(
                    addressEntry.line(),
                    addressEntry.key(),
                    "set without a rest-api-admin-password: the REST API is never served without one"
                            + " (set rest-api-admin-user and rest-api-admin-password)");
            ok = false;
        }
        if (!ok) {
            return null;
        }
        Path certificatePath = (Path) effectiveOrNull(Key.REST_API_SSL_CERTIFICATE, defaults, own);
        Path keyPath = (Path) effectiveOrNull(Key.REST_API_SSL_KEY, defaults, own);
        return new RestApiSettings(
                Optional.ofNullable(address),
                Optional.ofNullable((String) effectiveOrNull(Key.REST_API_ADMIN_USER, defaults, own)),
                password == null ? new byte[0] : password,
                certificatePath == null || keyPath == null
                        ? Optional.empty()
                        : Optional.of(new TlsFiles(certificatePath, keyPath)));
    }

    /** Managers to subscribe to: {@code host[:port]} separated by commas; the port defaults to {@value #DEFAULT_MANAGER_PORT}. */
    private static List<HostPort> managers(String value) {
        List<HostPort> managers = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String host = part.trim();
            if (host.isEmpty()) {
                throw new IllegalArgumentException(Values.quote(value) + " has an empty manager address");
            }
            managers.add(HostPort.parse(host, DEFAULT_MANAGER_PORT));
        }
        return List.copyOf(managers);
    }
}
