package dev.turnout.push;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writing side of one push connection: a bounded queue of encoded messages and a thread of its
 * own that writes them, so that a caller never waits for the peer. A peer that does not keep up is
 * dropped (its connection closed, with a log line): when its queue is full, or when one write
 * does not complete within the write timeout (a peer that stopped reading, or stopped altogether).
 *
 * <p>Threading: {@link #offer} and {@link #close} may be called from any thread and never block;
 * the writer thread ({@code turnout-push-write-*}) alone writes to the channel; the write timeouts
 * run on the {@code timer}, which must never be blocked.
 */
final class PeerWriter {

    private static final Logger log = LoggerFactory.getLogger(PeerWriter.class);

    private final LineChannel channel;
    private final String name;
    private final BlockingQueue<String> queue;
    private final ScheduledExecutorService timer;
    private final long writeTimeoutMillis;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Starts the writer thread.
     *
     * @param name what the peer is called in logs (and the thread's name)
     * @param capacity how many messages may wait
     * @param writeTimeout the bound of one write
     */
    PeerWriter(LineChannel channel, String name, int capacity, Duration writeTimeout, ScheduledExecutorService timer) {
        this.channel = channel;
        this.name = name;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.timer = timer;
        this.writeTimeoutMillis = Math.max(1, writeTimeout.toMillis());
        this.thread = new Thread(this::run, "turnout-push-write-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues {@code message}; false when the writer is closed, or when the queue is full, which
     * drops the peer.
     */
    boolean offer(PushMessage message) {
        return offerLine(PushCodec.encode(message));
    }

    /** Queues one encoded message (a broadcast encodes once for every peer); see {@link #offer}. */
    boolean offerLine(String line) {
        if (closed) {
            return false;
        }
        if (!queue.offer(line)) {
            drop("it did not read its last " + queue.size() + " messages");
            return false;
        }
        return true;
    }

    /** Stops the writer thread; what is still queued is not sent. Does not close the channel. */
    void close() {
        closed = true;
        thread.interrupt();
    }

    boolean isClosed() {
        return closed;
    }

    private void run() {
        try {
            while (!closed) {
                String line = queue.take();
                ScheduledFuture<?> timeout = timer.schedule(
                        () -> drop("a write did not complete within " + writeTimeoutMillis + " ms"),
                        writeTimeoutMillis,
                        TimeUnit.MILLISECONDS);
                try {
                    channel.write(line);
                    if (queue.isEmpty()) { // else one flush for what queued meanwhile, after the next
                        channel.flush();
                    }
                } finally {
                    timeout.cancel(false);
                }
            }
        } catch (InterruptedException | RejectedExecutionException e) {
            // closed (the timer is shut down with the server or client)
        } catch (IOException e) {
            if (!closed && !channel.isClosed()) {
                drop("writing failed: " + e.getMessage());
            }
            channel.close(); // the reader sees it and ends the connection
        }
    }

    /** Drops the peer: closes its connection (its reader thread then ends it) and this writer. */
    private void drop(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        log.warn("push peer {} ({}) dropped: {}", name, channel.peer(), reason);
        channel.close();
        thread.interrupt();
    }
}
