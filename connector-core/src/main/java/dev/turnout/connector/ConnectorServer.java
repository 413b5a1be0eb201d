package dev.turnout.connector;

import dev.turnout.connector.accounts.ServerAccounts;
import dev.turnout.connector.admin.AdminServer;
import dev.turnout.connector.backend.BackendDialer;
import dev.turnout.connector.backend.BackendPool;
import dev.turnout.connector.backend.BackendTls;
import dev.turnout.connector.backend.GreetingCache;
import dev.turnout.connector.backend.HostResolver;
import dev.turnout.connector.bridge.BridgeTargets;
import dev.turnout.connector.config.ConfigException;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.connector.session.ConnectionCounts;
import dev.turnout.connector.session.EventTally;
import dev.turnout.connector.session.Listener;
import dev.turnout.connector.session.LoopSessions;
import dev.turnout.connector.session.RouteMetrics;
import dev.turnout.connector.session.RoutingSettings;
import dev.turnout.connector.session.Session;
import dev.turnout.connector.session.SessionRegistry;
import dev.turnout.connector.session.SessionServices;
import dev.turnout.connector.topology.ConnectorControl;
import dev.turnout.connector.topology.ConnectorTopology;
import dev.turnout.push.ConnectorState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running connector: a listener on {@code application-port} (and one on
 * {@code application-readonly-port} when configured), an accept thread, and one worker event loop
 * per configured thread ({@code connector-transport}: epoll where available by default). Each
 * accepted client gets its session on a worker loop ({@link ClientListeners}), and its backend
 * connections live on that same loop.
 *
 * <p>Thread-safe: {@link #start} and {@link #shutdown} may be called from any thread.
 */
public final class ConnectorServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConnectorServer.class);

    private final ConnectorConfig config;
    private final Transport transport;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup workerGroup;
    /** The loop that reads the primary's accounts (connector-load-accounts); null when they are not read. */
    private final @Nullable EventLoopGroup accountsGroup;

    private final ChannelGroup sessions = new DefaultChannelGroup("sessions", GlobalEventExecutor.INSTANCE);
    private final SessionServices services;
    private final ConnectorTopology topology;
    private final MeterRegistry metrics = new SimpleMeterRegistry();
    /** Resolves datasource host names off the event loops. */
    private final HostResolver resolver;
    /** Chooses the datasource of each bridged connection; null unless {@code connector-bridge-mode}. */
    private final @Nullable BridgeTargets bridgeTargets;

    @SuppressWarnings("NullAway.Init") // set by bind(), in start() before the server is returned
    private Channel listener;
    /** The {@code application-readonly-port} listener; null when not configured. */
    private @Nullable Channel readOnlyListener;

    private boolean stopped;
    /** connector-backend-pool-idle, or less: below the primary's wait_timeout. */
    private volatile Duration poolIdle;
    /** The subscription to {@code connector-managers}; null when none is configured. */
    private volatile @Nullable ManagerSubscription managers;
    /** The REST API ({@code connector-rest-api-address}); null when not configured. */
    private volatile @Nullable AdminServer admin;

    private ConnectorServer(
            ConnectorConfig config, Transport transport, @Nullable SslContext sslContext, BackendTls backendTls) {
        this.config = config;
        this.transport = transport;
        this.poolIdle = config.backends().poolIdle();
        this.acceptGroup = transport.newGroup(1);
        this.workerGroup = transport.newGroup(config.workerThreads());
        this.topology = ConnectorTopology.start(config);
        this.resolver = HostResolver.system(config.connectTimeout());
        BackendDialer dialer = BackendDialer.tcp(transport.socketChannelClass(), resolver, backendTls);
        this.accountsGroup = config.backends().loadAccounts() && !config.bridgeMode() ? transport.newGroup(1) : null;
        this.services = new SessionServices(
                config,
                sslContext,
                new GreetingCache(),
                dialer,
                Ticker.systemTicker(),
                new AtomicLong(SessionServices.FIRST_CONNECTION_ID),
                new SecureRandom(),
                topology,
                RoutingSettings.of(config.splitting()),
                new RouteMetrics(metrics),
                this::reloadUsers,
                new ConnectorControl(),
                newRegistry(config),
                new EventTally(),
                accountsGroup == null
                        ? ServerAccounts.disabled()
                        : ServerAccounts.start(config, topology, dialer, accountsGroup.next()));
        this.bridgeTargets = config.bridgeMode()
                ? BridgeTargets.routed(topology, services.routing().readPolicy(), config.dataservice())
                : null;
    }

    /**
     * The sessions, with per event loop a backend pool and the timers of failover retries and idle
     * release. A loop's state is made when its first session registers, after {@link #probePrimary}.
     */
    private SessionRegistry newRegistry(ConnectorConfig config) {
        Ticker ticker = Ticker.systemTicker();
        return new SessionRegistry(
                loop -> new LoopSessions(
                        loop,
                        new BackendPool(ticker, poolIdle),
                        config.failover().retryInterval(),
                        config.backends().idleRelease()),
                new ConnectionCounts(config.limits()));
    }

    /**
     * Logs in to the primary once: the first client sees the primary's version and capabilities, and
     * pooled connections are closed after at most half the primary's {@code wait_timeout}.
     */
    private void probePrimary() {
        long waitTimeout = PrimaryProbe.run(config, workerGroup.next(), services.dialer(), services.greetings());
        if (waitTimeout > 0 && Duration.ofSeconds(waitTimeout).dividedBy(2).compareTo(poolIdle) < 0) {
            poolIdle = Duration.ofSeconds(waitTimeout).dividedBy(2);
            if (config.backends().pool() > 0) {
                log.info(
                        "pooled backend connections stay idle at most {} s (half the primary's wait_timeout of {} s)",
                        poolIdle.toSeconds(),
                        waitTimeout);
            }
        }
    }

    /** {@code tungsten flush privileges}: re-reads the user map, and starts a new read of the primary's accounts. */
    private String reloadUsers() {
        String accounts = "";
        if (services.accounts().enabled()) {
            services.accounts().reload().thenAccept(outcome -> log.info("tungsten flush privileges: {}", outcome));
            accounts = "; the primary's accounts are being read again";
        }
        if (config.userMapPath().isEmpty()) {
            return "no user map configured (connector-user-map)" + accounts;
        }
        try {
            config.reloadUserMap();
            return "user.map reloaded successfully";
        } catch (ConfigException e) {
            log.warn("user map not reloaded: {}", e.getMessage());
            return "user.map not reloaded: " + e.getMessage();
        }
    }

    /**
     * Starts a connector: learns the primary's greeting (bounded by the connect timeout; the
     * connector starts anyway when the primary is down) and binds the application port.
     *
     * @throws ConnectorStartException when the port cannot be bound or the TLS files cannot be read
     */
    public static ConnectorServer start(ConnectorConfig config) throws ConnectorStartException {
        SslContext sslContext = ServerTls.forClients(config);
        BackendTls backendTls = ServerTls.forBackends(config);
        if (!config.acceptedUnusedKeys().isEmpty()) {
            log.info(
                    "configuration keys accepted but not used by this version: {}",
                    String.join(", ", new java.util.TreeSet<>(config.acceptedUnusedKeys())));
        }
        if (config.dataservice().isComposite()) {
            // Sessions, probes and bridges all need the dataservice's master; a composite has none.
            throw new ConnectorStartException(
                    (config.bridgeMode() ? "bridge mode" : "this version")
                            + " serves a dataservice, not the composite dataservice " + config.serviceName(),
                    null);
        }
        ConnectorServer server = new ConnectorServer(config, Transport.of(config.transport()), sslContext, backendTls);
        try {
            server.probePrimary();
            server.bind();
            server.subscribeToManagers();
            server.startRestApi();
        } catch (ConnectorStartException | RuntimeException e) {
            server.stopLoops();
            throw e;
        }
        return server;
    }

    private void bind() throws ConnectorStartException {
        ClientListeners listeners = new ClientListeners(
                transport, acceptGroup, workerGroup, config.listenAddress(), sessions, services, bridgeTargets);
        listener = listeners.bind(config.applicationPort(), Listener.READ_WRITE);
        if (config.readOnlyPort().isPresent()) {
            readOnlyListener = listeners.bind(config.readOnlyPort().getAsInt(), Listener.READ_ONLY);
        }
        log.info(
                "connector for dataservice {} listening on {}{} ({}, {} worker threads{}, at most {} client connections{}),"
                        + " primary {}",
                config.serviceName(),
                listener.localAddress(),
                readOnlyListener == null ? "" : " and read-only on " + readOnlyListener.localAddress(),
                transport.name(),
                config.workerThreads(),
                config.bridgeMode() ? ", bridge mode" : "",
                config.limits().maxConnections() == 0
                        ? "unlimited"
                        : config.limits().maxConnections(),
                config.limits().derived() ? " by the file-descriptor limit" : "",
                config.dataservice().master());
    }

    /** The address the connector listens on (with the actual port when 0 was configured). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    /**
     * The port of the {@code application-readonly-port} listener (the actual one when 0 was
     * configured), or -1 when there is none.
     */
    public int readOnlyPort() {
        return readOnlyListener == null ? -1 : ((InetSocketAddress) readOnlyListener.localAddress()).getPort();
    }

    /** Client sessions currently open. */
    public int activeSessions() {
        return sessions.size();
    }

    /**
     * Stops accepting (on every listener), lets running statements finish for at most
     * {@code grace}, then closes every session and stops the event loops. Bridged connections
     * (whose statement boundaries the connector cannot see) stay open for the whole grace unless
     * they end by themselves. Idempotent.
     */
    public synchronized void shutdown(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        log.info("connector shutting down: {} session(s) open, grace {} ms", sessions.size(), grace.toMillis());
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        if (readOnlyListener != null) {
            readOnlyListener.close().syncUninterruptibly();
        }
        services.registry().forEach(session -> session.drain(ConnectorErrors.shuttingDown()));
        long deadline = System.nanoTime() + grace.toNanos();
        while (!sessions.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!sessions.isEmpty()) {
            log.warn("closing {} session(s) still running after the shutdown grace", sessions.size());
            sessions.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        stopLoops();
        log.info("connector stopped");
    }

    /** The connector's meters (routed statements by role and reason, …). */
    public MeterRegistry metrics() {
        return metrics;
    }

    /** The topology the connector routes by. */
    public ConnectorTopology topology() {
        return topology;
    }

    /**
     * Sets the connector's state as a manager's {@code state} message does (tests, and programs that
     * embed the connector without managers): OFFLINE drains every session and refuses logins.
     */
    public void state(ConnectorState state) {
        services.control().state(state);
        services.registry()
                .forEach(state == ConnectorState.OFFLINE ? s -> s.drain(ConnectorErrors.offline()) : Session::wake);
    }

    private void startRestApi() throws ConnectorStartException {
        ConnectorGauges.register(metrics, sessions, topology);
        if (config.restApi().address().isEmpty()) {
            return;
        }
        HostPort address = config.restApi().address().get();
        try {
            admin = AdminServer.start(
                    address,
                    config.restApi().userOrDefault(),
                    config.restApi().password(),
                    config.restApi().tls().orElse(null),
                    "connector@" + localHostName() + "["
                            + ProcessHandle.current().pid() + "]",
                    topology,
                    services.control(),
                    metrics,
                    sessions::size);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ConnectorStartException("cannot serve the REST API on " + address + ": " + e.getMessage(), e);
        }
        log.info(
                "REST API on {}://{}:{}/api/v1/status and /metrics (Basic authentication)",
                admin.scheme(),
                address.host(),
                admin.address().getPort());
    }

    private static String localHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** The REST API's address, when {@code connector-rest-api-address} is set. */
    public java.util.Optional<InetSocketAddress> restApiAddress() {
        AdminServer server = admin;
        return server == null ? java.util.Optional.empty() : java.util.Optional.of(server.address());
    }

    private void subscribeToManagers() {
        if (!config.failover().managers().isEmpty()) {
            List<Integer> ports = readOnlyPort() < 0 ? List.of(port()) : List.of(port(), readOnlyPort());
            managers = new ManagerSubscription(config.failover().managers(), ports, sessions, services);
        }
    }

    /** Managers this connector is subscribed to right now (0 without {@code connector-managers}). */
    public int connectedManagers() {
        ManagerSubscription subscription = managers;
        return subscription == null ? 0 : subscription.connectedManagers();
    }

    private void stopLoops() {
        AdminServer server = admin;
        if (server != null) {
            server.close();
        }
        ManagerSubscription subscription = managers;
        if (subscription != null) {
            subscription.close();
        }
        topology.close();
        acceptGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (accountsGroup != null) {
            accountsGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        resolver.close();
    }

    /** Shuts down with the configured {@code connector-shutdown-timeout}. */
    @Override
    public void close() {
        shutdown(config.shutdownTimeout());
    }
}
