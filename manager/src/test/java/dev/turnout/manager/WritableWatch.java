package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Polls {@code @@global.read_only} of every server of a cluster every 50 ms on a thread of its own,
 * for the whole of a scenario, and records every poll that found two servers writable: at no
 * moment may two servers accept writes ({@link #assertNeverTwoWritable()}). A server that does not
 * answer (killed, say) counts as not writable. {@link #assertSameGtids} checks afterwards that
 * every running server ends on the primary's GTID position: no server has writes of its own. The
 * thread stops on {@link #close()}, and after 5 minutes at the latest.
 */
final class WritableWatch implements AutoCloseable {

    private final SandboxCluster cluster;
    private final ConcurrentLinkedQueue<String> twoWritable = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long polls;

    private WritableWatch(SandboxCluster cluster) {
        this.cluster = cluster;
        this.thread = new Thread(this::run, "writable-watch");
        thread.setDaemon(true);
    }

    static WritableWatch start(SandboxCluster cluster) {
        WritableWatch w = new WritableWatch(cluster);
        w.thread.start();
        return w;
    }

    private void run() {
        Map<DbServer, Connection> connections = new TreeMap<>((a, b) -> Integer.compare(a.port(), b.port()));
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        try {
            while (!stopped && System.nanoTime() < end) {
                List<String> writable = new ArrayList<>();
                for (DbServer s : cluster.servers()) {
                    if (readOnly(connections, s) == Boolean.FALSE) {
                        writable.add(s.hostPort());
                    }
                }
                polls++;
                if (writable.size() > 1) {
                    twoWritable.add(System.currentTimeMillis() + ": " + writable);
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.values().forEach(WritableWatch::closeQuietly);
        }
    }

    /** read_only of {@code s}, or null when it does not answer; reconnects as needed. */
    private @Nullable Boolean readOnly(Map<DbServer, Connection> connections, DbServer s) {
        if (!s.isRunning()) {
            Connection gone = connections.remove(s);
            if (gone != null) {
                closeQuietly(gone);
            }
            return null;
        }
        try {
            Connection c = connections.get(s);
            if (c == null) {
                c = DriverManager.getConnection(
                        "jdbc:mariadb://" + s.hostPort() + "/?connectTimeout=1000&socketTimeout=2000",
                        cluster.rootUser(),
                        cluster.rootPassword());
                connections.put(s, c);
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
                return rs.next() ? rs.getInt(1) == 1 : null;
            }
        } catch (SQLException e) {
            Connection broken = connections.remove(s);
            if (broken != null) {
                closeQuietly(broken);
            }
            return null;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // closing anyway
        }
    }

    /** No poll so far found two writable servers (and the watch did poll). */
    void assertNeverTwoWritable() {
        assertThat(polls).as("read_only polls").isPositive();
        assertThat(twoWritable).as("polls that found two writable servers").isEmpty();
    }

    /**
     * Every running server other than {@code primary} reaches the primary's GTID position within
     * 20 s, and then is on the primary's line of GTIDs: in every replication domain the last GTID
     * it has is one of the primary's (same originating server, a sequence number the primary had
     * reached by then). A server with writes of its own would have a GTID of another server.
     */
    static void assertSameGtids(SandboxCluster cluster, DbServer primary) throws SQLException {
        String before = Objects.requireNonNull(GroupCluster.queryString(primary, "SELECT @@global.gtid_binlog_pos"));
        for (DbServer s : cluster.servers()) {
            if (s == primary || !s.isRunning()) {
                continue;
            }
            assertThat(GroupCluster.queryString(s, "SELECT MASTER_GTID_WAIT('" + before + "', 20)"))
                    .as("%s reaches the primary's GTID position %s", s.hostPort(), before)
                    .isEqualTo("0");
            String mine = Objects.requireNonNull(GroupCluster.queryString(s, "SELECT @@global.gtid_current_pos"));
            String after = Objects.requireNonNull(GroupCluster.queryString(primary, "SELECT @@global.gtid_binlog_pos"));
            Map<String, long[]> low = gtids(before);
            Map<String, long[]> high = gtids(after);
            gtids(mine).forEach((domain, gtid) -> {
                long[] to = high.get(domain);
                assertThat(to)
                        .as("%s has GTIDs of domain %s (%s), the primary has %s", s.hostPort(), domain, mine, after)
                        .isNotNull();
                assertThat(gtid[0])
                        .as("the server of the last GTID of %s (%s; the primary has %s)", s.hostPort(), mine, after)
                        .isEqualTo(to[0]);
                long[] from = low.getOrDefault(domain, new long[] {to[0], 0});
                assertThat(gtid[1])
                        .as(
                                "the sequence number of %s (%s; the primary had %s, then %s)",
                                s.hostPort(), mine, before, after)
                        .isBetween(from[1], to[1]);
            });
        }
    }

    /** domain → {server id, sequence number} of a GTID position such as {@code 0-1-48,1-2-7}. */
    private static Map<String, long[]> gtids(String position) {
        Map<String, long[]> out = new TreeMap<>();
        for (String g : position.split(",")) {
            String[] p = g.strip().split("-");
            if (p.length == 3) {
                out.put(p[0], new long[] {Long.parseLong(p[1]), Long.parseLong(p[2])});
            }
        }
        return out;
    }

    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
