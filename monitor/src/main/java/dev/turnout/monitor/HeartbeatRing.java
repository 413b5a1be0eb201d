package dev.turnout.monitor;

import java.util.function.LongSupplier;

/**
 * The heartbeat timestamps whose writes committed on the primary, newest last, and the applied
 * latency arithmetic on them.
 *
 * <p>Data: a circular buffer of strictly increasing timestamps (milliseconds of {@code clock}),
 * bounded both in time (entries older than {@code window} are dropped) and in count
 * ({@code capacity}; the oldest goes first). The heartbeat writer appends with
 * {@link #committed(long)}; probe threads read with {@link #latest()} and
 * {@link #latency(long, long)}. Every method is synchronized: the buffer is small and the
 * critical sections are a few array reads, so a lock is cheaper than cleverness.
 */
final class HeartbeatRing {

    /** {@link #latest()} when no heartbeat has committed. */
    static final long NONE = Long.MIN_VALUE;

    private final LongSupplier clock;
    private final long windowMillis;
    private final long staleAfterMillis;
    private final long[] stamps;
    private int oldest;
    private int size;

    /**
     * @param clock milliseconds, the same clock the writer takes its timestamps from
     * @param windowMillis how far back the ring keeps timestamps
     * @param staleAfterMillis when the newest committed heartbeat is older than this, the writer is
     *     taken to be failing (primary down) and latencies fall back to {@code now - T}
     * @param capacity the most timestamps kept
     */
    HeartbeatRing(LongSupplier clock, long windowMillis, long staleAfterMillis, int capacity) {
        if (windowMillis < 1 || staleAfterMillis < 1 || capacity < 2) {
            throw new IllegalArgumentException("window, staleAfter and capacity must be positive (capacity >= 2)");
        }
        this.clock = clock;
        this.windowMillis = windowMillis;
        this.staleAfterMillis = staleAfterMillis;
        this.stamps = new long[capacity];
    }

    /** A ring sized for heartbeats every {@code intervalMillis} kept for {@code windowMillis}. */
    static HeartbeatRing forInterval(LongSupplier clock, long intervalMillis, long timeoutMillis, long windowMillis) {
        long capacity = Math.min(100_000, windowMillis / Math.max(1, intervalMillis) + 16);
        return new HeartbeatRing(clock, windowMillis, 2 * intervalMillis + timeoutMillis, (int) capacity);
    }

    /**
     * Records that the heartbeat written with timestamp {@code ts} committed. A timestamp not
     * greater than the newest one (the clock stepped back) is ignored: the ring stays sorted.
     */
    synchronized void committed(long ts) {
        if (size > 0 && ts <= at(size - 1)) {
            return;
        }
        evictOlderThan(clock.getAsLong() - windowMillis);
        if (size == stamps.length) {
            oldest = (oldest + 1) % stamps.length;
            size--;
        }
        stamps[(oldest + size) % stamps.length] = ts;
        size++;
    }

    /** The newest committed heartbeat timestamp, or {@link #NONE}; a probe takes it just before it reads a replica's row. */
    synchronized long latest() {
        return size == 0 ? NONE : at(size - 1);
    }

    /** How many timestamps the ring holds (for tests). */
    synchronized int size() {
        return size;
    }

    /**
     * The applied latency, in milliseconds, of a replica whose heartbeat row holds {@code applied}
     * (T), read by a probe sent when the newest committed heartbeat was {@code latestAtSend}:
     * <ul>
     *   <li>the writer is failing (nothing committed within {@code staleAfter}) or the ring does not
     *       reach back to T: {@code now - T};</li>
     *   <li>{@code T >= latestAtSend}: 0, the replica had applied everything committed when asked;</li>
     *   <li>else {@code now - E} with E the earliest committed timestamp greater than T: how long
     *       the oldest write the replica has not applied has been waiting. ({@code now - T} would
     *       add up to one heartbeat interval to every answer.)</li>
     * </ul>
     * Never negative.
     */
    synchronized long latency(long applied, long latestAtSend) {
        long now = clock.getAsLong();
        evictOlderThan(now - windowMillis);
        if (size == 0 || at(size - 1) < now - staleAfterMillis) {
            return Math.max(0, now - applied);
        }
        if (applied >= latestAtSend) {
            return 0;
        }
        if (at(0) > applied) {
            return Math.max(0, now - applied);
        }
        int low = 0;
        int high = size - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (at(middle) > applied) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        long earliestUnapplied = at(low);
        return earliestUnapplied > applied ? Math.max(0, now - earliestUnapplied) : 0;
    }

    private long at(int index) {
        return stamps[(oldest + index) % stamps.length];
    }

    private void evictOlderThan(long horizon) {
        while (size > 0 && at(0) < horizon) {
            oldest = (oldest + 1) % stamps.length;
            size--;
        }
    }
}
