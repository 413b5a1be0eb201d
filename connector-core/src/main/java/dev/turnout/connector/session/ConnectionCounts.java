package dev.turnout.connector.session;

import dev.turnout.connector.config.ClientLimits;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client connections the connector holds, in all and per user, against its
 * {@link ClientLimits}: a connection is admitted or refused when accepted, a login when verified.
 *
 * <p>Thread-safe: every event loop admits and releases here.
 */
public final class ConnectionCounts {

    private final int maxConnections;
    private final int maxUserConnections;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> users = new ConcurrentHashMap<>();

    public ConnectionCounts(ClientLimits limits) {
        this.maxConnections = limits.maxConnections();
        this.maxUserConnections = limits.maxUserConnections();
    }

    /** An accepted connection: whether it may stay (then {@link #closed()} must follow), or is one too many. */
    public boolean opened() {
        while (true) {
            int now = open.get();
            if (maxConnections > 0 && now >= maxConnections) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** An admitted connection closed. */
    public void closed() {
        open.decrementAndGet();
    }

    /** A verified login of {@code user}: whether it may go on (then {@link #loggedOut} must follow). */
    public boolean loggedIn(String user) {
        if (maxUserConnections == 0) {
            return true;
        }
        boolean[] admitted = {false};
        users.compute(user, (name, count) -> {
            int now = count == null ? 0 : count;
            if (now >= maxUserConnections) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    /** A session of {@code user} that {@link #loggedIn} admitted ended, or changed user. */
    public void loggedOut(String user) {
        users.computeIfPresent(user, (name, count) -> count <= 1 ? null : count - 1);
    }

    /** Client connections open now. */
    public int open() {
        return open.get();
    }
}
