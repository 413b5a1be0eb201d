package dev.turnout.connector.session;

import dev.turnout.connector.accounts.ServerAccount;
import dev.turnout.connector.accounts.ServerAccounts;
import dev.turnout.connector.backend.BackendDialer;
import dev.turnout.connector.backend.BackendPool;
import dev.turnout.connector.backend.GreetingCache;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.connector.frontend.FrontendHandler;
import dev.turnout.connector.topology.ConnectorControl;
import dev.turnout.connector.topology.ConnectorTopology;
import dev.turnout.protocol.wire.PacketFrameDecoder;
import dev.turnout.push.ConnectorState;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.Role;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.net.ConnectException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Client sessions of the connector on {@link ReadGatedChannel}s, in front of one {@link FakeServer}
 * per datasource, on one thread and one mock clock: a session test sends client packets
 * ({@link ClientDriver}), {@linkplain #settle() settles}, and asserts on what reached each fake
 * server and what came back to the client. No socket, no database, no sleep.
 *
 * <pre>{@code
 * try (SessionHarness harness = SessionHarness.cluster("db1", "db2").with("connector-qos=RO_RELAXED").start()) {
 *     ClientDriver client = harness.connect();
 *     client.query("SET NAMES utf8mb4").asOk();
 *     assertThat(client.query("SELECT @@server_id").asRows().values()).containsExactly("2");
 *     assertThat(harness.server("db2").commands()).containsExactly("SET NAMES utf8mb4", "SELECT @@server_id");
 * }
 * }</pre>
 *
 * <p><b>The one coupling to the session's internals.</b> This class alone knows how production builds
 * a session (the pipeline of {@code ConnectorServer}: {@code PacketFrameDecoder} then
 * {@link FrontendHandler}), what it is given ({@link SessionServices}, {@link BackendDialer},
 * {@link ConnectorTopology}, {@link ConnectorControl}), and how managers reach live sessions
 * ({@link SessionRegistry#forEach} of {@link Session#wake()} after a topology push or a release, as
 * {@code ManagerSubscription} does). When the session is decomposed, only this class should have to change; the tests speak
 * in packets, servers and topology.
 *
 * <p><b>Pumping.</b> {@link #settle()} loops until nothing moves: it runs the pending and due
 * scheduled tasks of every channel, hands the bytes each backend channel wrote to its fake server
 * and the server's answers back (when the channel asked for a read), and collects what the
 * connector wrote to each client. It fails the test after {@value #MAX_ROUNDS} rounds. A backend's
 * dial completes (or is refused) at the next round, never inside the dial, as a TCP connect does.
 *
 * <p><b>Time.</b> Every channel shares one {@link MockTicker}, which is also the session's
 * {@code SessionServices.ticker()}; {@link #advance} moves it from one scheduled deadline to the
 * next, settling at each, as a real clock would pass them.
 *
 * <p><b>Server packets</b> ({@link ServerPackets}) are MariaDB 11.4.5 packets captured by the protocol
 * module and copied with their annotation to {@code session/mariadb-11.4.hex}: the greeting (its
 * connection id patched per connection), OK (status patched), PREPARE_OK (ids and counts patched)
 * with its parameter and column definitions, the 0xFE OK ending rows, ERR 1047. Encoded with the
 * protocol module's encoders because no capture fits: the text result sets ({@code @@server_id},
 * the one-row answer of other reads, {@code MASTER_GTID_WAIT}), the login OK, the other ERRs
 * (1045, 1210, 1243, scripted ones); by hand: the column count and the row of a binary result.
 *
 * <p>Close the harness at the end of each test: it closes every channel and
 * releases every buffer, so that Netty's paranoid leak detection judges the session alone.
 */
final class SessionHarness implements AutoCloseable {

    static final String USER = "app";
    static final String PASSWORD = "secret";
    static final String DATABASE = "shop";
    /**
     * With {@link Setup#withRelayedAccount()}: a primary's account whose plugin ({@code ed25519}) the
     * connector cannot verify; the fake servers authenticate it with {@link FakeConnection#RELAYED_PLUGIN}.
     */
    static final String RELAYED_USER = "ed";

    private static final int MAX_ROUNDS = 10_000;

    private final ConnectorConfig config;
    private final MockTicker ticker = Ticker.newMockTicker();
    private final ConnectorTopology topology;
    private final SessionServices services;
    private final Map<String, FakeServer> servers = new LinkedHashMap<>();
    private final List<ReadGatedChannel> channels = new ArrayList<>();
    private final List<ReadGatedChannel> sessions = new ArrayList<>();
    private final List<ClientDriver> clients = new ArrayList<>();

    /** A configuration of the dataservice {@code alpha}: the first member is the master. */
    static Setup cluster(String... members) {
        return new Setup(List.of(members), new ArrayList<>(), false);
    }

    /** The connector's configuration being built: members and {@code [defaults]} settings. */
    record Setup(List<String> members, List<String> settings, boolean relayedAccount) {

        /** One more {@code key=value} line in {@code [defaults]}, e.g. {@code connector-qos=RO_RELAXED}. */
        Setup with(String setting) {
            List<String> more = new ArrayList<>(settings);
            more.add(setting);
            return new Setup(members, more, relayedAccount);
        }

        /** The primary's accounts are loaded, and hold {@link #RELAYED_USER}'s. */
        Setup withRelayedAccount() {
            return new Setup(members, settings, true);
        }

        SessionHarness start() {
            List<String> lines = new ArrayList<>(settings);
            if (lines.stream().noneMatch(line -> line.startsWith("connector-smartscale="))) {
                // These fakes do not report GTIDs: without read-your-writes (the default) no tracking statement is
                // sent.
                lines.add("connector-smartscale=false");
            }
            String text =
                    """
                    [defaults]
                    application-user=%s
                    application-password=%s
                    application-port=3306
                    connector-connect-timeout=2s
                    %s
                    [alpha]
                    master=%s
                    members=%s
                    """.formatted(USER, PASSWORD, String.join("\n", lines), members.get(0), String.join(",", members));
            try {
                return new SessionHarness(
                        ConnectorConfig.parse(text, "test.ini", "alpha"),
                        relayedAccount
                                ? ServerAccounts.fixed(List.of(ServerAccount.of(RELAYED_USER, "%", "ed25519", "x")))
                                : ServerAccounts.disabled());
            } catch (Exception e) {
                throw new IllegalArgumentException("bad test configuration:\n" + text, e);
            }
        }
    }

    private SessionHarness(ConnectorConfig config, ServerAccounts accounts) {
        this.config = config;
        this.topology = ConnectorTopology.configured(config);
        List<HostPort> members = config.dataservice().members();
        for (int i = 0; i < members.size(); i++) {
            HostPort member = members.get(i);
            String name = config.dataservice().datasourceName(member);
            servers.put(name, new FakeServer(name, member.host(), member.port(), i + 1, PASSWORD.getBytes()));
        }
        BackendDialer dialer = (loop, host, port, connectTimeout, handler) -> {
            ReadGatedChannel channel = ReadGatedChannel.open(ticker, handler);
            channels.add(channel);
            for (FakeServer server : servers.values()) {
                if (server.host().equals(host) && server.port() == port) {
                    return server.accept(channel);
                }
            }
            var refused = channel.newPromise();
            channel.eventLoop()
                    .execute(() -> refused.setFailure(new ConnectException("no fake server at " + host + ":" + port)));
            return refused;
        };
        SessionRegistry registry = new SessionRegistry(loop -> new LoopSessions(
                loop,
                new BackendPool(ticker, config.backends().poolIdle()),
                config.failover().retryInterval(),
                config.backends().idleRelease()));
        this.services = new SessionServices(
                config,
                null,
                new GreetingCache(),
                dialer,
                ticker,
                new AtomicLong(SessionServices.FIRST_CONNECTION_ID),
                new SecureRandom(),
                topology,
                RoutingSettings.of(config.splitting()),
                new RouteMetrics(new SimpleMeterRegistry()),
                () -> "no user map configured (connector-user-map)",
                new ConnectorControl(),
                registry,
                new EventTally(),
                accounts);
        // As ManagerSubscription: every accepted topology change wakes every session, on its own loop.
        topology.holder().addListener(snapshot -> wakeSessions());
    }

    // ---------------------------------------------------------------- clients

    /** A client logged in as the application user with database {@code shop}; fails unless the login succeeded. */
    ClientDriver connect() {
        ClientDriver client = connect(USER, PASSWORD, DATABASE);
        Reply login = client.loginReply();
        if (!(login instanceof Reply.Ok)) {
            throw new AssertionError("login failed: " + login);
        }
        return client;
    }

    /** A client that has sent its login with these credentials (see {@link ClientDriver#loginReply()}). */
    ClientDriver connect(String user, String password, String database) {
        return connect(user, password, database, false);
    }

    /** As {@link #connect(String, String, String)}; with {@code stallAuthSwitch} an auth switch is never answered. */
    ClientDriver connect(String user, String password, String database, boolean stallAuthSwitch) {
        ReadGatedChannel channel = ReadGatedChannel.open(
                ticker, new PacketFrameDecoder(), new FrontendHandler(services, Listener.READ_WRITE));
        channels.add(channel);
        sessions.add(channel);
        ClientDriver client = new ClientDriver(this, channel, user, password, database);
        if (stallAuthSwitch) {
            client.stallAuthSwitch();
        }
        clients.add(client);
        settle();
        return client;
    }

    /**
     * A client that got the greeting and has not answered it yet (a slow client): its login goes
     * when the test calls {@link ClientDriver#sendHeldLogin()}.
     */
    ClientDriver connectHoldingLogin() {
        ReadGatedChannel channel = ReadGatedChannel.open(
                ticker, new PacketFrameDecoder(), new FrontendHandler(services, Listener.READ_WRITE));
        channels.add(channel);
        sessions.add(channel);
        ClientDriver client = new ClientDriver(this, channel, USER, PASSWORD, DATABASE);
        client.holdLogin();
        clients.add(client);
        settle();
        return client;
    }

    /** The client drops its connection without COM_QUIT, as a killed application does. */
    void disconnect(ClientDriver client) {
        sessionChannelOf(client).close();
        settle();
    }

    private ReadGatedChannel sessionChannelOf(ClientDriver client) {
        return sessions.get(clients.indexOf(client));
    }

    // ---------------------------------------------------------------- servers, topology, manager

    FakeServer server(String name) {
        FakeServer server = servers.get(name);
        if (server == null) {
            throw new IllegalArgumentException("no datasource " + name + " in " + servers.keySet());
        }
        return server;
    }

    /** A manager pushes a topology whose master is {@code name} (the old master becomes a slave); sessions are woken. */
    void promote(String name) {
        changeTopology(service -> {
            List<Datasource> datasources = new ArrayList<>();
            for (Datasource d : service.datasources()) {
                Role role = d.name().equals(name) ? Role.MASTER : d.role() == Role.MASTER ? Role.SLAVE : d.role();
                datasources.add(d.withRole(role));
            }
            return new Dataservice(service.name(), datasources);
        });
    }

    /** A manager pushes a topology in which datasource {@code name} has {@code state}; sessions are woken. */
    void setState(String name, DatasourceState state) {
        changeTopology(
                service -> service.with(service.datasource(name).orElseThrow().withState(state)));
    }

    private void changeTopology(UnaryOperator<Dataservice> change) {
        topology.holder()
                .update(snapshot -> snapshot.withDataservice(change.apply(snapshot.dataservice(topology.service()))));
        settle();
    }

    /** A manager puts the connector ON-HOLD: statements that would start outside a transaction wait. */
    void hold() {
        services.control().state(ConnectorState.ON_HOLD);
        settle();
    }

    /** A manager releases the hold: the connector is ONLINE and waiting statements go on. */
    void release() {
        services.control().state(ConnectorState.ONLINE);
        wakeSessions();
        settle();
    }

    /**
     * A manager sets the connector OFFLINE, as {@code ManagerSubscription.onState} does: logins are
     * refused and every session drains.
     */
    void offline() {
        services.control().state(ConnectorState.OFFLINE);
        services.registry().forEach(session -> session.drain(ConnectorErrors.offline()));
        settle();
    }

    private void wakeSessions() {
        services.registry().forEach(Session::wake);
    }

    // ---------------------------------------------------------------- pumping and time

    /** Runs everything until nothing moves (see the class comment); fails after {@value #MAX_ROUNDS} rounds. */
    void settle() {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            boolean progress = false;
            for (int i = 0; i < channels.size(); i++) { // a task may dial: the list grows
                ReadGatedChannel channel = channels.get(i);
                progress |= channel.hasPendingTasks();
                channel.runPendingTasks();
                channel.runScheduledPendingTasks();
                channel.checkException();
            }
            for (FakeServer server : servers.values()) {
                progress |= server.pump();
            }
            for (ClientDriver client : clients) {
                progress |= client.pump();
            }
            if (!progress) {
                return;
            }
        }
        throw new AssertionError("the sessions and fake servers did not settle within " + MAX_ROUNDS + " rounds");
    }

    /** Moves the clock by {@code duration}, stopping at every scheduled deadline on the way to settle. */
    void advance(Duration duration) {
        settle();
        long remaining = duration.toNanos();
        while (remaining > 0) {
            long next = -1;
            for (ReadGatedChannel channel : channels) {
                long delay = channel.runScheduledPendingTasks();
                if (delay >= 0 && (next < 0 || delay < next)) {
                    next = delay;
                }
            }
            long step = next < 0 ? remaining : Math.min(Math.max(next, 1), remaining);
            ticker.advance(step, TimeUnit.NANOSECONDS);
            remaining -= step;
            settle();
        }
    }

    // ---------------------------------------------------------------- the end

    /** Closes every client connection (the sessions let their backends go), every channel, and releases every buffer. */
    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            for (ReadGatedChannel session : sessions) {
                session.close();
            }
            settle();
        } catch (RuntimeException | AssertionError e) {
            failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        for (ReadGatedChannel channel : channels) {
            try {
                channel.finishAndReleaseAll();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        servers.values().forEach(FakeServer::releaseAll);
        clients.forEach(ClientDriver::release);
        if (failure != null) {
            throw failure;
        }
    }
}
