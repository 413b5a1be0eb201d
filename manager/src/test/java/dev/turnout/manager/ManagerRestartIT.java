package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.push.RouterInfo;
import dev.turnout.routing.topology.Policy;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The manager killed: the connector keeps routing on the last topology it received; when a
 * manager comes back on the same address the connector subscribes again and is listed as a router.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManagerRestartIT {

    private static SandboxCluster cluster;
    private static ConnectorServer connector;
    private static int pushPort;

    @BeforeAll
    static void start() throws Exception {
        cluster = SandboxCluster.builder().replicas(1).start();
        try (ServerSocket socket = new ServerSocket(0)) {
            pushPort = socket.getLocalPort();
        }
        String members = cluster.servers().stream().map(DbServer::hostPort).collect(Collectors.joining(","));
        String ini = """
                [defaults]
                application-user=%s
                application-password=%s
                application-port=3306
                connector-listen-address=127.0.0.1
                connector-managers=127.0.0.1:%d
                [alpha]
                master=%s
                members=%s
                """.formatted(cluster.appUser(), cluster.appPassword(), pushPort, cluster.primary().hostPort(), members);
        connector = ConnectorServer.start(ConnectorConfig.parse(ini, "restart.ini", "alpha").withApplicationPort(0));
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.shutdown(Duration.ofSeconds(2));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Manager startManager() throws java.io.IOException {
        List<DatasourceAddress> addresses = new ArrayList<>();
        for (DbServer s : cluster.servers()) {
            addresses.add(new DatasourceAddress(s.hostPort(), s.host(), s.port()));
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        return Manager.start(new ManagerSettings("alpha", addresses, cluster.primary().hostPort(), cluster.rootUser(),
                cluster.rootPassword(), "repl", "repl", false, Duration.ofMillis(200), Policy.MAINTENANCE,
                new InetSocketAddress(loopback, pushPort), null, "admin", "s3cret", Duration.ofSeconds(10), 3));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static boolean listed(Manager manager) {
        return manager.routers().stream().map(RouterInfo::display).anyMatch(line -> line.startsWith("connector@"));
    }

    @Test
    void theConnectorKeepsRoutingWithoutItsManagerAndSubscribesAgainWhenItReturns() throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + connector.port() + "/test";
        Manager first = startManager();
        long version;
        try {
            await("the connector subscribes", () -> connector.connectedManagers() == 1 && listed(first));
            version = connector.topology().holder().current().version();
        } finally {
            first.close();
        }
        await("the connector notices the manager is gone", () -> connector.connectedManagers() == 0);
        try (Connection c = DriverManager.getConnection(url, cluster.appUser(), cluster.appPassword());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@server_id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).as("routed on the last topology").isEqualTo(cluster.primary().serverId());
        }
        assertThat(connector.topology().holder().current().version()).isEqualTo(version);

        Manager second = startManager();
        try {
            await("the connector subscribes to the returning manager", () -> connector.connectedManagers() == 1
                    && listed(second));
            System.out.println("routers of the returning manager: "
                    + second.routers().stream().map(RouterInfo::display).toList());
        } finally {
            second.close();
        }
    }
}
