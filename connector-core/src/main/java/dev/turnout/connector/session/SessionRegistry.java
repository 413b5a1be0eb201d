package dev.turnout.connector.session;

import dev.turnout.connector.config.ClientLimits;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The client sessions of one connector, kept per event loop ({@link LoopSessions}) so that what
 * concerns every session — a topology change, a hold, a release, OFFLINE, shutdown — is one task per
 * event loop that walks its own sessions, not one task per session. It also holds what another
 * session's {@code KILL} needs: the server thread of each session's primary connection, the one its
 * commands go to now (a replica, for {@code KILL QUERY}), and the sessions that let their
 * connections go while idle.
 *
 * <p>Thread-safe: the maps are concurrent; each loop's sessions are touched only on that loop.
 */
public final class SessionRegistry {

    private final ConcurrentHashMap<EventExecutor, LoopSessions> loops = new ConcurrentHashMap<>();
    private final Function<EventExecutor, LoopSessions> newLoop;
    private final ConcurrentHashMap<Long, Long> serverThreads = new ConcurrentHashMap<>();
    /** Where each session's commands go now, when that is not known to be its primary connection. */
    private final ConcurrentHashMap<Long, BackendThread> running = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<Long, Session> released = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();

    private final ConnectionCounts connections;

    /** @param newLoop makes the state of a loop the first time a session registers there */
    public SessionRegistry(Function<EventExecutor, LoopSessions> newLoop) {
        this(newLoop, new ConnectionCounts(new ClientLimits(0, false, 0)));
    }

    /**
     * @param newLoop     makes the state of a loop the first time a session registers there
     * @param connections the client connections against the connector's limits
     */
    public SessionRegistry(Function<EventExecutor, LoopSessions> newLoop, ConnectionCounts connections) {
        this.newLoop = newLoop;
        this.connections = connections;
    }

    /** The client connections, in all and per user, against the connector's limits. */
    public ConnectionCounts connections() {
        return connections;
    }

    /** The state of the calling session's loop. */
    LoopSessions loop(EventExecutor executor) {
        return loops.computeIfAbsent(executor, newLoop);
    }

    /** Registers a session, on its loop. */
    void add(Session session) {
        count.incrementAndGet();
        loop(session.eventLoop()).add(session);
    }

    /** Forgets a session that ended, on its loop. */
    void remove(Session session) {
        count.decrementAndGet();
        serverThreads.remove(session.connectionId());
        running.remove(session.connectionId());
        released.remove(session.connectionId());
        loop(session.eventLoop()).remove(session);
    }

    /** Client sessions open now (bridged connections not included). */
    public int count() {
        return count.get();
    }

    /** Runs {@code action} on every session, on its loop: one task per event loop. */
    public void forEach(Consumer<Session> action) {
        for (LoopSessions loop : loops.values()) {
            loop.executor().execute(() -> loop.forEach(action));
        }
    }

    /**
     * Whether every session is at a transaction boundary with nothing in flight: asks each loop (one
     * task per loop), waiting at most {@code timeoutMillis} for each answer; false when one does not
     * answer in time. Called off the event loops.
     */
    public boolean allAtTransactionBoundary(long timeoutMillis) {
        List<Future<Boolean>> answers = new ArrayList<>();
        for (LoopSessions loop : loops.values()) {
            answers.add(loop.executor().submit(loop::allAtTransactionBoundary));
        }
        for (Future<Boolean> answer : answers) {
            if (!answer.awaitUninterruptibly(timeoutMillis) || !answer.isSuccess() || !answer.getNow()) {
                return false;
            }
        }
        return true;
    }

    void serverThread(long connectionId, long serverThread) {
        serverThreads.put(connectionId, serverThread);
    }

    /** The server thread of the primary connection of the session {@code connectionId}, or null. */
    @Nullable
    Long serverThread(long connectionId) {
        return serverThreads.get(connectionId);
    }

    /**
     * The session {@code connectionId} sends its commands to {@code thread} from now on (called when
     * that changes, not per command); null when it is not known, and a KILL QUERY goes to the primary.
     */
    void running(long connectionId, @Nullable BackendThread thread) {
        if (thread == null) {
            running.remove(connectionId);
        } else {
            running.put(connectionId, thread);
        }
    }

    /** The server thread the commands of the session {@code connectionId} go to now, or null (its primary). */
    @Nullable
    BackendThread running(long connectionId) {
        return running.get(connectionId);
    }

    /** The session let its connections go (connector-idle-release). */
    void released(Session session) {
        serverThreads.remove(session.connectionId());
        running.remove(session.connectionId());
        released.put(session.connectionId(), session);
    }

    /** The session {@code connectionId} connected again. */
    void woke(long connectionId) {
        released.remove(connectionId);
    }

    /** The session {@code connectionId} if it let its connections go while idle, or null. */
    @Nullable
    Session released(long connectionId) {
        return released.get(connectionId);
    }
}
