package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.push.PushSecret;
import dev.turnout.routing.topology.Policy;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A sandbox cluster of a test's own, with a manager (the sandbox's manager account, no SUPER, for its SQL; repl
 * for replication) and a connector that follows it ({@code connector-managers}); closes all three.
 */
final class ManagedCluster implements AutoCloseable {

    /** The push secret of every manager and connector of the manager ITs. */
    static final String PUSH_SECRET_TEXT = "manager-its-push-secret";

    static final PushSecret PUSH_SECRET = PushSecret.of(PUSH_SECRET_TEXT);

    final SandboxCluster cluster;
    Manager manager;
    final ConnectorServer connector;

    /**
     * @param pushPort       the manager's push port, 0 for any
     * @param connectorLines extra lines of the connector's [defaults]
     */
    ManagedCluster(SandboxCluster cluster, Policy policy, Duration probeInterval, int pushPort, String connectorLines)
            throws Exception {
        this.cluster = cluster;
        try {
            manager = startManager(policy, probeInterval, pushPort);
            String members = cluster.servers().stream().map(DbServer::hostPort).collect(Collectors.joining(","));
            String ini = """
                    [defaults]
                    application-user=%s
                    application-password=%s
                    application-port=3306
                    connector-listen-address=127.0.0.1
                    connector-worker-threads=2
                    connector-managers=127.0.0.1:%d
                    manager-push-secret=%s
                    %s
                    [alpha]
                    master=%s
                    members=%s
                    """.formatted(
                            cluster.appUser(),
                            cluster.appPassword(),
                            manager.pushPort(),
                            PUSH_SECRET_TEXT,
                            connectorLines,
                            cluster.primary().hostPort(),
                            members);
            connector = ConnectorServer.start(
                    ConnectorConfig.parse(ini, "managed.ini", "alpha").withApplicationPort(0));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (connector.connectedManagers() == 0) {
                assertThat(System.nanoTime())
                        .as("the connector subscribes to the manager")
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    /** A manager of this cluster on {@code pushPort} (0: any). */
    Manager startManager(Policy policy, Duration probeInterval, int pushPort) throws java.io.IOException {
        List<DatasourceAddress> addresses = new ArrayList<>();
        for (DbServer s : cluster.servers()) {
            addresses.add(new DatasourceAddress(s.hostPort(), s.host(), s.port()));
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        return Manager.start(ManagerSettingsFixture.of(cluster)
                .probeInterval(probeInterval)
                .policy(policy)
                .pushPort(pushPort)
                .restPassword("s3cret")
                .switchTimeout(Duration.ofSeconds(20))
                .build());
    }

    /** A port free on this machine now, for a manager that must come back on the same one. */
    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A MariaDB Connector/J URL of the connector. */
    String url() {
        return "jdbc:mariadb://127.0.0.1:" + connector.port() + "/test?connectTimeout=5000&socketTimeout=30000";
    }

    @Override
    public void close() {
        if (connector != null) {
            connector.shutdown(Duration.ofSeconds(2));
        }
        if (manager != null) {
            manager.close();
        }
        cluster.close();
    }
}
