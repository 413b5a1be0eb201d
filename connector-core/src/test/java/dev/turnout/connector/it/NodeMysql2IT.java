package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * node's {@code mysql2} (from the npm registry, pinned in {@code src/test/node/package.json})
 * through the connector: the scripts under {@code src/test/node} run against the connector and
 * against the primary directly, and must tell the same story. Skipped, with the reason, where
 * {@code node} or {@code npm} is missing or {@code mysql2} cannot be installed; installed once into
 * {@code target/node-clients}.
 */
@Timeout(600)
class NodeMysql2IT {

    private static final Path SOURCES = Path.of("src/test/node");
    private static final Path INSTALL = Path.of("target/node-clients");
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    @BeforeAll
    static void installMysql2() throws Exception {
        Assumptions.assumeTrue(
                run(List.of("node", "--version"), Path.of("."), Map.of(), Duration.ofSeconds(30))
                        .ok(),
                "node is not installed: the mysql2 tests are skipped");
        Assumptions.assumeTrue(
                run(List.of("npm", "--version"), Path.of("."), Map.of(), Duration.ofSeconds(30))
                        .ok(),
                "npm is not installed: the mysql2 tests are skipped");
        Files.createDirectories(INSTALL);
        try (var files = Files.list(SOURCES)) {
            for (Path file : files.toList()) {
                Files.copy(
                        file, INSTALL.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (Files.exists(INSTALL.resolve("node_modules/mysql2/package.json"))
                && Files.readString(INSTALL.resolve("node_modules/mysql2/package.json"))
                        .contains("\"version\": \"" + pinnedVersion() + "\"")) {
            return;
        }
        Result install = run(
                List.of("npm", "install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"),
                INSTALL,
                Map.of(),
                INSTALL_TIMEOUT);
        Assumptions.assumeTrue(
                install.ok(), "npm could not install mysql2, the mysql2 tests are skipped:\n" + install.output());
    }

    private static String pinnedVersion() throws IOException {
        String manifest = Files.readString(SOURCES.resolve("package.json"));
        int at = manifest.indexOf("\"mysql2\": \"") + "\"mysql2\": \"".length();
        return manifest.substring(at, manifest.indexOf('"', at));
    }

    /** mysql2's pool tests kill a pooled connection with {@code KILL id; SELECT SLEEP(0.05)}. */
    @Test
    void aPooledConnectionKilledByAMultiStatementOfAnotherOneAsDirect() throws Exception {
        String direct =
                script("kill-multi-statement.js", turnout.cluster().primary().port());
        String through = script("kill-multi-statement.js", turnout.port());
        assertThat(direct).as("direct").contains("\"killed\":3", "\"slept\":0", "\"answer\":42");
        assertThat(through).as("through the connector").isEqualTo(direct);
    }

    private static String script(String name, int port) throws Exception {
        Result result = run(
                List.of("node", name),
                INSTALL,
                Map.of(
                        "TURNOUT_PORT", String.valueOf(port),
                        "TURNOUT_USER", turnout.cluster().appUser(),
                        "TURNOUT_PASSWORD", turnout.cluster().appPassword()),
                SCRIPT_TIMEOUT);
        assertThat(result.ok())
                .as("node %s on port %d: %s", name, port, result.output())
                .isTrue();
        String[] lines = result.output().strip().split("\n");
        return lines[lines.length - 1];
    }

    private record Result(boolean ok, String output) {}

    /** Runs a command to its end (killed after {@code timeout}); its exit status and output. */
    private static Result run(List<String> command, Path directory, Map<String, String> env, Duration timeout)
            throws InterruptedException {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            process = builder.start();
        } catch (IOException e) {
            return new Result(false, command.get(0) + ": " + e.getMessage());
        }
        try {
            var output = new java.io.ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try {
                    process.getInputStream().transferTo(output);
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.start();
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(10_000);
            String text = output.toString(StandardCharsets.UTF_8);
            return new Result(ended && process.exitValue() == 0, ended ? text : text + "\n(timed out)");
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
