package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.sql.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(SandboxExtension.class)
class ConnectorSmokeIT {

    private static SandboxCluster cluster;
    private static ConnectorServer connector;

    @BeforeAll
    static void start(SandboxCluster sandbox) throws Exception {
        cluster = sandbox;
        connector = ConnectorHarness.start(cluster);
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.shutdown(java.time.Duration.ofSeconds(2));
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorHarness.Driver.class)
    void answersFromThePrimary(ConnectorHarness.Driver driver) throws Exception {
        try (Connection connection = driver.connect(connector.port(), cluster.appUser(), cluster.appPassword(), "")) {
            assertThat(ConnectorHarness.queryLong(connection, "select @@server_id")).isEqualTo(cluster.primary().serverId());
            assertThat(connection.getMetaData().getDatabaseProductVersion()).endsWith("-turnout");
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorHarness.Driver.class)
    void endsBackendConnectionsWithComQuitSoTheServerCountsNoAbortedClient(ConnectorHarness.Driver driver) throws Exception {
        long before = abortedClients();
        for (int i = 0; i < 10; i++) {
            try (Connection connection = driver.connect(connector.port(), cluster.appUser(), cluster.appPassword(), "")) {
                ConnectorHarness.queryLong(connection, "select 1");
            }
        }
        Thread.sleep(200);
        assertThat(abortedClients()).isEqualTo(before);
    }

    private static long abortedClients() throws Exception {
        try (Connection root = cluster.primary().rootConnection();
                var rs = root.createStatement().executeQuery("show global status like 'Aborted_clients'")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
