package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * connector-idle-release: idle sessions let their backend connections go and get them back, with
 * their state, at their next statement; sessions whose state lives only in their connection keep
 * it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IdleReleaseIT {

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension("connector-idle-release=1s\n");

    /** The primary's connections opened by this connector's sessions (the connector's own probes carry no such attribute). */
    private static long sessionConnections() throws Exception {
        try (Connection root = turnout.cluster().primary().rootConnection()) {
            return ConnectorHarness.queryLong(
                    root,
                    "SELECT COUNT(*) FROM performance_schema.session_connect_attrs"
                            + " WHERE ATTR_NAME = '_turnout_client'");
        }
    }

    private static void awaitSessionConnections(long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long seen = sessionConnections();
        while (seen != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
            seen = sessionConnections();
        }
        assertThat(seen)
                .as("backend connections of the connector's sessions on the primary")
                .isEqualTo(expected);
    }

    @Test
    void idleSessionsLetTheirConnectionsGoAndComeBackWithTheirState() throws Exception {
        awaitSessionConnections(0);
        List<Connection> sessions = new ArrayList<>();
        List<PreparedStatement> prepared = new ArrayList<>();
        long primaryId;
        try (Connection root = turnout.cluster().primary().rootConnection()) {
            primaryId = ConnectorHarness.queryLong(root, "SELECT @@server_id");
        }
        try {
            for (int i = 0; i < 10; i++) {
                Driver driver = i % 2 == 0 ? Driver.MYSQL : Driver.MARIADB;
                Connection c = turnout.connect(driver, "useServerPrepStmts=true");
                sessions.add(c);
                try (Statement st = c.createStatement()) {
                    st.execute("SET SESSION sql_mode = 'ANSI_QUOTES'");
                    st.execute("USE information_schema"); // a schema every user may use
                }
                PreparedStatement ps = c.prepareStatement("SELECT ? + 1, @@server_id");
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(i + 1);
                }
                prepared.add(ps);
            }
            awaitSessionConnections(0); // all ten idle for 1-2 s: released

            for (int i = 0; i < sessions.size(); i++) {
                try (Statement st = sessions.get(i).createStatement();
                        ResultSet rs = st.executeQuery("SELECT @@sql_mode, DATABASE(), @@server_id")) {
                    rs.next();
                    assertThat(rs.getString(1)).as("sql_mode of session %d", i).isEqualTo("ANSI_QUOTES");
                    assertThat(rs.getString(2)).as("database of session %d", i).isEqualTo("information_schema");
                    assertThat(rs.getLong(3)).isEqualTo(primaryId);
                }
                PreparedStatement ps = prepared.get(i);
                ps.setInt(1, 100 + i);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1))
                            .as("prepared statement of session %d, after its release", i)
                            .isEqualTo(101 + i);
                    assertThat(rs.getLong(2)).isEqualTo(primaryId);
                }
            }
            assertThat(sessionConnections()).as("active again").isEqualTo(10);
        } finally {
            for (Connection c : sessions) {
                c.close();
            }
        }
        awaitSessionConnections(0);
    }

    @Test
    void killQueryLeavesAReleasedSessionAloneAndKillEndsIt() throws Exception {
        awaitSessionConnections(0);
        try (Connection victim = turnout.connect(Driver.MYSQL, "");
                Connection killer = turnout.connect(Driver.MYSQL, "")) {
            long victimId =
                    ((com.mysql.cj.jdbc.JdbcConnection) victim).getSession().getThreadId();
            ConnectorHarness.queryLong(victim, "SELECT 1");
            awaitSessionConnections(0); // both idle, both released

            try (Statement st = killer.createStatement()) {
                st.execute("KILL QUERY " + victimId);
            }
            assertThat(ConnectorHarness.queryLong(victim, "SELECT 2"))
                    .as("after KILL QUERY")
                    .isEqualTo(2);
            awaitSessionConnections(0);

            try (Statement st = killer.createStatement()) {
                st.execute("KILL " + victimId);
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConnectorHarness.queryLong(victim, "SELECT 3"))
                    .as("the killed session")
                    .isInstanceOf(java.sql.SQLException.class);
            assertThat(ConnectorHarness.queryLong(killer, "SELECT 4")).isEqualTo(4);
        }
    }

    @Test
    void aSessionInATransactionOrWithConnectionBoundStateKeepsItsConnection() throws Exception {
        awaitSessionConnections(0);
        try (Connection inTransaction = turnout.connect(Driver.MARIADB, "");
                Connection withVariable = turnout.connect(Driver.MYSQL, "");
                Connection idle = turnout.connect(Driver.MYSQL, "")) {
            try (Statement st = inTransaction.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS test.idle_release (id INT PRIMARY KEY)");
                st.execute("DELETE FROM test.idle_release");
            }
            inTransaction.setAutoCommit(false);
            try (Statement st = inTransaction.createStatement()) {
                st.execute("INSERT INTO test.idle_release VALUES (1)");
            }
            try (Statement st = withVariable.createStatement()) {
                st.execute("SELECT @v := 5");
            }
            ConnectorHarness.queryLong(idle, "SELECT 1");

            awaitSessionConnections(2); // the idle one went
            Thread.sleep(2_500); // two more checks: the other two stay
            assertThat(sessionConnections()).isEqualTo(2);

            inTransaction.commit();
            try (Statement st = withVariable.createStatement();
                    ResultSet rs = st.executeQuery("SELECT @v")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the user variable is still there").isEqualTo(5);
            }
            assertThat(ConnectorHarness.queryLong(idle, "SELECT COUNT(*) FROM test.idle_release"))
                    .as("the committed row, read by the released session once back")
                    .isEqualTo(1);
        }
    }
}
