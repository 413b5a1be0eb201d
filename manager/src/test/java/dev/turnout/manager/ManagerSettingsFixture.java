package dev.turnout.manager;

import dev.turnout.connector.config.BackendTlsSettings;
import dev.turnout.connector.config.TlsFiles;
import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.push.PushSecret;
import dev.turnout.routing.topology.Policy;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ManagerSettings} of the manager tests, with the values most of them share: service
 * {@code alpha}, the sandbox's manager account, replication as {@code repl}, backend TLS preferred,
 * 200 ms probes, policy AUTOMATIC, a push port of any number on 127.0.0.1 with
 * {@link ManagedCluster#PUSH_SECRET}, no REST API (user {@code admin}, password {@code x}), a
 * switch timeout of 10 s, 3 failover probes and the default hold timeout. A test changes only
 * what it is about.
 */
final class ManagerSettingsFixture {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<DatasourceAddress> datasources;
    private String master;
    private String dbUser = "manager";
    private String dbPassword = "pw";
    private String replication = "repl";
    private BackendTlsSettings backendTls = BackendTlsSettings.preferred();
    private Duration probeInterval = Duration.ofMillis(200);
    private Policy policy = Policy.AUTOMATIC;
    private InetSocketAddress pushAddress = new InetSocketAddress(LOOPBACK, 0);
    private @Nullable InetSocketAddress restAddress;
    private String restPassword = "x";
    private @Nullable TlsFiles restTls;
    private Duration switchTimeout = Duration.ofSeconds(10);
    private int failoverProbes = 3;
    private PushSecret pushSecret = ManagedCluster.PUSH_SECRET;
    private Duration holdTimeout = ManagerSettings.DEFAULT_HOLD_TIMEOUT;

    private ManagerSettingsFixture(List<DatasourceAddress> datasources, String master) {
        this.datasources = List.copyOf(datasources);
        this.master = master;
    }

    /** The settings of a manager of {@code cluster}: its servers named {@code host:port}, its primary the master. */
    static ManagerSettingsFixture of(SandboxCluster cluster) {
        List<DatasourceAddress> addresses = new ArrayList<>();
        for (DbServer s : cluster.servers()) {
            addresses.add(new DatasourceAddress(s.hostPort(), s.host(), s.port()));
        }
        return new ManagerSettingsFixture(addresses, cluster.primary().hostPort())
                .dbAccount(cluster.managerUser(), cluster.managerPassword());
    }

    /** The settings of a manager of {@code datasources}, {@code master} the configured master. */
    static ManagerSettingsFixture of(List<DatasourceAddress> datasources, String master) {
        return new ManagerSettingsFixture(datasources, master);
    }

    ManagerSettingsFixture master(String name) {
        this.master = name;
        return this;
    }

    ManagerSettingsFixture dbAccount(String user, String password) {
        this.dbUser = user;
        this.dbPassword = password;
        return this;
    }

    ManagerSettingsFixture replication(String userAndPassword) {
        this.replication = userAndPassword;
        return this;
    }

    ManagerSettingsFixture backendTls(BackendTlsSettings tls) {
        this.backendTls = tls;
        return this;
    }

    ManagerSettingsFixture probeInterval(Duration interval) {
        this.probeInterval = interval;
        return this;
    }

    ManagerSettingsFixture policy(Policy p) {
        this.policy = p;
        return this;
    }

    /** The push port on 127.0.0.1, 0 for any. */
    ManagerSettingsFixture pushPort(int port) {
        this.pushAddress = new InetSocketAddress(LOOPBACK, port);
        return this;
    }

    /** A REST API on a port of any number of 127.0.0.1, with this password for {@code admin}. */
    ManagerSettingsFixture rest(String password) {
        this.restAddress = new InetSocketAddress(LOOPBACK, 0);
        this.restPassword = password;
        return this;
    }

    ManagerSettingsFixture restPassword(String password) {
        this.restPassword = password;
        return this;
    }

    ManagerSettingsFixture restTls(@Nullable TlsFiles tls) {
        this.restTls = tls;
        return this;
    }

    ManagerSettingsFixture switchTimeout(Duration timeout) {
        this.switchTimeout = timeout;
        return this;
    }

    ManagerSettingsFixture failoverProbes(int probes) {
        this.failoverProbes = probes;
        return this;
    }

    ManagerSettingsFixture pushSecret(PushSecret secret) {
        this.pushSecret = secret;
        return this;
    }

    ManagerSettingsFixture holdTimeout(Duration timeout) {
        this.holdTimeout = timeout;
        return this;
    }

    ManagerSettings build() {
        return new ManagerSettings(
                "alpha",
                datasources,
                master,
                dbUser,
                dbPassword,
                replication,
                replication,
                backendTls,
                probeInterval,
                policy,
                pushAddress,
                restAddress,
                "admin",
                restPassword,
                restTls,
                switchTimeout,
                failoverProbes,
                pushSecret,
                holdTimeout);
    }
}
