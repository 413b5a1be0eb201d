package dev.turnout.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Kills a server process if the JVM that started it dies without stopping it (SIGKILL, crash,
 * {@code Runtime.halt}), so no {@code mariadbd} outlives its owner.
 *
 * <p>The watchdog is a tiny {@code sh} process whose stdin is a pipe from this JVM. The JVM holds
 * the only write end (Java marks it close-on-exec, so neither the server nor any other child
 * inherits it); the kernel closes it when the JVM dies, and the shell's {@code read} returns EOF.
 * It then checks that the pid still runs a command line naming the server's directory (so a
 * recycled pid is never hit), sends SIGTERM, waits up to ten seconds, sends SIGKILL, and deletes
 * the server's directory and, if it became empty, the cluster's directory. A normal stop writes
 * {@code detach} first, and the watchdog exits without touching anything.
 *
 * <p>Used by one server under that server's lock; not thread-safe on its own.
 */
final class ProcessWatchdog {

    private static final String SCRIPT = String.join(
            "\n",
            "trap '' INT HUP",
            "pid=$1; dir=$2",
            "while IFS= read -r line; do [ \"$line\" = detach ] && exit 0; done",
            "owned() { grep -aqF -- \"$dir/\" /proc/\"$pid\"/cmdline 2>/dev/null; }",
            "if owned; then",
            "  kill -TERM \"$pid\" 2>/dev/null",
            "  i=0",
            "  while owned && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done",
            "  owned && kill -KILL \"$pid\" 2>/dev/null",
            "  while owned; do sleep 0.1; done",
            "fi",
            "rm -rf -- \"$dir\"",
            "rmdir -- \"${dir%/*}\" 2>/dev/null",
            "exit 0",
            "");

    private final Process shell;

    private ProcessWatchdog(Process shell) {
        this.shell = shell;
    }

    /**
     * Starts a watchdog for {@code pid}, whose command line must contain {@code ownedDir}; that
     * directory is deleted once the process is gone.
     */
    static ProcessWatchdog watch(long pid, Path ownedDir) throws IOException {
        Process shell = new ProcessBuilder(
                        "sh", "-c", SCRIPT, "turnout-watchdog", Long.toString(pid), ownedDir.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        return new ProcessWatchdog(shell);
    }

    long pid() {
        return shell.pid();
    }

    /** Tells the watchdog that the server was stopped on purpose, and waits for it to exit. */
    void detach() {
        try (OutputStream stdin = shell.getOutputStream()) {
            stdin.write("detach\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // The shell is already gone: nothing left to detach from.
        }
        try {
            if (!shell.waitFor(5, TimeUnit.SECONDS)) {
                shell.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shell.destroyForcibly();
        }
    }
}
