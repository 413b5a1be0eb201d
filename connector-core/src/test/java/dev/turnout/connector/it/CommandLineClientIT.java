package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code mariadb} command-line client (libmariadb, a C client with its own protocol code)
 * through the connector. Skipped when no {@code mariadb} executable is on the PATH.
 */
@ExtendWith(SandboxExtension.class)
@Timeout(60)
class CommandLineClientIT {

    private static final long PROCESS_TIMEOUT_SECONDS = 30;

    private static SandboxCluster cluster;
    private static ConnectorServer connector;
    private static Path client;

    @BeforeAll
    static void start(SandboxCluster sandbox) throws Exception {
        Optional<Path> found = onPath("mariadb");
        Assumptions.assumeTrue(found.isPresent(), "no 'mariadb' command-line client on the PATH");
        client = found.get();
        cluster = sandbox;
        connector = ConnectorHarness.start(cluster);
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.shutdown(Duration.ofSeconds(2));
        }
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** What a finished client process left behind. */
    private record Outcome(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs the client against the connector with {@code password} and {@code extraArguments},
     * feeding it {@code stdin}; the process is killed if it outlives the timeout.
     */
    private static Outcome run(String password, String stdin, String... extraArguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(client.toString(), "--no-defaults",
                // The connector offers TLS only when it has a certificate; this one has none.
                "--skip-ssl", "--protocol=TCP", "-h127.0.0.1", "-P" + connector.port(),
                "-u" + cluster.appUser(), "-p" + password, "-N", "test"));
        command.addAll(List.of(extraArguments));
        Path out = Files.createTempFile("turnout-it-cli", ".out");
        Path err = Files.createTempFile("turnout-it-cli", ".err");
        Process process = null;
        try {
            process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            boolean exited = process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(exited).as("mariadb client exited within %d s", PROCESS_TIMEOUT_SECONDS).isTrue();
            return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            if (process != null && process.isAlive()) {
                ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
                process.waitFor(5, TimeUnit.SECONDS);
            }
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover temporary file must not hide the test's outcome.
        }
    }

    @Test
    void printsThePrimarysServerId() throws Exception {
        Outcome outcome = run(cluster.appPassword(), "", "-e", "select @@server_id");
        assertThat(outcome.exitCode()).as("exit code; stderr: %s", outcome.stderr()).isZero();
        assertThat(outcome.stdout().strip()).isEqualTo(Long.toString(cluster.primary().serverId()));
    }

    @Test
    void runsAScriptFromStandardInput() throws Exception {
        String script = """
                drop table if exists clit_script;
                create table clit_script (id int primary key, v varchar(10));
                insert into clit_script values (1, 'a'), (2, 'b');
                update clit_script set v = 'c' where id = 2;
                select id, v from clit_script order by id;
                select @@server_id; select count(*) from clit_script;
                drop table clit_script;
                """;
        Outcome outcome = run(cluster.appPassword(), script);
        assertThat(outcome.exitCode()).as("exit code; stderr: %s", outcome.stderr()).isZero();
        assertThat(outcome.stdout().lines().toList())
                .containsExactly("1\ta", "2\tc", Long.toString(cluster.primary().serverId()), "2");
    }

    @Test
    void reportsAStatementErrorAndStops() throws Exception {
        Outcome outcome = run(cluster.appPassword(), "select 1;\nselect * from clit_no_such_table;\nselect 2;\n");
        assertThat(outcome.exitCode()).isNotZero();
        assertThat(outcome.stdout().lines().toList()).containsExactly("1");
        assertThat(outcome.stderr()).contains("ERROR 1146 (42S02)");
    }

    @Test
    void refusesAWrongPassword() throws Exception {
        Outcome outcome = run("not-the-password", "", "-e", "select 1");
        assertThat(outcome.exitCode()).isNotZero();
        assertThat(outcome.stdout()).isEmpty();
        assertThat(outcome.stderr()).contains("ERROR 1045 (28000)");
    }
}
