package dev.turnout.connector.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The connector's validated, immutable configuration, read from one {@code tungsten.ini}-style
 * file (see {@code docs/configuration.md} for every key): the dataservice this connector serves,
 * all dataservices of the file, and the connector settings in effect for the served one
 * ([defaults] overridden by that dataservice's own section).
 *
 * <p>Built once at start by {@link #load} or {@link #parse}; nothing changes afterwards, so an
 * instance may be shared freely between threads. Tests and the demo derive variants with the
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
 * <p>{@link #toString()} never shows the application password.
 */
public final class ConnectorConfig {

    private final DataserviceConfig dataservice;
    private final List<DataserviceConfig> dataservices;
    private final String applicationUser;
    private final byte[] applicationPassword;
    private final String listenAddress;
    private final int applicationPort;
    private final Duration connectTimeout;
    private final Duration shutdownTimeout;
    private final long maxAllowedPacket;
    private final int workerThreads;
    private final TlsFiles tls;
    private final Set<String> acceptedUnusedKeys;

    ConnectorConfig(DataserviceConfig dataservice, List<DataserviceConfig> dataservices, Settings settings,
                    Set<String> acceptedUnusedKeys) {
        this(dataservice, List.copyOf(dataservices), settings.applicationUser(), settings.applicationPassword().clone(),
                settings.listenAddress(), settings.applicationPort(), settings.connectTimeout(),
                settings.shutdownTimeout(), settings.maxAllowedPacket(), settings.workerThreads(), settings.tls(),
                Set.copyOf(acceptedUnusedKeys));
    }

    private ConnectorConfig(DataserviceConfig dataservice, List<DataserviceConfig> dataservices,
                            String applicationUser, byte[] applicationPassword, String listenAddress,
                            int applicationPort, Duration connectTimeout, Duration shutdownTimeout,
                            long maxAllowedPacket, int workerThreads, TlsFiles tls, Set<String> acceptedUnusedKeys) {
        this.dataservice = Objects.requireNonNull(dataservice, "dataservice");
        this.dataservices = dataservices;
        this.applicationUser = Objects.requireNonNull(applicationUser, "applicationUser");
        this.applicationPassword = applicationPassword;
        this.listenAddress = listenAddress;
        this.applicationPort = applicationPort;
        this.connectTimeout = connectTimeout;
        this.shutdownTimeout = shutdownTimeout;
        this.maxAllowedPacket = maxAllowedPacket;
        this.workerThreads = workerThreads;
        this.tls = tls;
        this.acceptedUnusedKeys = acceptedUnusedKeys;
    }

    /**
     * Reads and validates a configuration file (UTF-8). Relative TLS file paths resolve against the
     * file's directory.
     *
     * @param service the dataservice (or composite) to serve, as given by {@code --service}; null
     *                selects the file's only non-composite dataservice, and is an error (listing the
     *                choices) when there are several
     * @throws ConfigException naming the file, line and key of every problem found
     */
    public static ConnectorConfig load(Path file, String service) throws ConfigException {
        return ConfigParser.load(file, service);
    }

    /**
     * Parses configuration text; {@code sourceName} stands for the file name in messages. Relative
     * TLS file paths resolve against the current directory.
     *
     * @param service as for {@link #load}; may be null
     * @throws ConfigException naming the source, line and key of every problem found
     */
    public static ConnectorConfig parse(String text, String sourceName, String service) throws ConfigException {
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
        return applicationUser;
    }

    /** {@code application-password} as UTF-8 bytes: a fresh copy on every call, for the caller to wipe. */
    public byte[] applicationPassword() {
        return applicationPassword.clone();
    }

    /** {@code connector-listen-address}: an IPv4 or IPv6 literal (without brackets) or a host name. */
    public String listenAddress() {
        return listenAddress;
    }

    /** {@code application-port}: 1-65535 from a file; 0 (any free port) only through {@link #withApplicationPort}. */
    public int applicationPort() {
        return applicationPort;
    }

    /** {@code connector-connect-timeout}: connecting to a backend and authenticating there. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@code connector-shutdown-timeout}: how long running statements get on SIGTERM (may be zero). */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** {@code connector-max-allowed-packet}: the largest client command accepted, in bytes (1K-1G). */
    public long maxAllowedPacket() {
        return maxAllowedPacket;
    }

    /** {@code connector-worker-threads}: event loops for client and backend connections (1-256). */
    public int workerThreads() {
        return workerThreads;
    }

    /** {@code connector-ssl-certificate} and {@code connector-ssl-key}; empty when TLS is not offered. */
    public Optional<TlsFiles> tls() {
        return Optional.ofNullable(tls);
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
        return new ConnectorConfig(dataservice, dataservices, applicationUser, applicationPassword, listenAddress,
                port, connectTimeout, shutdownTimeout, maxAllowedPacket, workerThreads, tls, acceptedUnusedKeys);
    }

    /** A copy listening on {@code address}, with the rules of {@code connector-listen-address}. */
    public ConnectorConfig withListenAddress(String address) {
        String checked = ConfigParser.listenAddress(address);
        return new ConnectorConfig(dataservice, dataservices, applicationUser, applicationPassword, checked,
                applicationPort, connectTimeout, shutdownTimeout, maxAllowedPacket, workerThreads, tls,
                acceptedUnusedKeys);
    }

    /** A copy with another backend connect timeout (positive). */
    public ConnectorConfig withConnectTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("connect timeout " + timeout + " is not positive");
        }
        return new ConnectorConfig(dataservice, dataservices, applicationUser, applicationPassword, listenAddress,
                applicationPort, timeout, shutdownTimeout, maxAllowedPacket, workerThreads, tls, acceptedUnusedKeys);
    }

    /** A copy with another shutdown timeout (zero or positive). */
    public ConnectorConfig withShutdownTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("shutdown timeout " + timeout + " is negative");
        }
        return new ConnectorConfig(dataservice, dataservices, applicationUser, applicationPassword, listenAddress,
                applicationPort, connectTimeout, timeout, maxAllowedPacket, workerThreads, tls, acceptedUnusedKeys);
    }

    /** One line for the start-up log; the password shows as {@code ***}. */
    @Override
    public String toString() {
        String listen = listenAddress.indexOf(':') >= 0 ? "[" + listenAddress + "]" : listenAddress;
        return "ConnectorConfig[service=" + serviceName()
                + ", dataservices=" + dataservices.stream().map(DataserviceConfig::name).toList()
                + ", master=" + dataservice.master()
                + ", members=" + dataservice.members()
                + ", listen=" + listen + ":" + applicationPort
                + ", user=" + applicationUser
                + ", password=***"
                + ", connectTimeout=" + Values.format(connectTimeout)
                + ", shutdownTimeout=" + Values.format(shutdownTimeout)
                + ", maxAllowedPacket=" + Values.formatSize(maxAllowedPacket)
                + ", workerThreads=" + workerThreads
                + ", tls=" + (tls == null ? "off" : "certificate=" + tls.certificate() + " key=" + tls.key())
                + "]";
    }
}
