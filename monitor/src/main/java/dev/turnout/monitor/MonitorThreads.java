package dev.turnout.monitor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the daemon threads of one monitor, named {@code turnout-monitor-<role>-<n>}, and remembers
 * them so that closing can wait until each has really ended. Thread-safe.
 */
final class MonitorThreads {

    private static final AtomicInteger MONITORS = new AtomicInteger();

    private final int monitor = MONITORS.incrementAndGet();
    private final List<Thread> made = new CopyOnWriteArrayList<>();

    ThreadFactory factory(String role) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread =
                    new Thread(runnable, "turnout-monitor-" + monitor + "-" + role + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            made.removeIf(t -> !t.isAlive() && t.getState() == Thread.State.TERMINATED);
            made.add(thread);
            return thread;
        };
    }

    /** Waits until every thread made has ended or {@code deadline} ({@link System#nanoTime()}) passed; true if all ended. */
    boolean joinAll(long deadline) {
        for (Thread thread : made) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** Whether the calling thread is one of this monitor's. */
    boolean isCurrentOurs() {
        return made.contains(Thread.currentThread());
    }

    /** The names of the threads still alive. */
    List<String> alive() {
        return made.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }
}
