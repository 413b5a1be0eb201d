package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code mariadb} command-line client (libmariadb, a C client with its own protocol code)
 * through the connector. Skipped when no {@code mariadb} executable is on the PATH.
 */
@Timeout(60)
class CommandLineClientIT {

    private static final long PROCESS_TIMEOUT_SECONDS = 30;

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    private static Path client;

    @BeforeAll
    static void findClient() {
        Optional<Path> found = onPath("mariadb");
        Assumptions.assumeTrue(found.isPresent(), "no 'mariadb' command-line client on the PATH");
        client = found.get();
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
    private record Outcome(int exitCode, String stdout, String stderr) {}

    /** The connection options of every client program, pointing at the connector. */
    private static List<String> connectionOptions(Path program, String password) {
        return List.of(
                program.toString(),
                "--no-defaults",
                // The connector offers TLS only when it has a certificate; this one has none.
                "--skip-ssl",
                "--protocol=TCP",
                "-h127.0.0.1",
                "-P" + turnout.port(),
                "-u" + turnout.cluster().appUser(),
                "-p" + password);
    }

    /**
     * Runs the {@code mariadb} client against the connector with {@code password} and
     * {@code extraArguments}, feeding it {@code stdin}.
     */
    private static Outcome run(String password, String stdin, String... extraArguments) throws Exception {
        List<String> command = new ArrayList<>(connectionOptions(client, password));
        command.addAll(List.of("-N", "test"));
        command.addAll(List.of(extraArguments));
        return run(command, stdin);
    }

    /** Runs {@code command}; the process is killed (by its pid) if it outlives the timeout. */
    private static Outcome run(List<String> command, String stdin) throws Exception {
        Path out = Files.createTempFile("turnout-it-cli", ".out");
        Path err = Files.createTempFile("turnout-it-cli", ".err");
        Process process = null;
        try {
            process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            boolean exited = process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(exited)
                    .as("%s exited within %d s", command.get(0), PROCESS_TIMEOUT_SECONDS)
                    .isTrue();
            return new Outcome(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
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
        Outcome outcome = run(turnout.cluster().appPassword(), "", "-e", "select @@server_id");
        assertThat(outcome.exitCode())
                .as("exit code; stderr: %s", outcome.stderr())
                .isZero();
        assertThat(outcome.stdout().strip()).isEqualTo(Long.toString(turnout.primaryServerId()));
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
        Outcome outcome = run(turnout.cluster().appPassword(), script);
        assertThat(outcome.exitCode())
                .as("exit code; stderr: %s", outcome.stderr())
                .isZero();
        assertThat(outcome.stdout().lines().toList())
                .containsExactly("1\ta", "2\tc", Long.toString(turnout.primaryServerId()), "2");
    }

    @Test
    void reportsAStatementErrorAndStops() throws Exception {
        Outcome outcome =
                run(turnout.cluster().appPassword(), "select 1;\nselect * from clit_no_such_table;\nselect 2;\n");
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

    /** {@code mariadb-admin}: COM_PING, COM_STATISTICS (answered by one bare string packet) and SHOW PROCESSLIST. */
    @Test
    void answersTheAdminClient() throws Exception {
        Optional<Path> admin = onPath("mariadb-admin");
        Assumptions.assumeTrue(admin.isPresent(), "no 'mariadb-admin' on the PATH");
        List<String> command =
                new ArrayList<>(connectionOptions(admin.get(), turnout.cluster().appPassword()));
        command.addAll(List.of("ping", "status", "processlist"));
        Outcome outcome = run(command, "");
        assertThat(outcome.exitCode())
                .as("exit code; stderr: %s", outcome.stderr())
                .isZero();
        assertThat(outcome.stdout())
                .contains("mysqld is alive")
                .contains("Uptime:")
                .contains("Threads:")
                .contains("show processlist");
    }

    /** {@code mariadb-dump}: session settings, SHOW CREATE TABLE, LOCK TABLES and a full table scan. */
    @Test
    void dumpsATable() throws Exception {
        Optional<Path> dump = onPath("mariadb-dump");
        Assumptions.assumeTrue(dump.isPresent(), "no 'mariadb-dump' on the PATH");
        Outcome setup = run(turnout.cluster().appPassword(), """
                drop table if exists clit_dump;
                create table clit_dump (id int primary key, v varchar(10));
                insert into clit_dump values (1, 'a'), (2, 'b');
                """);
        assertThat(setup.exitCode()).as("setup; stderr: %s", setup.stderr()).isZero();
        try {
            List<String> command = new ArrayList<>(
                    connectionOptions(dump.get(), turnout.cluster().appPassword()));
            command.addAll(List.of("--skip-comments", "--skip-extended-insert", "test", "clit_dump"));
            Outcome outcome = run(command, "");
            assertThat(outcome.exitCode())
                    .as("exit code; stderr: %s", outcome.stderr())
                    .isZero();
            assertThat(outcome.stdout())
                    .contains("CREATE TABLE `clit_dump`")
                    .contains("INSERT INTO `clit_dump` VALUES (1,'a');", "INSERT INTO `clit_dump` VALUES (2,'b');");
        } finally {
            run(turnout.cluster().appPassword(), "drop table if exists clit_dump;");
        }
    }
}
