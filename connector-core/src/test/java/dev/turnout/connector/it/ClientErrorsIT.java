package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.push.ConnectorState;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The connector's refusals reach every client as errors it can read: the {@code mariadb}
 * command-line client (libmariadb, which takes a server ERR with a client-library code, or one out
 * of sequence, for a malformed packet: it printed {@code ERROR 2027 (HY000): Received malformed
 * packet} for all of these before issue 12) and both JDBC drivers. An OFFLINE connector refuses in
 * place of its greeting, as a server does; a primary that refuses connections or whose host name
 * does not resolve is reported as "no primary available" naming why, within
 * {@code connector-connect-timeout}. No database server is involved.
 */
@Timeout(120)
class ClientErrorsIT {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Allowance for the client's own start and handshake on a loaded machine. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    private static ConnectorServer connectorInFrontOf(String master) throws Exception {
        String text = """
                [defaults]
                application-user=app
                application-password=secret
                application-port=3306
                connector-listen-address=127.0.0.1
                connector-connect-timeout=%dms
                connector-worker-threads=1
                [alpha]
                master=%s
                members=%s
                """.formatted(CONNECT_TIMEOUT.toMillis(), master, master);
        return ConnectorServer.start(
                ConnectorConfig.parse(text, "errors.ini", "alpha").withApplicationPort(0));
    }

    /**
     * A port that refuses connections for as long as the test holds it: a socket bound to it that
     * does not listen (a port found free and closed again could be taken by another process).
     */
    private static Socket refusingPort() throws Exception {
        Socket holder = new Socket();
        holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return holder;
    }

    @Test
    void theMariaDbClientReadsTheOfflineRefusal() throws Exception {
        try (Socket refusing = refusingPort();
                ConnectorServer connector = connectorInFrontOf("127.0.0.1:" + refusing.getLocalPort())) {
            connector.state(ConnectorState.OFFLINE);

            String output = mariadbClient(connector.port());

            assertThat(output)
                    .doesNotContain("2027")
                    .contains("ERROR 1218 (HY000): connector is OFFLINE: a manager set it so");
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void theDriversReadTheOfflineRefusal(Driver driver) throws Exception {
        try (Socket refusing = refusingPort();
                ConnectorServer connector = connectorInFrontOf("127.0.0.1:" + refusing.getLocalPort())) {
            connector.state(ConnectorState.OFFLINE);

            SQLException refused = SqlErrors.thrownBy(() -> driver.connect(connector.port(), "app", "secret", ""));

            assertThat(refused.getErrorCode()).as("error code of %s", refused).isEqualTo(1218);
            assertThat(refused.getMessage()).contains("connector is OFFLINE").doesNotContain("#08");
        }
    }

    @Test
    void theMariaDbClientReadsThatThereIsNoPrimary() throws Exception {
        try (Socket refusing = refusingPort();
                ConnectorServer connector = connectorInFrontOf("127.0.0.1:" + refusing.getLocalPort())) {
            int port = refusing.getLocalPort();
            String output = mariadbClient(connector.port());

            assertThat(output)
                    .doesNotContain("2027")
                    .contains("ERROR 1218 (08001): no primary available for dataservice alpha (127.0.0.1:" + port
                            + ": connection refused)");
        }
    }

    @Test
    void theMariaDbClientReadsThatThePrimarysHostNameDoesNotResolve() throws Exception {
        try (ConnectorServer connector = connectorInFrontOf("no-such-host.invalid:3306")) {
            long start = System.nanoTime();
            String output = mariadbClient(connector.port());
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertThat(output)
                    .contains(
                            "ERROR 1218 (08001): no primary available for dataservice alpha"
                                    + " (no-such-host.invalid:3306: unknown host no-such-host.invalid (the name does not resolve))");
            assertThat(elapsed).isLessThan(CONNECT_TIMEOUT.plus(MARGIN));
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aPrimaryWhoseHostNameDoesNotResolveIsReportedWithinTheConnectTimeout(Driver driver) throws Exception {
        try (ConnectorServer connector = connectorInFrontOf("no-such-host.invalid:3306")) {
            for (int attempt = 0; attempt < 2; attempt++) {
                long start = System.nanoTime();
                SQLException refused = SqlErrors.thrownBy(() -> driver.connect(connector.port(), "app", "secret", ""));
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

                assertThat(refused.getErrorCode())
                        .as("error code of %s", refused)
                        .isEqualTo(1218);
                assertThat(refused.getSQLState()).as("SQLSTATE of %s", refused).isEqualTo("08001");
                assertThat(refused.getMessage()).contains("unknown host no-such-host.invalid");
                assertThat(elapsed).isLessThan(CONNECT_TIMEOUT.plus(MARGIN));
            }
        }
    }

    /** Runs {@code mariadb -e 'select 1'} against the connector (skipped without the client) and returns its output. */
    private static String mariadbClient(int port) throws Exception {
        Path client = onPath("mariadb");
        assumeTrue(client != null, "the mariadb command-line client is not installed");
        Process process = new ProcessBuilder(List.of(
                        client.toString(),
                        "--no-defaults",
                        "--skip-ssl",
                        "--protocol=TCP",
                        "-h127.0.0.1",
                        "-P" + port,
                        "-uapp",
                        "-psecret",
                        "-e",
                        "select 1"))
                .redirectErrorStream(true)
                .start();
        try {
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("mariadb exited")
                    .isTrue();
            assertThat(process.exitValue()).as("exit code; output: %s", output).isNotZero();
            return output;
        } finally {
            process.destroyForcibly();
        }
    }

    private static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        return null;
    }
}
