package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bridge mode at the edges of a connection's life: a datasource that cannot be reached is reported
 * to the client as error 1218 in place of the server's greeting, within
 * {@code connector-connect-timeout}; on shutdown, bridged connections get the shutdown grace and
 * are then closed, on both sides.
 */
@Timeout(60)
@ExtendWith(SandboxExtension.class)
class BridgeLifecycleIT {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Allowance for the client's own connect on a loaded machine. */
    private static final Duration MARGIN = Duration.ofMillis(1000);

    /** A bridge-mode connector whose master and only replica listen on {@code masterPort} and {@code replicaPort}. */
    private static ConnectorServer bridgeInFrontOf(int masterPort, int replicaPort) throws Exception {
        String text = """
                [defaults]
                application-user=app
                application-password=secret
                application-port=3306
                connector-listen-address=127.0.0.1
                connector-connect-timeout=%dms
                connector-worker-threads=1
                connector-bridge-mode=true
                [alpha]
                master=127.0.0.1:%d
                members=127.0.0.1:%d,127.0.0.1:%d
                """.formatted(CONNECT_TIMEOUT.toMillis(), masterPort, masterPort, replicaPort);
        return ConnectorServer.start(ConnectorConfig.parse(text, "bridge.ini", "alpha")
                .withApplicationPort(0)
                .withReadOnlyPort(0));
    }

    /** A port nothing listens on: bound once to find it free, then closed. */
    private static int closedPort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aDatasourceThatRefusesConnectionsIsReportedAtOnceOnEitherPort(Driver driver) throws Exception {
        int master = closedPort();
        int replica = closedPort();
        try (ConnectorServer connector = bridgeInFrontOf(master, replica)) {
            long start = System.nanoTime();
            SQLException noPrimary = SqlErrors.thrownBy(() -> driver.connect(connector.port(), "app", "secret", ""));
            SQLException noReplica =
                    SqlErrors.thrownBy(() -> driver.connect(connector.readOnlyPort(), "app", "secret", ""));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertUnreachable(
                    noPrimary,
                    "no primary available for dataservice alpha (127.0.0.1:" + master + ": connection refused)");
            assertUnreachable(
                    noReplica,
                    "no replica available for dataservice alpha (127.0.0.1:" + replica + ": connection refused)");
            assertThat(elapsed).isLessThan(CONNECT_TIMEOUT.plus(MARGIN));
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aDatasourceThatNeverSpeaksIsReportedWhenTheConnectTimeoutFires(Driver driver) throws Exception {
        // Accepts TCP connections (the kernel completes them into the backlog) but never writes:
        // only the connector's connect timeout can end the wait for the greeting.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ConnectorServer connector = bridgeInFrontOf(silent.getLocalPort(), closedPort())) {
            long start = System.nanoTime();
            SQLException refused = SqlErrors.thrownBy(() -> driver.connect(connector.port(), "app", "secret", ""));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertUnreachable(
                    refused,
                    "no primary available for dataservice alpha (127.0.0.1:" + silent.getLocalPort()
                            + ": connect timed out)");
            assertThat(elapsed)
                    .isGreaterThanOrEqualTo(CONNECT_TIMEOUT.minusMillis(50))
                    .isLessThan(CONNECT_TIMEOUT.plus(MARGIN));
        }
    }

    private static void assertUnreachable(SQLException refused, String message) {
        assertThat(refused.getMessage()).as("message of %s", refused).contains(message);
        assertThat(refused.getErrorCode()).as("error code of %s", refused).isEqualTo(1218);
    }

    @Test
    void shutdownLetsBridgedSessionsRunForTheGraceThenClosesThemOnBothSides(SandboxCluster cluster) throws Exception {
        Duration grace = Duration.ofMillis(1500);
        ConnectorServer connector = ConnectorHarness.start(cluster, "connector-bridge-mode=true\n", config -> config);
        try (Connection session =
                Driver.MARIADB.connect(connector.port(), cluster.appUser(), cluster.appPassword(), "")) {
            long threadId = ConnectorHarness.queryLong(session, "select connection_id()");
            assertThat(connector.activeSessions()).isEqualTo(1);

            long start = System.nanoTime();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> connector.shutdown(grace));
            // Within the grace, the bridged session still works: the connector cannot see its statement boundaries.
            assertThat(ConnectorHarness.queryLong(session, "select sleep(0.3)")).isZero();
            stopping.get(10, TimeUnit.SECONDS);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertThat(elapsed).isGreaterThanOrEqualTo(grace.minusMillis(50));
            assertThat(session.isValid(2))
                    .as("the client connection after shutdown")
                    .isFalse();
            assertThat(PrimaryThreads.awaitGone(cluster.primary(), threadId, Duration.ofSeconds(5)))
                    .as("the server thread %d after shutdown", threadId)
                    .isTrue();
        } finally {
            connector.shutdown(Duration.ZERO);
        }
    }
}
