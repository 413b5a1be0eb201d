package dev.turnout.connector.session;

import dev.turnout.connector.backend.BackendPool;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What the sessions of one event loop share: the list of them, the loop's backend pool, one timer
 * that wakes the sessions waiting for a primary ({@code connector-failover-retry}), and one timer
 * that checks every {@code connector-idle-release} whether a session may let its connections go.
 *
 * <p>Confined to its event loop, except {@link #executor()}.
 */
public final class LoopSessions {

    private final EventExecutor executor;
    private final BackendPool pool;
    private final long retryMillis;
    private final List<Session> sessions = new ArrayList<>();
    private final Set<Session> retrying = Collections.newSetFromMap(new IdentityHashMap<>());
    /** The next retry round; null when no session waits for one. */
    private @Nullable ScheduledFuture<?> retryTimer;

    private final long idleReleaseMillis;
    /** Lets idle sessions' connections go; null until the first session with connector-idle-release. */
    private @Nullable ScheduledFuture<?> idleTimer;

    /**
     * @param failoverRetry how often sessions waiting for a primary try again
     * @param idleRelease   connector-idle-release; zero: sessions never let their connections go
     */
    public LoopSessions(EventExecutor executor, BackendPool pool, Duration failoverRetry, Duration idleRelease) {
        this.executor = executor;
        this.pool = pool;
        this.retryMillis = failoverRetry.toMillis();
        this.idleReleaseMillis = idleRelease.toMillis();
    }

    EventExecutor executor() {
        return executor;
    }

    BackendPool pool() {
        return pool;
    }

    void add(Session session) {
        session.loopIndex(sessions.size());
        sessions.add(session);
        if (idleReleaseMillis > 0 && idleTimer == null) {
            idleTimer = executor.scheduleWithFixedDelay(
                    () -> forEach(Session::releaseIfIdle), idleReleaseMillis, idleReleaseMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Removes a session in constant time (the last one takes its place). */
    void remove(Session session) {
        int index = session.loopIndex();
        if (index < 0 || index >= sessions.size() || sessions.get(index) != session) {
            return;
        }
        Session last = sessions.remove(sessions.size() - 1);
        if (last != session) {
            sessions.set(index, last);
            last.loopIndex(index);
        }
        session.loopIndex(-1);
        retrying.remove(session);
    }

    /** Runs {@code action} on each session of the loop (sessions may end meanwhile). */
    void forEach(Consumer<Session> action) {
        for (Session session : sessions.toArray(new Session[0])) {
            action.accept(session);
        }
    }

    boolean allAtTransactionBoundary() {
        for (Session session : sessions) {
            if (!session.atTransactionBoundary()) {
                return false;
            }
        }
        return true;
    }

    /** Wakes {@code session} at the next retry round (one timer for the loop). */
    void retryLater(Session session) {
        retrying.add(session);
        if (retryTimer == null) {
            retryTimer = executor.schedule(this::retry, retryMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void retry() {
        retryTimer = null;
        Session[] due = retrying.toArray(new Session[0]);
        retrying.clear();
        for (Session session : due) {
            session.wake();
        }
    }
}
