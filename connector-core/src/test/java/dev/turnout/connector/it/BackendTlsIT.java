package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.testkit.TestCertificates;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from the connector to the database servers ({@code connector-backend-ssl-mode}), against a
 * MariaDB server started with a certificate made for this test (IP 127.0.0.1, signed by a test CA)
 * and against the shared sandbox, whose servers run without TLS. Whether a session's backend
 * connection is TLS is asked of the server itself ({@code Ssl_cipher} of the session).
 */
@Timeout(180)
class BackendTlsIT {

    @TempDir
    static Path dir;

    /** The shared sandbox cluster (no TLS), with a connector the tests do not use. */
    @RegisterExtension
    static final ConnectorExtension plain = new ConnectorExtension();

    private static TestCertificates certificates;
    private static SandboxCluster tlsCluster;

    @BeforeAll
    static void startTlsServer() throws Exception {
        assumeTrue(TestCertificates.available(), "openssl is not installed: cannot make the test certificates");
        certificates = TestCertificates.make(dir);
        tlsCluster = SandboxCluster.builder()
                .replicas(0)
                .tls(certificates.certificate(), certificates.key())
                .start();
    }

    @AfterAll
    static void stopTlsServer() {
        if (tlsCluster != null) {
            tlsCluster.close();
        }
    }

    /** A connector in front of {@code server}, reached as {@code host}, with {@code settings}. */
    private static ConnectorServer connector(SandboxCluster cluster, String host, String settings) throws Exception {
        DbServer server = cluster.primary();
        String text = """
                [defaults]
                application-user=%s
                application-password=%s
                application-port=3306
                connector-listen-address=127.0.0.1
                connector-connect-timeout=3s
                connector-worker-threads=1
                %s
                [alpha]
                master=%s:%d
                members=%s:%d
                """.formatted(
                        cluster.appUser(), cluster.appPassword(), settings, host, server.port(), host, server.port());
        return ConnectorServer.start(
                ConnectorConfig.parse(text, "backend-tls.ini", "alpha").withApplicationPort(0));
    }

    private static Connection session(ConnectorServer connector, SandboxCluster cluster) throws SQLException {
        return Driver.MARIADB.connect(connector.port(), cluster.appUser(), cluster.appPassword(), "");
    }

    /** The cipher of the backend connection that serves {@code session}, as the server reports it ("" without TLS). */
    private static String backendCipher(Connection session) throws SQLException {
        return status(session, "Ssl_cipher");
    }

    private static String status(Connection session, String variable) throws SQLException {
        try (Statement statement = session.createStatement();
                ResultSet rs = statement.executeQuery("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS"
                        + " WHERE VARIABLE_NAME = '" + variable + "'")) {
            assertThat(rs.next()).as("a row for %s", variable).isTrue();
            return rs.getString(1);
        }
    }

    private static SQLException refusedLogin(ConnectorServer connector, SandboxCluster cluster) {
        return SqlErrors.thrownBy(() -> session(connector, cluster).close());
    }

    @Test
    void verifyFullAcceptsAServerWhoseCertificateNamesTheHostAndComesFromTheCa() throws Exception {
        String settings = "connector-backend-ssl-mode=verify-full\nconnector-backend-ssl-ca=" + certificates.ca();
        try (ConnectorServer connector = connector(tlsCluster, "127.0.0.1", settings);
                Connection session = session(connector, tlsCluster)) {
            assertThat(backendCipher(session)).isNotEmpty();
            assertThat(status(session, "Ssl_version")).isIn("TLSv1.3", "TLSv1.2");
            assertThat(ConnectorHarness.queryLong(session, "select @@server_id"))
                    .isEqualTo(tlsCluster.primary().serverId());
        }
    }

