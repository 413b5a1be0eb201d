package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.SandboxCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Session variables, user variables, LAST_INSERT_ID(), FOUND_ROWS(), temporary tables and prepared
 * statements behave through a read/write-splitting connector exactly as on a direct connection:
 * one script runs both ways and the transcripts are compared.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionBehaviourIT {

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension("connector-qos=RO_RELAXED\n");

    @ParameterizedTest
    @EnumSource(Driver.class)
    void theSameScriptGivesTheSameTranscriptDirectAndThroughTheConnector(Driver driver) throws Exception {
        SandboxCluster cluster = turnout.cluster();
        String direct = driver.url(cluster.primary().port(), "useServerPrepStmts=true&allowMultiQueries=true");
        List<String> expected;
        try (Connection c = DriverManager.getConnection(direct, cluster.appUser(), cluster.appPassword())) {
            expected = script(c, driver.name() + "_d");
        }
        List<String> actual;
        try (Connection c = turnout.connect(driver, "useServerPrepStmts=true&allowMultiQueries=true")) {
            actual = script(c, driver.name() + "_c");
        }
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("step %d", i).isEqualTo(expected.get(i));
        }
    }

    /** Runs the script and returns what each step printed. {@code tag} keeps the two runs' tables apart. */
    private static List<String> script(Connection c, String tag) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS test.beh_" + tag + " (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
            st.execute("TRUNCATE TABLE test.beh_" + tag);
            // Session and user variables.
            st.execute("SET SESSION sql_mode = 'ANSI_QUOTES,NO_ENGINE_SUBSTITUTION'");
            out.add(query(st, "SELECT @@sql_mode"));
            st.execute("SET @a = 5, @b = 'x'");
            out.add(query(st, "SELECT @a, @b"));
            out.add(query(st, "SELECT @a := @a + 1"));
            out.add(query(st, "SELECT @a"));
            st.execute("SET NAMES latin1");
            out.add(query(st, "SELECT @@character_set_client, @@character_set_results"));
            st.execute("SET NAMES utf8mb4");
            out.add(query(st, "SELECT 'ünïcödé ✓', @@character_set_connection"));
            st.execute("SET time_zone = '+05:30'");
            out.add(query(st, "SELECT @@time_zone, CONVERT_TZ('2020-01-01 00:00:00', @@time_zone, '+00:00')"));
            // LAST_INSERT_ID, ROW_COUNT, FOUND_ROWS.
            st.executeUpdate("INSERT INTO test.beh_" + tag + " (v) VALUES (10), (20), (30)");
            out.add(query(st, "SELECT LAST_INSERT_ID()"));
            out.add(query(st, "SELECT ROW_COUNT()"));
            st.executeUpdate("INSERT INTO test.beh_" + tag + " (v) VALUES (40)");
            out.add(query(st, "SELECT LAST_INSERT_ID()"));
            out.add(query(st, "SELECT SQL_CALC_FOUND_ROWS v FROM test.beh_" + tag + " ORDER BY id LIMIT 1"));
            out.add(query(st, "SELECT FOUND_ROWS()"));
            // Warnings of the previous statement.
            out.add(query(st, "SELECT CAST('12abc' AS SIGNED)"));
            out.add(query(st, "SHOW WARNINGS"));
            // SQL-level prepared statements.
            st.execute("PREPARE s FROM 'SELECT ? + 1'");
            st.execute("SET @x = 41");
            out.add(query(st, "EXECUTE s USING @x"));
            st.execute("DEALLOCATE PREPARE s");
            // Binary-protocol prepared statements, reads and writes.
            try (PreparedStatement ps = c.prepareStatement("SELECT v * ? FROM test.beh_" + tag + " WHERE id = ?")) {
                for (int i = 1; i <= 4; i++) {
                    ps.setInt(1, i);
                    ps.setInt(2, i);
                    out.add(result(ps.executeQuery()));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO test.beh_" + tag + " (v) VALUES (?)")) {
                ps.setInt(1, 50);
                out.add("updated " + ps.executeUpdate());
            }
            out.add(query(st, "SELECT LAST_INSERT_ID()"));
            // Named locks.
            out.add(query(st, "SELECT GET_LOCK('beh_" + tag + "', 1)"));
            out.add(query(st, "SELECT IS_FREE_LOCK('beh_" + tag + "')"));
            out.add(query(st, "SELECT RELEASE_LOCK('beh_" + tag + "')"));
            // Temporary tables.
            st.execute("CREATE TEMPORARY TABLE tmp (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
            st.executeUpdate("INSERT INTO tmp (v) VALUES (1), (2)");
            out.add(query(st, "SELECT LAST_INSERT_ID(), COUNT(*) FROM tmp"));
            out.add(query(st, "SELECT @a, @@sql_mode"));
            st.execute("DROP TEMPORARY TABLE tmp");
            st.execute("DROP TABLE test.beh_" + tag);
        }
        return out;
    }

    private static String query(Statement st, String sql) throws SQLException {
        return result(st.executeQuery(sql));
    }

    private static String result(ResultSet rs) throws SQLException {
        try (rs) {
            StringBuilder text = new StringBuilder();
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    text.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                text.append('\n');
            }
            return text.toString();
        }
    }
}
