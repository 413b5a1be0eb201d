package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConnectorSmokeIT {

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    @ParameterizedTest
    @EnumSource(ConnectorHarness.Driver.class)
    void answersFromThePrimary(ConnectorHarness.Driver driver) throws Exception {
        try (Connection connection = turnout.connect(driver, "")) {
            assertThat(ConnectorHarness.queryLong(connection, "select @@server_id"))
                    .isEqualTo(turnout.primaryServerId());
            assertThat(connection.getMetaData().getDatabaseProductVersion()).endsWith("-turnout");
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorHarness.Driver.class)
    void endsBackendConnectionsWithComQuitSoTheServerCountsNoAbortedClient(ConnectorHarness.Driver driver)
            throws Exception {
        long before = abortedClients();
        for (int i = 0; i < 10; i++) {
            try (Connection connection = turnout.connect(driver, "")) {
                ConnectorHarness.queryLong(connection, "select 1");
            }
        }
        Thread.sleep(200);
        assertThat(abortedClients()).isEqualTo(before);
    }

    private static long abortedClients() throws Exception {
        try (Connection root = turnout.cluster().primary().rootConnection();
                var rs = root.createStatement().executeQuery("show global status like 'Aborted_clients'")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
