package dev.turnout.connector.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts events that many sessions see at once — a lost primary, a move to a new master — so that
 * the log gets one line with a count ("12 sessions moved from db1 to the new master db2") rather
 * than one per session; each session logs its own at DEBUG. The counts of a burst are written one
 * {@link #WINDOW_MILLIS} after its first event.
 *
 * <p>Thread-safe: any event loop may add; the line is written by a task on the adding loop.
 */
public final class EventTally {

    private static final Logger log = LoggerFactory.getLogger(EventTally.class);

    /** How long a burst of events is counted before its line is written. */
    static final long WINDOW_MILLIS = 1000;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** Counts one occurrence of {@code event} (a sentence whose subject is "sessions"); {@code loop} writes the line. */
    public void add(String event, ScheduledExecutorService loop) {
        counts.computeIfAbsent(event, e -> new LongAdder()).increment();
        if (scheduled.compareAndSet(false, true)) {
            loop.schedule(this::flush, WINDOW_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes a line per event counted since the last one, and starts counting afresh. */
    void flush() {
        scheduled.set(false);
        for (String event : counts.keySet()) {
            LongAdder count = counts.remove(event);
            if (count != null && count.sum() > 0) {
                log.info("{} {}", count.sum(), event);
            }
        }
    }
}
