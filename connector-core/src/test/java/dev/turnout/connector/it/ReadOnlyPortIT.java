package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.ConnectorStartException;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code application-readonly-port}: a second listener on the listen address whose sessions log in
 * and run statements like those of {@code application-port}, and that shutdown closes too.
 */
@Timeout(60)
@ExtendWith(SandboxExtension.class)
class ReadOnlyPortIT {

    private static SandboxCluster cluster;
    private static ConnectorServer connector;

    @BeforeAll
    static void startConnector(SandboxCluster sandbox) throws Exception {
        cluster = sandbox;
        connector = ConnectorHarness.start(cluster, "", config -> config.withReadOnlyPort(0));
    }

    @AfterAll
    static void stopConnector() {
        if (connector != null) {
            connector.shutdown(Duration.ofSeconds(2));
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void bothPortsAcceptLoginsAndRunQueries(Driver driver) throws Exception {
        try (Connection readWrite = driver.connect(connector.port(), cluster.appUser(), cluster.appPassword(), "");
                Connection readOnly =
                        driver.connect(connector.readOnlyPort(), cluster.appUser(), cluster.appPassword(), "")) {
            assertThat(ConnectorHarness.queryLong(readWrite, "select @@server_id"))
                    .isEqualTo(cluster.primary().serverId());
            assertThat(ConnectorHarness.queryLong(readOnly, "select @@server_id"))
                    .isIn(cluster.servers().stream()
                            .map(server -> (long) server.serverId())
                            .toList());
            assertThat(ConnectorHarness.queryLong(
                            readOnly,
                            "select count(*) from information_schema.tables"
                                    + " where table_schema = 'information_schema'"))
                    .isPositive();
            assertThat(readOnly.getMetaData().getDatabaseProductVersion()).endsWith("-turnout");
        }
    }

    @Test
    void theReportedReadOnlyPortIsBoundAndAnswersWithTheConnectorsGreeting() throws Exception {
        int port = connector.readOnlyPort();

        assertThat(port).isPositive().isNotEqualTo(connector.port());
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] header = new byte[5];
            in.readFully(header);
            assertThat(header[3]).as("sequence id of the greeting").isZero();
            assertThat(header[4]).as("protocol version of HandshakeV10").isEqualTo((byte) 10);
        }
    }

    @Test
    void aConnectorWithoutReadOnlyPortReportsNone() throws Exception {
        try (ConnectorServer plain = ConnectorHarness.start(cluster)) {
            assertThat(plain.readOnlyPort()).isEqualTo(-1);
        }
    }

    @Test
    void shutdownClosesBothListeners() throws Exception {
        ConnectorServer stopping = ConnectorHarness.start(cluster, "", config -> config.withReadOnlyPort(0));
        int port = stopping.port();
        int readOnlyPort = stopping.readOnlyPort();
        try (Connection readOnly = Driver.MARIADB.connect(readOnlyPort, cluster.appUser(), cluster.appPassword(), "")) {
            assertThat(ConnectorHarness.queryLong(readOnly, "select 1")).isEqualTo(1);
        }

        stopping.shutdown(Duration.ofSeconds(1));

        for (int closed : new int[] {port, readOnlyPort}) {
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), closed).close())
                    .as("port %d after shutdown", closed)
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aReadOnlyPortThatIsTakenStopsTheStartNamingTheAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> ConnectorHarness.start(
                            cluster, "", config -> config.withReadOnlyPort(taken.getLocalPort())))
                    .isInstanceOf(ConnectorStartException.class)
                    .hasMessageContaining("cannot listen on /127.0.0.1:" + taken.getLocalPort());
        }
    }
}
