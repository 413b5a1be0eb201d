package dev.turnout.connector.it;

import dev.turnout.sandbox.DbServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Looks at and kills server threads (connections) on a database server as root, to see what the
 * connector's backend connections do. A backend's thread id is what {@code select connection_id()}
 * answers through the connector, since the connector forwards the statement to it.
 */
final class PrimaryThreads {

    private PrimaryThreads() {}

    /** Whether the server still has a thread with this id. */
    static boolean exists(DbServer server, long threadId) throws SQLException {
        try (Connection root = server.rootConnection();
                PreparedStatement statement =
                        root.prepareStatement("select count(*) from information_schema.processlist where id = ?")) {
            statement.setLong(1, threadId);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** Polls until the thread is gone; false if it is still there after {@code timeout}. */
    static boolean awaitGone(DbServer server, long threadId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!exists(server, threadId)) {
                return true;
            }
            Thread.sleep(50);
        }
        return !exists(server, threadId);
    }

    /** Polls until the thread runs a statement (its processlist INFO is not null) or the timeout passes. */
    static boolean awaitRunning(DbServer server, long threadId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection root = server.rootConnection();
                    PreparedStatement statement = root.prepareStatement(
                            "select count(*) from information_schema.processlist where id = ? and info is not null")) {
                statement.setLong(1, threadId);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return true;
                    }
                }
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** {@code KILL CONNECTION id} as root. */
    static void kill(DbServer server, long threadId) throws SQLException {
        try (Connection root = server.rootConnection();
                Statement statement = root.createStatement()) {
            statement.execute("KILL CONNECTION " + threadId);
        }
    }
}
