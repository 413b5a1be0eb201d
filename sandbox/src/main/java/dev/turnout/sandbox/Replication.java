package dev.turnout.sandbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** SQL helpers for attaching replicas and reporting their state, for both flavors. */
final class Replication {

    private Replication() {}

    /** A single-quoted SQL string literal. */
    static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** Polls the replica's status until both replication threads run, or fails with its last errors. */
    static void awaitRunning(SandboxCluster.Flavor flavor, String name, Connection replica, Duration timeout)
            throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (threadsRunning(flavor, replica)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new SandboxException(
                        name + ": replication not running after " + timeout + "; " + describe(flavor, replica));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException(name + ": interrupted while waiting for replication", e);
            }
        }
    }

    private static boolean threadsRunning(SandboxCluster.Flavor flavor, Connection replica) throws SQLException {
        boolean mariadb = flavor == SandboxCluster.Flavor.MARIADB;
        try (Statement statement = replica.createStatement();
                ResultSet rs = statement.executeQuery(mariadb ? "SHOW SLAVE STATUS" : "SHOW REPLICA STATUS")) {
            return rs.next()
                    && "Yes".equals(rs.getString(mariadb ? "Slave_IO_Running" : "Replica_IO_Running"))
                    && "Yes".equals(rs.getString(mariadb ? "Slave_SQL_Running" : "Replica_SQL_Running"));
        }
    }

    /** A one-line summary of the replica's status for error messages; never throws. */
    static String describe(SandboxCluster.Flavor flavor, Connection replica) {
        boolean mariadb = flavor == SandboxCluster.Flavor.MARIADB;
        try (Statement statement = replica.createStatement();
                ResultSet rs = statement.executeQuery(mariadb ? "SHOW SLAVE STATUS" : "SHOW REPLICA STATUS")) {
            if (!rs.next()) {
                return "not configured as a replica";
            }
            return mariadb
                    ? "IO thread " + rs.getString("Slave_IO_Running") + " (" + rs.getString("Last_IO_Error")
                            + "), SQL thread " + rs.getString("Slave_SQL_Running") + " ("
                            + rs.getString("Last_SQL_Error") + "), Gtid_IO_Pos " + rs.getString("Gtid_IO_Pos")
                    : "IO thread " + rs.getString("Replica_IO_Running") + " (" + rs.getString("Last_IO_Error")
                            + "), SQL thread " + rs.getString("Replica_SQL_Running") + " ("
                            + rs.getString("Last_SQL_Error") + "), Executed_Gtid_Set "
                            + rs.getString("Executed_Gtid_Set");
        } catch (SQLException e) {
            return "status unavailable: " + e.getMessage();
        }
    }
}
