package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.routing.topology.Policy;
import dev.turnout.sandbox.SandboxCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code connector-without-managers=offline}: no manager reachable, no sessions; a manager back, sessions again. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManagerLossOfflineIT {

    private static ManagedCluster managed;
    private static int pushPort;

    @BeforeAll
    static void start() throws Exception {
        pushPort = ManagedCluster.freePort();
        managed = new ManagedCluster(
                SandboxCluster.builder().replicas(1).start(),
                Policy.MAINTENANCE,
                Duration.ofMillis(200),
                pushPort,
                "connector-without-managers=offline");
    }

    @AfterAll
    static void stop() {
        if (managed != null) {
            managed.close();
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(managed.url(), managed.cluster.appUser(), managed.cluster.appPassword());
    }

    @Test
    void theConnectorRefusesSessionsWhileNoManagerIsReachable() throws Exception {
        try (Connection c = connect()) {
            assertThat(c.isValid(2)).isTrue();
        }
        managed.manager.close();
        managed.manager = null;
        long lost = System.nanoTime();
        SQLException refused = null;
        while (refused == null) {
            assertThat(System.nanoTime() - lost)
                    .as("OFFLINE within the 2 s grace and a check")
                    .isLessThan(TimeUnit.SECONDS.toNanos(10));
            try (Connection c = connect()) {
                Thread.sleep(200);
            } catch (SQLException e) {
                if (e.getMessage().contains("connector is OFFLINE")) {
                    refused = e;
                } else { // a login caught by the change of state, closed as at shutdown
                    System.out.println("during the change to OFFLINE: " + e.getMessage());
                }
            }
        }
        System.out.println("refused " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lost)
                + " ms after the manager" + " stopped: " + refused.getMessage());
        assertThat(refused.getMessage()).contains("connector is OFFLINE");

        managed.manager = managed.startManager(Policy.MAINTENANCE, Duration.ofMillis(200), pushPort);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try (Connection c = connect()) {
                assertThat(c.isValid(2)).isTrue();
                break;
            } catch (SQLException e) {
                assertThat(System.nanoTime())
                        .as("ONLINE again once the manager is back: %s", e.getMessage())
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }
}
