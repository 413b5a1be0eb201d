package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/turnout} raises the soft file-descriptor limit to the hard one before it starts the
 * JVM (the connector derives {@code connector-max-connections} from it). The launcher runs from
 * a copy laid out as an assembled distribution, with a stand-in {@code java} on the PATH that
 * prints the limits it was started with.
 */
class LauncherTest {

    @TempDir
    Path dir;

    @Test
    void theLauncherRaisesTheSoftDescriptorLimitToTheHardOne() throws Exception {
        Path launcher = Path.of("..", "bin", "turnout").toAbsolutePath().normalize();
        Path home = Files.createDirectories(dir.resolve("turnout"));
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("lib"));
        Files.copy(launcher, home.resolve("bin/turnout"));
        Path fakes = Files.createDirectories(dir.resolve("fakes"));
        executable(fakes.resolve("java"), "#!/usr/bin/env bash\necho \"soft=$(ulimit -Sn) hard=$(ulimit -Hn)\"\n");
        executable(home.resolve("bin/turnout"), Files.readString(home.resolve("bin/turnout")));

        // Started with a soft limit of 256 (below any hard limit a build machine has).
        ProcessBuilder builder = new ProcessBuilder(
                        "bash",
                        "-c",
                        "ulimit -Sn 256 && exec \"$0\" version",
                        home.resolve("bin/turnout").toString())
                .redirectErrorStream(true);
        builder.environment().put("PATH", fakes + ":" + System.getenv("PATH"));
        Process process = builder.start();
        process.getOutputStream().close();
        try {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(process.exitValue()).as(out).isZero();
            String[] limits = out.substring(out.lastIndexOf("soft=")).split(" ");
            assertThat(limits[0].substring("soft=".length())).as(out).isEqualTo(limits[1].substring("hard=".length()));
        } finally {
            process.destroyForcibly();
        }
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
