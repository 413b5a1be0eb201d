package dev.turnout.connector.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The connector's validated, immutable configuration, read from one {@code tungsten.ini}-style
 * file (see {@code docs/configuration.md} for every key): the dataservice this connector serves,
 * all dataservices of the file, and the connector settings in effect for the served one
 * ([defaults] overridden by that dataservice's own section).
 *
 * <p>Built once at start by {@link #load} or {@link #parse}; nothing changes afterwards but the
 * user map, which {@link #reloadUserMap()} may replace as a whole (the one named runtime knob), so
 * an instance may be shared freely between threads. Tests and the demo derive variants with the
 * {@code with...} methods, e.g.
 * <pre>{@code
 * ConnectorConfig config = ConnectorConfig.parse("""
 *         [defaults]
 *         application-user=app
 *         application-password=secret
 *         [alpha]
 *         master=127.0.0.1:3307
 *         members=127.0.0.1:3307,127.0.0.1:3308
 *         """, "demo", null).withListenAddress("127.0.0.1").withApplicationPort(0);
 * }</pre>
 *
 * <p>The core settings (listener, login, timeouts, TLS, threads) have one accessor each; the
 * others come in groups, one record per concern: {@link #splitting()}, {@link #probes()},
 * {@link #failover()}, {@link #backends()} and {@link #restApi()}, e.g.
 * {@code config.failover().waitTime()} for {@code connector-failover-wait}.
 *
 * <p>{@link #toString()} never shows a password, nor do the groups'.
 */
public final class ConnectorConfig {

    private final DataserviceConfig dataservice;
    private final List<DataserviceConfig> dataservices;
    private final Set<String> acceptedUnusedKeys;
    private final SectionSettings section;
    /** {@code section.core()}, the settings most accessors read. */
    private final Settings settings;
    /** Shared with the copies made by the {@code with...} methods, so that a reload reaches them all. */
    private final AtomicReference<@Nullable UserMap> userMap;

    /** @param userMap the loaded {@code section.userMapFile()}; null when that is null */
    ConnectorConfig(
            DataserviceConfig dataservice,
            List<DataserviceConfig> dataservices,
            SectionSettings section,
            Set<String> acceptedUnusedKeys,
            @Nullable UserMap userMap) {
        this(dataservice, dataservices, section, acceptedUnusedKeys, new AtomicReference<>(userMap));
    }

    private ConnectorConfig(
            DataserviceConfig dataservice,
            List<DataserviceConfig> dataservices,
            SectionSettings section,
            Set<String> acceptedUnusedKeys,
            AtomicReference<@Nullable UserMap> userMap) {
        this.dataservice = Objects.requireNonNull(dataservice, "dataservice");
        this.dataservices = List.copyOf(dataservices);
        this.acceptedUnusedKeys = Set.copyOf(acceptedUnusedKeys);
        this.section = section;
        this.settings = section.core();
        this.userMap = userMap;
        if ((section.userMapFile() == null) != (userMap.get() == null)) {
            throw new IllegalArgumentException("a user map is loaded exactly when connector-user-map is set");
        }
    }

    /**
     * Reads and validates a configuration file (UTF-8), and the user map it names. Relative file
     * paths (TLS files, the user map) resolve against the file's directory.
     *
     * @param service the dataservice (or composite) to serve, as given by {@code --service}; null
     *                selects the file's only non-composite dataservice, and is an error (listing the
     *                choices) when there are several
     * @throws ConfigException naming the file, line and key of every problem found
     */
    public static ConnectorConfig load(Path file, @Nullable String service) throws ConfigException {
        return ConfigParser.load(file, service);
    }

    /**
     * Parses configuration text, and reads the user map it names; {@code sourceName} stands for the
     * file name in messages. Relative file paths (TLS files, the user map) resolve against the
     * current directory.
     *
     * @param service as for {@link #load}; may be null
     * @throws ConfigException naming the source, line and key of every problem found
     */
    public static ConnectorConfig parse(String text, String sourceName, @Nullable String service)
            throws ConfigException {
        return ConfigParser.parse(text, sourceName, service, Path.of(""));
    }

    /** The name of the served dataservice or composite ({@code dataservice().name()}). */
    public String serviceName() {
        return dataservice.name();
    }

    /** The served dataservice or composite. */
    public DataserviceConfig dataservice() {
        return dataservice;
    }

    /** Every dataservice and composite of the file, in file order (unmodifiable). */
    public List<DataserviceConfig> dataservices() {
        return dataservices;
    }

    /** {@code application-user}: the user applications log in as, and the connector logs in to the backends as. */
    public String applicationUser() {
        return settings.applicationUser();
    }

    /** {@code application-password} as UTF-8 bytes: a fresh copy on every call, for the caller to wipe. */
    public byte[] applicationPassword() {
        return settings.applicationPassword().clone();
    }

    /** {@code connector-listen-address}: an IPv4 or IPv6 literal (without brackets) or a host name. */
    public String listenAddress() {
        return settings.listenAddress();
    }

    /** {@code application-port}: 1-65535 from a file; 0 (any free port) only through {@link #withApplicationPort}. */
    public int applicationPort() {
        return settings.applicationPort();
    }

    /** {@code connector-connect-timeout}: connecting to a backend and authenticating there. */
    public Duration connectTimeout() {
        return settings.connectTimeout();
    }

    /**
     * {@code connector-handshake-timeout}: how long a client has, from its TCP connection, to
     * complete the connection phase (TLS and authentication) before the connector closes it.
     */
    public Duration handshakeTimeout() {
        return settings.handshakeTimeout();
    }

    /** {@code connector-shutdown-timeout}: how long running statements get on SIGTERM (may be zero). */
    public Duration shutdownTimeout() {
        return settings.shutdownTimeout();
    }

    /** {@code connector-max-allowed-packet}: the largest client command accepted, in bytes (1K-1G). */
    public long maxAllowedPacket() {
        return settings.maxAllowedPacket();
    }

    /** {@code connector-worker-threads}: event loops for client and backend connections (1-256). */
    public int workerThreads() {
        return settings.workerThreads();
    }

    /** {@code connector-transport}: the socket transport of the event loops (default {@code auto}: epoll, else NIO). */
    public TransportSetting transport() {
        return settings.transport();
    }

    /** {@code connector-ssl-certificate} and {@code connector-ssl-key}; empty when TLS is not offered. */
    public Optional<TlsFiles> tls() {
        return Optional.ofNullable(settings.tls());
    }

    /**
     * {@code connector-require-tls}: clients must upgrade to TLS before they log in (default
     * false); only with {@link #tls()}.
     */
    public boolean requireTls() {
        return settings.requireTls();
    }

    /** TLS to the database servers ({@code connector-backend-ssl-mode}, {@code connector-backend-ssl-ca}). */
    public BackendTlsSettings backendTls() {
        return section.backendTls();
    }

    /** Read/write splitting and session consistency ({@code connector-qos}, {@code connector-smartscale}, ...). */
    public SplittingSettings splitting() {
        return section.splitting();
    }

    /** The connector's own probes and heartbeats, and their login ({@code connector-probe-interval}, ...). */
    public ProbeSettings probes() {
        return section.probes();
    }

    /** The managers followed, and how sessions ride out a failover or switch ({@code connector-failover-wait}, ...). */
    public FailoverSettings failover() {
        return section.failover();
    }

    /** How sessions hold backend connections ({@code connector-backend-pool}, {@code connector-idle-release}, ...). */
    public BackendSettings backends() {
        return section.backends();
    }

    /** How many client connections the connector takes, in all and per user ({@code connector-max-connections}, ...). */
    public ClientLimits limits() {
        return section.limits();
    }

    /** The REST API ({@code connector-rest-api-address}) and its credentials. */
    public RestApiSettings restApi() {
        return section.restApi();
    }

    /** {@code connector-user-map}: the user map file, absolute; empty when not set. */
    public Optional<Path> userMapPath() {
        UserMapFile file = section.userMapFile();
        return file == null ? Optional.empty() : Optional.of(file.path());
    }

    /** The user map, as loaded at start or by the last successful {@link #reloadUserMap()}; empty when not set. */
    public Optional<UserMap> userMap() {
        return Optional.ofNullable(userMap.get());
    }

    /**
     * Re-reads the user map file (the runtime knob behind {@code tungsten flush privileges}) and,
     * when it is valid, makes it the one {@link #userMap()} returns, for this configuration and
     * the copies derived from it. Nothing else of the configuration changes. Safe to call from any
     * thread; a failed reload keeps the previous map.
     *
     * @return the new user map
     * @throws ConfigException as at start: a file that cannot be read names the configuration
     *                         file, line and key and the path; a bad line names the user map's
     *                         file and line; also when {@code connector-user-map} is not set
     */
    public UserMap reloadUserMap() throws ConfigException {
        UserMapFile file = section.userMapFile();
        if (file == null) {
            throw new ConfigException(Key.CONNECTOR_USER_MAP.keyName() + ": not set (there is no user map to reload)");
        }
        UserMap fresh =
                file.load(dataservices.stream().map(DataserviceConfig::name).collect(Collectors.toSet()));
        userMap.set(fresh);
        return fresh;
    }

    /**
     * {@code application-readonly-port}: the second listener, whose sessions are read-only; empty
     * when not set. 1-65535 from a file (never equal to {@link #applicationPort()}); 0 (any free
     * port) only through {@link #withReadOnlyPort}.
     */
    public OptionalInt readOnlyPort() {
        return settings.readOnlyPort() < 0 ? OptionalInt.empty() : OptionalInt.of(settings.readOnlyPort());
    }

    /**
     * {@code connector-bridge-mode}: true when the connector does not speak the protocol but relays
     * each client connection's bytes to one datasource chosen at connect time (default false).
     */
    public boolean bridgeMode() {
        return settings.bridgeMode();
    }

    /**
     * The keys of the file that this version accepts but does not use yet (e.g. {@code user},
     * {@code rest-api-admin-user}), sorted; the caller may log them so nobody expects an effect.
     */
    public Set<String> acceptedUnusedKeys() {
        return acceptedUnusedKeys;
    }

    /** A copy listening on {@code port}; 0 lets the system choose a free port (tests, the demo). */
    public ConnectorConfig withApplicationPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 0-65535");
        }
        return with(settings.withApplicationPort(port));
    }

    /**
     * A copy with a read-only listener on {@code port} (0 lets the system choose a free port), or
     * without one when {@code port} is -1.
     */
    public ConnectorConfig withReadOnlyPort(int port) {
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException("read-only port " + port + " is not 0-65535 (or -1 for none)");
        }
        return with(settings.withReadOnlyPort(port));
    }

    /** A copy with {@code connector-bridge-mode} set to {@code bridge}. */
    public ConnectorConfig withBridgeMode(boolean bridge) {
        return with(settings.withBridgeMode(bridge));
    }

    /** A copy listening on {@code address}, with the rules of {@code connector-listen-address}. */
    public ConnectorConfig withListenAddress(String address) {
        return with(settings.withListenAddress(SettingsParser.listenAddress(address)));
    }

    /** A copy with another backend connect timeout (positive). */
    public ConnectorConfig withConnectTimeout(Duration timeout) {
        return with(settings.withTimeouts(
                positive(timeout, "connect timeout"), settings.handshakeTimeout(), settings.shutdownTimeout()));
    }

    /** A copy with another client handshake timeout (positive). */
    public ConnectorConfig withHandshakeTimeout(Duration timeout) {
        return with(settings.withTimeouts(
                settings.connectTimeout(), positive(timeout, "handshake timeout"), settings.shutdownTimeout()));
    }

    /** A copy with another shutdown timeout (zero or positive). */
    public ConnectorConfig withShutdownTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("shutdown timeout " + timeout + " is negative");
        }
        return with(settings.withTimeouts(settings.connectTimeout(), settings.handshakeTimeout(), timeout));
    }

    private ConnectorConfig with(Settings changed) {
        return new ConnectorConfig(dataservice, dataservices, section.withCore(changed), acceptedUnusedKeys, userMap);
    }

    private static Duration positive(Duration timeout, String what) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(what + " " + timeout + " is not positive");
        }
        return timeout;
    }

    /** One line for the start-up log; the password shows as {@code ***}. */
    @Override
    public String toString() {
        SplittingSettings splitting = section.splitting();
        ProbeSettings probes = section.probes();
        String listenAddress = settings.listenAddress();
        TlsFiles tls = settings.tls();
        String listen = listenAddress.indexOf(':') >= 0 ? "[" + listenAddress + "]" : listenAddress;
        return "ConnectorConfig[service=" + serviceName()
                + ", dataservices="
                + dataservices.stream().map(DataserviceConfig::name).toList()
                + ", master=" + dataservice.master()
                + ", members=" + dataservice.members()
                + ", listen=" + listen + ":" + settings.applicationPort()
                + (settings.readOnlyPort() < 0 ? "" : ", readOnlyPort=" + settings.readOnlyPort())
                + (settings.bridgeMode() ? ", bridgeMode=true" : "")
                + ", user=" + settings.applicationUser()
                + ", password=***"
                + ", connectTimeout=" + Values.format(settings.connectTimeout())
                + ", handshakeTimeout=" + Values.format(settings.handshakeTimeout())
                + ", shutdownTimeout=" + Values.format(settings.shutdownTimeout())
                + ", maxAllowedPacket=" + Values.formatSize(settings.maxAllowedPacket())
                + ", workerThreads=" + settings.workerThreads()
                + ", transport=" + settings.transport().keyword()
                + ", tls=" + (tls == null ? "off" : "certificate=" + tls.certificate() + " key=" + tls.key())
                + (settings.requireTls() ? ", requireTls=true" : "")
                + ", backendSslMode=" + section.backendTls().mode().keyword()
                + section.backendTls().ca().map(ca -> ", backendSslCa=" + ca).orElse("")
                + ", qos=" + splitting.qos()
                + ", smartscale=" + splitting.smartScale()
                + ", smartscaleWait=" + Values.format(splitting.smartScaleWait())
                + ", maxSlaveLatency="
                + (splitting.maxSlaveLatencyMillis() < 0
                        ? "unset"
                        : Values.format(Duration.ofMillis(splitting.maxSlaveLatencyMillis())))
                + ", loadBalancer=" + splitting.loadBalancer().keyword()
                + ", affinity=" + (splitting.affinity().isNone() ? "none" : splitting.affinity())
                + ", userMap=" + userMapPath().map(Path::toString).orElse("none")
                + ", probeInterval=" + Values.format(probes.probeInterval())
                + ", heartbeatInterval=" + Values.format(probes.heartbeatInterval())
                + ", replicationUser=" + probes.replicationUser()
                + ", replicationPassword=***"
                + "]";
    }
}