    @Test
    void verifyFullRefusesACertificateThatDoesNotNameTheHost() throws Exception {
        assumeTrue(
                InetAddress.getByName("localhost").isLoopbackAddress()
                        && InetAddress.getByName("localhost").getAddress().length == 4,
                "localhost does not resolve to 127.0.0.1 first here");
        String settings = "connector-backend-ssl-mode=verify-full\nconnector-backend-ssl-ca=" + certificates.ca();
        try (ConnectorServer connector = connector(tlsCluster, "localhost", settings)) {
            SQLException refused = refusedLogin(connector, tlsCluster);

            assertThat(refused.getErrorCode()).as("error code of %s", refused).isEqualTo(1218);
            assertThat(refused.getMessage())
                    .contains("no primary available for dataservice alpha (localhost:"
                            + tlsCluster.primary().port() + ": TLS failed: ")
                    .containsIgnoringCase("localhost");
        }
        // The same certificate and CA without the host name check: the name was the only problem.
        String verifyCa = "connector-backend-ssl-mode=verify-ca\nconnector-backend-ssl-ca=" + certificates.ca();
        try (ConnectorServer connector = connector(tlsCluster, "localhost", verifyCa);
                Connection session = session(connector, tlsCluster)) {
            assertThat(backendCipher(session)).isNotEmpty();
        }
    }

    @Test
    void verifyCaRefusesACertificateOfAnotherCa() throws Exception {
        String settings = "connector-backend-ssl-mode=verify-ca\nconnector-backend-ssl-ca=" + certificates.otherCa();
        try (ConnectorServer connector = connector(tlsCluster, "127.0.0.1", settings)) {
            SQLException refused = refusedLogin(connector, tlsCluster);

            assertThat(refused.getErrorCode()).as("error code of %s", refused).isEqualTo(1218);
            assertThat(refused.getMessage()).contains("TLS failed: ");
        }
    }

    @Test
    void requiredRefusesAServerWithoutTlsWithAClearError() throws Exception {
        SandboxCluster cluster = plain.cluster();
        try (ConnectorServer connector = connector(cluster, "127.0.0.1", "connector-backend-ssl-mode=required")) {
            SQLException refused = refusedLogin(connector, cluster);

            assertThat(refused.getErrorCode()).as("error code of %s", refused).isEqualTo(1218);
            assertThat(refused.getSQLState()).isEqualTo("08001");
            assertThat(refused.getMessage())
                    .contains("no primary available for dataservice alpha (127.0.0.1:"
                            + cluster.primary().port()
                            + ": TLS failed: the server offers no TLS (connector-backend-ssl-mode=required))");
        }
    }

    @Test
    void preferredUsesTlsWhenTheServerOffersItAndPlainTcpWhenItDoesNot() throws Exception {
        try (ConnectorServer connector = connector(tlsCluster, "127.0.0.1", "");
                Connection session = session(connector, tlsCluster)) {
            assertThat(backendCipher(session))
                    .as("TLS by default with a server that offers it")
                    .isNotEmpty();
        }
        SandboxCluster cluster = plain.cluster();
        try (ConnectorServer connector = connector(cluster, "127.0.0.1", "connector-backend-ssl-mode=preferred");
                Connection session = session(connector, cluster)) {
            assertThat(backendCipher(session)).isEmpty();
        }
    }

    @Test
    void disabledNeverUsesTls() throws Exception {
        try (ConnectorServer connector = connector(tlsCluster, "127.0.0.1", "connector-backend-ssl-mode=disabled");
                Connection session = session(connector, tlsCluster)) {
            assertThat(backendCipher(session)).isEmpty();
        }
    }

    @Test
    void aPooledConnectionKeepsItsTls() throws Exception {
        String settings = "connector-backend-ssl-mode=required\nconnector-backend-pool=2";
        try (ConnectorServer connector = connector(tlsCluster, "127.0.0.1", settings)) {
            long firstThread;
            try (Connection session =
                    Driver.MARIADB.connect(connector.port(), tlsCluster.appUser(), tlsCluster.appPassword(), "")) {
                firstThread = ConnectorHarness.queryLong(session, "select connection_id()");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                try (Connection session =
                        Driver.MARIADB.connect(connector.port(), tlsCluster.appUser(), tlsCluster.appPassword(), "")) {
                    if (ConnectorHarness.queryLong(session, "select connection_id()") == firstThread) {
                        assertThat(backendCipher(session)).isNotEmpty();
                        return;
                    }
                }
                assertThat(System.nanoTime())
                        .as("the pooled connection is taken again")
                        .isLessThan(deadline);
            }
        }
    }
}
