package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * "Nothing hangs": when the primary cannot be reached, a client gets 1218/08001 naming the
 * dataservice, at once for a refused connection and within {@code connector-connect-timeout} for
 * a primary that accepts TCP connections but never answers. No database server is involved.
 */
@Timeout(60)
class UnreachablePrimaryIT {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Allowance for the client's own handshake with the connector on a loaded machine. */
    private static final Duration MARGIN = Duration.ofMillis(1000);

    private static ConnectorServer connectorInFrontOf(int primaryPort) throws Exception {
        String text = """
                [defaults]
                application-user=app
                application-password=secret
                application-port=3306
                connector-listen-address=127.0.0.1
                connector-connect-timeout=%dms
                connector-worker-threads=1
                [alpha]
                master=127.0.0.1:%d
                members=127.0.0.1:%d
                """.formatted(CONNECT_TIMEOUT.toMillis(), primaryPort, primaryPort);
        return ConnectorServer.start(
                ConnectorConfig.parse(text, "unreachable.ini", "alpha").withApplicationPort(0));
    }

    /** A port nothing listens on: bound once to find it free, then closed. */
    private static int closedPort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aPrimaryThatRefusesConnectionsIsReportedAtOnce(Driver driver) throws Exception {
        int port = closedPort();
        try (ConnectorServer connector = connectorInFrontOf(port)) {
            for (int attempt = 0; attempt < 2; attempt++) {
                long start = System.nanoTime();
                SQLException refused = SqlErrors.thrownBy(() -> driver.connect(connector.port(), "app", "secret", ""));
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

                assertNoPrimary(refused, "127.0.0.1:" + port + ": connection refused");
                assertThat(elapsed).isLessThan(CONNECT_TIMEOUT.plus(MARGIN));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aPrimaryThatNeverAnswersIsReportedWhenTheConnectTimeoutFires(Driver driver) throws Exception {
        // Accepts TCP connections (the kernel completes them into the backlog) but never reads or
        // writes: only the connector's connect timeout can end the wait for the greeting.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ConnectorServer connector = connectorInFrontOf(silent.getLocalPort())) {
            for (int attempt = 0; attempt < 2; attempt++) {
                long start = System.nanoTime();
                SQLException refused = SqlErrors.thrownBy(() -> driver.connect(connector.port(), "app", "secret", ""));
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

                assertNoPrimary(refused, "127.0.0.1:" + silent.getLocalPort() + ": connect timed out");
                assertThat(elapsed)
                        .isGreaterThanOrEqualTo(CONNECT_TIMEOUT.minusMillis(50))
                        .isLessThan(CONNECT_TIMEOUT.plus(MARGIN));
            }
        }
    }

    private static void assertNoPrimary(SQLException refused, String detail) {
        assertThat(refused.getErrorCode()).as("error code of %s", refused).isEqualTo(1218);
        assertThat(refused.getSQLState()).as("SQLSTATE of %s", refused).isEqualTo("08001");
        assertThat(refused.getMessage()).contains("no primary available for dataservice alpha (" + detail + ")");
    }
}
