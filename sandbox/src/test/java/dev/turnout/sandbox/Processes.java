package dev.turnout.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Looks at processes through /proc, where a zombie counts as gone. */
final class Processes {

    private Processes() {}

    /** Whether {@code pid} exists and is not a zombie. */
    static boolean isLive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            // pid (comm) STATE ...; comm may contain spaces or parentheses, so look after the last ')'.
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** The NUL-separated command line of {@code pid} with spaces instead, or empty if it is gone. */
    static String commandLine(long pid) {
        try {
            byte[] bytes = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until {@code pid} is gone; false if it still lives after {@code timeout}. */
    static boolean awaitGone(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isLive(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** The directory of a sandbox server, read from the {@code --defaults-file} option of its command line. */
    static Path serverDir(long pid) {
        String commandLine = commandLine(pid);
        String option = "--defaults-file=";
        int start = commandLine.indexOf(option);
        if (start < 0) {
            throw new AssertionError("not a sandbox mariadbd: " + pid + " " + commandLine);
        }
        start += option.length();
        int end = commandLine.indexOf(' ', start);
        return Path.of(commandLine.substring(start, end < 0 ? commandLine.length() : end))
                .getParent();
    }
}
