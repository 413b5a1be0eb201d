package dev.turnout.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Starts a cluster in a child JVM, ends that JVM, and checks that its mariadbd went with it. */
class NoOrphanTest {

    @Test
    void aSigkilledJvmLeavesNoMariadbdAndNoDataDirectoryBehind() throws Exception {
        Process jvm = startProbe();
        long pid = -1;
        try {
            pid = readServerPid(jvm);
            Path serverDir = Processes.serverDir(pid);
            assertThat(Processes.isLive(pid)).isTrue();

            jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();

            assertThat(Processes.awaitGone(pid, Duration.ofSeconds(20)))
                    .as("mariadbd %d gone", pid)
                    .isTrue();
            awaitDeleted(serverDir.getParent());
            assertThat(serverDir.getParent()).doesNotExist();
        } finally {
            jvm.destroyForcibly();
            killIfStillRunning(pid);
        }
    }

    @Test
    void aSigtermedJvmStopsItsServersThroughTheShutdownHook() throws Exception {
        Process jvm = startProbe();
        long pid = -1;
        try {
            pid = readServerPid(jvm);
            Path serverDir = Processes.serverDir(pid);

            jvm.destroy(); // SIGTERM: the shutdown hook closes the cluster
            assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(Processes.isLive(pid))
                    .as("mariadbd %d gone when the JVM has exited", pid)
                    .isFalse();
            assertThat(serverDir.getParent()).doesNotExist();
        } finally {
            jvm.destroyForcibly();
            killIfStillRunning(pid);
        }
    }

    /** When the test fails, do not leave the server behind for the other developers. */
    private static void killIfStillRunning(long pid) {
        if (pid > 0 && Processes.isLive(pid) && Processes.commandLine(pid).contains("turnout-sandbox-")) {
            Path serverDir = Processes.serverDir(pid);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            try {
                Processes.awaitGone(pid, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            MariaDbDistribution.deleteRecursively(serverDir.getParent());
        }
    }

    private static Process startProbe() throws Exception {
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        OrphanProbe.class.getName())
                .redirectErrorStream(true)
                .start();
    }

    private static long readServerPid(Process jvm) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("PID ")) {
                // Keep draining so the child never blocks on a full pipe.
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // discard
                        }
                    } catch (java.io.IOException e) {
                        // the child is gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Long.parseLong(line.substring(4).trim());
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the probe JVM exited without a server pid:\n" + seen);
    }

    private static void awaitDeleted(Path dir) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (dir.toFile().exists() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
