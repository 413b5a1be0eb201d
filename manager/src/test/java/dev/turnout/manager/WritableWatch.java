package dev.turnout.manager;

import dev.turnout.sandbox.DbServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Polls {@code read_only} on every running server of a test until closed (at most 5 minutes),
 * on a thread of its own, and records every moment two servers accepted writes. The servers are
 * read one after the other, so a pair is counted only when a second read of all of them finds the
 * same two writable again: then the first of the two was writable before and after the other's
 * first read, at the same moment as the other.
 */
final class WritableWatch implements AutoCloseable {

    private static final Duration LIMIT = Duration.ofMinutes(5);

    private final List<DbServer> servers;
    private final Map<DbServer, Connection> connections = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;
    private volatile int polls;

    private WritableWatch(List<DbServer> servers) {
        this.servers = List.copyOf(servers);
        this.thread = new Thread(this::run, "writable-watch");
        this.thread.setDaemon(true);
    }

    static WritableWatch start(List<DbServer> servers) {
        WritableWatch w = new WritableWatch(servers);
        w.thread.start();
        return w;
    }

    private void run() {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        try {
            poll(deadline);
        } finally {
            connections.values().forEach(WritableWatch::closeQuietly);
        }
    }

    private void poll(long deadline) {
        while (!stop && System.nanoTime() < deadline) {
            Set<DbServer> first = writable();
            if (first.size() >= 2) {
                Set<DbServer> again = writable();
                again.retainAll(first);
                if (again.size() >= 2) {
                    synchronized (violations) {
                        violations.add("writable at once: " + again);
                    }
                }
            }
            polls++;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Set<DbServer> writable() {
        Set<DbServer> out = new HashSet<>();
        for (DbServer s : servers) {
            if (!s.isRunning()) {
                closeQuietly(connections.remove(s));
                continue;
            }
            try {
                Connection c = connections.get(s);
                if (c == null) {
                    c = s.rootConnection();
                    connections.put(s, c);
                }
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
                    if (rs.next() && rs.getInt(1) == 0) {
                        out.add(s);
                    }
                }
            } catch (SQLException e) {
                closeQuietly(connections.remove(s)); // unreachable: it accepts no writes either
            }
        }
        return out;
    }

    /** How many rounds were read so far. */
    int polls() {
        return polls;
    }

    /** The moments two servers accepted writes. */
    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // going anyway
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(10_000);
    }
}
