package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code turnout connector} command in a child JVM (the test JVM's classpath): SIGTERM lets
 * a running statement finish, refuses new connections and exits 0 within
 * {@code connector-shutdown-timeout}; a bad configuration file exits non-zero naming file and line.
 */
@ExtendWith(SandboxExtension.class)
@Timeout(120)
class ConnectorProcessIT {

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /** Allowance for the JVM's own exit and a loaded machine. */
    private static final Duration EXIT_MARGIN = Duration.ofSeconds(5);

    private static SandboxCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void start(SandboxCluster sandbox) {
        cluster = sandbox;
    }

    @Test
    void sigtermLetsTheRunningStatementFinishRefusesNewConnectionsAndExitsZero() throws Exception {
        int port = freePort();
        Path config = Files.writeString(dir.resolve("tungsten.ini"), configuration(port));
        Path log = dir.resolve("connector.log");
        Process connector = launch(log, "connector", "--config", config.toString());
        try {
            awaitListening(connector, port, log);
            try (Connection connection = connect(port)) {
                long backendThread = queryLong(connection, "select connection_id()");
                CompletableFuture<Long> sleeping = CompletableFuture.supplyAsync(() -> {
                    try {
                        return queryLong(connection, "select sleep(2)");
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                });
                awaitRunning(cluster.primary(), backendThread);

                long terminated = System.nanoTime();
                connector.destroy(); // SIGTERM

                assertThat(awaitRefused(port, Duration.ofSeconds(2)))
                        .as("new connections are refused")
                        .isTrue();
                assertThat(sleeping)
                        .as("the running statement still runs once the listener is closed")
                        .isNotDone();
                assertThat(sleeping.get(10, TimeUnit.SECONDS))
                        .as("select sleep(2) completed normally")
                        .isZero();
                assertThat(connector.waitFor(SHUTDOWN_TIMEOUT.plus(EXIT_MARGIN).toMillis(), TimeUnit.MILLISECONDS))
                        .as("the connector exited; its output:%n%s", output(log))
                        .isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - terminated))
                        .isLessThan(SHUTDOWN_TIMEOUT.plus(EXIT_MARGIN));
                assertThat(connector.exitValue())
                        .as("exit status; output:%n%s", output(log))
                        .isZero();
            }
            assertThat(output(log)).contains("connector stopped");
        } finally {
            stop(connector);
        }
    }

    @Test
    void aBadConfigurationFileExitsNonZeroNamingTheFileAndLine() throws Exception {
        String text = configuration(freePort()).replace("connector-listen-address=", "conector-listen-address=");
        int line = lineOf(text, "conector-listen-address=");
        Path config = Files.writeString(dir.resolve("bad.ini"), text);
        Path log = dir.resolve("bad.log");
        Process connector = launch(log, "connector", "--config", config.toString());
        try {
            assertThat(connector.waitFor(60, TimeUnit.SECONDS))
                    .as("the connector exited")
                    .isTrue();
            assertThat(connector.exitValue()).isNotZero();
            assertThat(output(log)).contains(config + ":" + line + ": conector-listen-address: unknown key");
        } finally {
            stop(connector);
        }
    }

    private static String configuration(int port) {
        String members = cluster.servers().stream().map(DbServer::hostPort).collect(Collectors.joining(","));
        return """
                [defaults]
                application-user=%s
                application-password=%s
                application-port=%d
                connector-listen-address=127.0.0.1
                connector-connect-timeout=3s
                connector-shutdown-timeout=%ds
                connector-worker-threads=1
                [alpha]
                master=%s
                members=%s
                """.formatted(
                        cluster.appUser(),
                        cluster.appPassword(),
                        port,
                        SHUTDOWN_TIMEOUT.toSeconds(),
                        cluster.primary().hostPort(),
                        members);
    }

    private static int lineOf(String text, String prefix) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException(prefix);
    }

    /** Runs {@code dev.turnout.cli.Turnout} with this JVM's classpath; stdout and stderr go to {@code log}. */
    private static Process launch(Path log, String... args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(
                java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), Turnout.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static void stop(Process process) throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String output(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static Connection connect(int port) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:mariadb://127.0.0.1:" + port + "/test?connectTimeout=5000&socketTimeout=30000",
                cluster.appUser(),
                cluster.appPassword());
    }

    /** Waits (at most 60 s) until the connector answers a login on {@code port}. */
    private static void awaitListening(Process connector, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(connector.isAlive())
                    .as("the connector is running; its output:%n%s", output(log))
                    .isTrue();
            try (Connection connection = connect(port)) {
                assertThat(queryLong(connection, "select @@server_id"))
                        .isEqualTo(cluster.primary().serverId());
                return;
            } catch (SQLException e) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError(
                "the connector did not listen on " + port + " within 60 s; its output:\n" + output(log));
    }

    /** Whether a TCP connection to {@code port} is refused within {@code timeout}. */
    private static boolean awaitRefused(int port, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Throwable failure = catchThrowable(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                }
            });
            if (failure instanceof ConnectException) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static void awaitRunning(DbServer server, long threadId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (Connection root = server.rootConnection();
                    PreparedStatement statement = root.prepareStatement(
                            "select count(*) from information_schema.processlist where id = ? and info is not null")) {
                statement.setLong(1, threadId);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the statement did not start on the primary");
    }

    private static long queryLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
