package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * connector-idle-release with read/write splitting and the backend pool: released sessions give
 * their connections to the pool, take them back at their next statement (the primary sees few new
 * connections), and their state follows them to the replicas again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IdleReleaseSplitIT {

    @RegisterExtension
    static final ConnectorExtension turnout =
            new ConnectorExtension("connector-idle-release=1s\nconnector-backend-pool=8\nconnector-qos=RO_RELAXED\n");

    private static long primaryStatus(String variable) throws Exception {
        try (Connection root = turnout.cluster().primary().rootConnection()) {
            return ConnectorHarness.queryLong(
                    root,
                    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '" + variable
                            + "'");
        }
    }

    @Test
    void releasedSessionsReuseThePoolAndTheirStateFollowsThemToTheReplicas() throws Exception {
        Set<Long> replicas = ConnectorHarness.replicaIds(turnout.cluster());
        long primaryId;
        try (Connection root = turnout.cluster().primary().rootConnection()) {
            primaryId = ConnectorHarness.queryLong(root, "SELECT @@server_id");
        }
        List<Connection> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Connection c = turnout.connect(i % 2 == 0 ? Driver.MYSQL : Driver.MARIADB, "");
                sessions.add(c);
                try (Statement st = c.createStatement()) {
                    st.execute("SET SESSION sql_mode = 'ANSI_QUOTES'");
                }
                ConnectorHarness.awaitReadFrom(c, replicas);
            }
            long resetsBefore = primaryStatus("Com_change_db");
            Thread.sleep(3_000); // idle for 2-3 checks: every session released, its connections pooled
            assertThat(primaryStatus("Com_change_db") - resetsBefore)
                    .as("primary connections reset for the pool (COM_RESET_CONNECTION, then COM_INIT_DB)")
                    .isGreaterThanOrEqualTo(6);
            long connectionsBefore = primaryStatus("CONNECTIONS");

            for (Connection c : sessions) {
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT @@sql_mode, @@server_id")) {
                    rs.next();
                    assertThat(rs.getString(1))
                            .as("the session's sql_mode, after its release")
                            .isEqualTo("ANSI_QUOTES");
                    assertThat(rs.getLong(2)).as("a read, on a replica").isIn(replicas);
                }
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT @@server_id FROM DUAL FOR UPDATE")) {
                    rs.next();
                    assertThat(rs.getLong(1))
                            .as("a locking read, on the primary")
                            .isEqualTo(primaryId);
                }
            }
            long opened = primaryStatus("CONNECTIONS") - connectionsBefore - 1; // our own root connection
            System.out.println("6 released sessions back: " + opened + " new connection(s) on the primary");
            assertThat(opened)
                    .as("new primary connections for 6 sessions coming back from the pool")
                    .isLessThan(6);
        } finally {
            for (Connection c : sessions) {
                c.close();
            }
        }
    }
}
