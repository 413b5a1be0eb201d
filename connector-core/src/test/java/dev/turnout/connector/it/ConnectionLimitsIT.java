package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11, item 6: {@code connector-max-connections} and {@code connector-max-user-connections}
 * refuse a connection beyond them with the server's own errors — 1040 "Too many connections"
 * (SQLSTATE 08004) and 1203 "User … already has more than 'max_user_connections' active
 * connections" (SQLSTATE 42000) — with both drivers, and take connections again once some closed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ExtendWith(SandboxExtension.class)
class ConnectionLimitsIT {

    private static SandboxCluster cluster;
    private static ConnectorServer total;
    private static ConnectorServer perUser;
    private static ConnectorServer bridge;

    @BeforeAll
    static void start(SandboxCluster sandbox) throws Exception {
        cluster = sandbox;
        total = ConnectorHarness.start(cluster, "connector-max-connections=3\n", c -> c.withReadOnlyPort(0));
        perUser = ConnectorHarness.start(cluster, "connector-max-user-connections=2\n");
        bridge = ConnectorHarness.start(cluster, "connector-bridge-mode=true\nconnector-max-connections=1\n");
    }

    @AfterAll
    static void stop() {
        for (ConnectorServer server : new ConnectorServer[] {total, perUser, bridge}) {
            if (server != null) {
                server.shutdown(Duration.ofSeconds(2));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aConnectionBeyondConnectorMaxConnectionsGetsTooManyConnections(Driver driver) throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            held.add(driver.connect(total.port(), cluster.appUser(), cluster.appPassword(), ""));
            held.add(driver.connect(total.readOnlyPort(), cluster.appUser(), cluster.appPassword(), ""));
            held.add(driver.connect(total.port(), cluster.appUser(), cluster.appPassword(), ""));

            for (int port : new int[] {total.port(), total.readOnlyPort()}) {
                SQLException refused =
                        SqlErrors.thrownBy(() -> driver.connect(port, cluster.appUser(), cluster.appPassword(), "")
                                .close());
                assertThat(refused.getErrorCode()).as("on port %d", port).isEqualTo(1040);
                assertThat(refused.getSQLState()).isEqualTo("08004");
                assertThat(refused.getMessage()).contains("Too many connections");
            }
            for (Connection c : held) {
                assertThat(ConnectorHarness.queryLong(c, "SELECT 1")).isEqualTo(1);
            }
            held.remove(0).close();
            try (Connection again = connectWhenRoomAgain(driver, total.port())) {
                assertThat(ConnectorHarness.queryLong(again, "SELECT 1")).isEqualTo(1);
            }
        } finally {
            closeAll(held);
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aLoginBeyondConnectorMaxUserConnectionsGetsTheServersPerUserError(Driver driver) throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            held.add(driver.connect(perUser.port(), cluster.appUser(), cluster.appPassword(), ""));
            held.add(driver.connect(perUser.port(), cluster.appUser(), cluster.appPassword(), ""));

            SQLException refused = SqlErrors.thrownBy(
                    () -> driver.connect(perUser.port(), cluster.appUser(), cluster.appPassword(), "")
                            .close());

            assertThat(refused.getErrorCode()).isEqualTo(1203);
            assertThat(refused.getSQLState()).isEqualTo("42000");
            assertThat(refused.getMessage())
                    .contains("User " + cluster.appUser()
                            + " already has more than 'max_user_connections' active connections");
            held.remove(0).close();
            try (Connection again = connectWhenRoomAgain(driver, perUser.port())) {
                assertThat(ConnectorHarness.queryLong(again, "SELECT 1")).isEqualTo(1);
            }
        } finally {
            closeAll(held);
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void inBridgeModeTooAConnectionBeyondTheTotalGetsTooManyConnections(Driver driver) throws Exception {
        try (Connection held = driver.connect(bridge.port(), cluster.appUser(), cluster.appPassword(), "")) {
            SQLException refused =
                    SqlErrors.thrownBy(() -> driver.connect(bridge.port(), cluster.appUser(), cluster.appPassword(), "")
                            .close());

            assertThat(refused.getErrorCode()).isEqualTo(1040);
            assertThat(refused.getSQLState()).isEqualTo("08004");
            assertThat(ConnectorHarness.queryLong(held, "SELECT 1")).isEqualTo(1);
        }
    }

    /** A new session, retried (at most 10 s) while the connector has not yet seen a closed one go. */
    private static Connection connectWhenRoomAgain(Driver driver, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return driver.connect(port, cluster.appUser(), cluster.appPassword(), "");
            } catch (SQLException e) {
                if ((e.getErrorCode() != 1040 && e.getErrorCode() != 1203) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    private static void closeAll(List<Connection> connections) throws SQLException {
        for (Connection c : connections) {
            c.close();
        }
    }
}
