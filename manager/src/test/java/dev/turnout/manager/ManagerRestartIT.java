package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.push.RouterInfo;
import dev.turnout.routing.topology.Policy;
import dev.turnout.sandbox.SandboxCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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

    private static ManagedCluster managed;
    private static int pushPort;

    @BeforeAll
    static void start() throws Exception {
        pushPort = ManagedCluster.freePort();
        managed = new ManagedCluster(
                SandboxCluster.builder().replicas(1).start(), Policy.MAINTENANCE, Duration.ofMillis(200), pushPort, "");
    }

    @AfterAll
    static void stop() {
        if (managed != null) {
            managed.close();
        }
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
        ConnectorServer connector = managed.connector;
        SandboxCluster cluster = managed.cluster;
        Manager first = managed.manager;
        await("the manager lists the connector", () -> listed(first));
        // Listed once its hello arrived; the manager's snapshot reaches the connector just after.
        await(
                "the connector has the manager's topology",
                () -> connector.topology().holder().current().version()
                        >= first.topology().version());
        long version = connector.topology().holder().current().version();
        first.close();
        managed.manager = null;
        await("the connector notices the manager is gone", () -> connector.connectedManagers() == 0);
        try (Connection c = DriverManager.getConnection(managed.url(), cluster.appUser(), cluster.appPassword());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT @@server_id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1))
                    .as("routed on the last topology")
                    .isEqualTo(cluster.primary().serverId());
        }
        assertThat(connector.topology().holder().current().version()).isEqualTo(version);

        Manager second = managed.startManager(Policy.MAINTENANCE, Duration.ofMillis(200), pushPort);
        managed.manager = second;
        await(
                "the connector subscribes to the returning manager",
                () -> connector.connectedManagers() == 1 && listed(second));
        System.out.println("routers of the returning manager: "
                + second.routers().stream().map(RouterInfo::display).toList());
    }
}
