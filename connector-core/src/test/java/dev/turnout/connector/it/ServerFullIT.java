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
 * Issue 11, item 6: a login through the connector that cannot get a backend because the primary
 * is full gets the server's own error (1040 "Too many connections", SQLSTATE 08004), as a direct
 * login does, with both drivers. A primary of its own, at {@code max_connections=10}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(SandboxExtension.class)
class ServerFullIT {

    private static SandboxCluster cluster;
    private static ConnectorServer connector;

    @BeforeAll
    static void start(SandboxCluster shared) throws Exception {
        cluster = SandboxCluster.builder()
                .replicas(0)
                .maxConnections(10)
                .appUser(shared.appUser(), shared.appPassword())
                .start();
        connector = ConnectorHarness.start(cluster, "");
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

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aLoginToAFullPrimaryGetsTheServersTooManyConnections(Driver driver) throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            SQLException direct = null;
            for (int i = 0; i < 20 && direct == null; i++) {
                try {
                    held.add(driver.connect(cluster.primary().port(), cluster.appUser(), cluster.appPassword(), ""));
                } catch (SQLException e) {
                    direct = e;
                }
            }
            assertThat((Object) direct)
                    .as("the primary fills up within 20 connections")
                    .isNotNull();
            assertThat(direct.getErrorCode()).isEqualTo(1040);

            SQLException through = SqlErrors.thrownBy(
                    () -> driver.connect(connector.port(), cluster.appUser(), cluster.appPassword(), "")
                            .close());

            assertThat(through.getErrorCode()).isEqualTo(1040);
            assertThat(through.getSQLState()).isEqualTo("08004");
            assertThat(through.getMessage()).contains("Too many connections");
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
        // With room again, logins through the connector work.
        try (Connection c = driver.connect(connector.port(), cluster.appUser(), cluster.appPassword(), "")) {
            assertThat(ConnectorHarness.queryLong(c, "SELECT 1")).isEqualTo(1);
        }
    }
}
