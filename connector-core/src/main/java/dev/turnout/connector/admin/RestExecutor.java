package dev.turnout.connector.admin;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of a JDK HTTP server, with a bound on how long one connection may take to send its
 * request.
 *
 * <p>Why: the JDK server's dispatcher hands every connection that became readable to its executor,
 * and the executor's thread then reads the request line and headers (and, for HTTPS, the TLS
 * handshake) with blocking reads that have no timeout unless the JVM-wide system property
 * {@code sun.net.httpserver.maxReqTime} is set before the first server starts. A client that sends
 * half a request therefore holds a thread for as long as it likes; two of them froze a server of
 * two threads. Here each task is watched: while a thread reads (before the API's filter runs, and
 * while the server drains a request body after it), a watchdog interrupts it once it has read for
 * longer than the read timeout. The channel is an interruptible channel, so the interrupt closes the
 * connection and frees the thread; a request being handled (a switch may take seconds) is never
 * interrupted. With several threads, a few slow clients do not delay anyone else at all, and more
 * of them only until the read timeout.
 *
 * <p>Thread-safe. {@link #handling()} / {@link #reading()} are called by the API's filter on the
 * executing thread.
 */
final class RestExecutor implements Executor, AutoCloseable {

    private static final int READING = 0;
    private static final int HANDLING = 1;
    private static final int INTERRUPTED = 2;
    private static final int DONE = 3;

    /** One running task: its thread, its phase, and since when it reads. */
    private static final class Task {
        final Thread thread = Thread.currentThread();
        final AtomicInteger phase = new AtomicInteger(READING);
        volatile long readingSince = System.nanoTime();
    }

    private static final ThreadLocal<Task> CURRENT = new ThreadLocal<>();

    private final ExecutorService pool;
    private final ScheduledExecutorService watchdog;
    private final long readTimeoutNanos;
    private final Set<Task> running = ConcurrentHashMap.newKeySet();

    RestExecutor(String name, int threads, Duration readTimeout) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: expected at least 1, got " + threads);
        }
        this.readTimeoutNanos = readTimeout.toNanos();
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> daemon(r, name + "-" + n.incrementAndGet()));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-watchdog"));
        long period = Math.max(10, readTimeout.toMillis() / 4);
        watchdog.scheduleWithFixedDelay(this::interruptSlowReaders, period, period, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void execute(Runnable command) {
        pool.execute(() -> {
            Task task = new Task();
            CURRENT.set(task);
            running.add(task);
            try {
                command.run();
            } finally {
                running.remove(task);
                CURRENT.remove();
                synchronized (task) {
                    task.phase.set(DONE);
                }
                Thread.interrupted(); // an interrupt meant for this task must not reach the next one
            }
        });
    }

    /**
     * The calling thread starts handling a request: the watchdog leaves it alone.
     *
     * @throws InterruptedIOException when the watchdog has already given up on the request
     */
    static void handling() throws InterruptedIOException {
        Task task = CURRENT.get();
        if (task != null && !task.phase.compareAndSet(READING, HANDLING)) {
            throw new InterruptedIOException("the request took longer than the read timeout");
        }
    }

    /** The calling thread is done handling; what follows (draining, closing) is bounded again. */
    static void reading() {
        Task task = CURRENT.get();
        if (task != null) {
            task.readingSince = System.nanoTime();
            task.phase.compareAndSet(HANDLING, READING);
        }
    }

    private void interruptSlowReaders() {
        long now = System.nanoTime();
        for (Task task : running) {
            if (task.phase.get() == READING && now - task.readingSince > readTimeoutNanos) {
                synchronized (task) {
                    if (task.phase.compareAndSet(READING, INTERRUPTED)) {
                        task.thread.interrupt();
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        pool.shutdownNow();
    }
}
