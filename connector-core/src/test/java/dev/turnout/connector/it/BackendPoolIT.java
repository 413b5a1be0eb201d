package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * connector-backend-pool: sessions that come and go reuse authenticated backend connections (the
 * primary counts far fewer connections than sessions), and a reused connection carries nothing of
 * the session before it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackendPoolIT {

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension("connector-backend-pool=4\n");

    private static long primaryConnections() throws Exception {
        try (Connection root = turnout.cluster().primary().rootConnection()) {
            return ConnectorHarness.queryLong(
                    root,
                    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'CONNECTIONS'");
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void sessionsThatComeAndGoReuseBackendConnections(Driver driver) throws Exception {
        try (Connection warm = turnout.connect(driver, "")) {
            ConnectorHarness.queryLong(warm, "SELECT 1");
        }
        Thread.sleep(100); // the released connection's reset
        long before = primaryConnections();
        for (int i = 0; i < 50; i++) {
            try (Connection c = turnout.connect(driver, "")) {
                assertThat(ConnectorHarness.queryLong(c, "SELECT 41 + 1")).isEqualTo(42);
            }
            Thread.sleep(10);
        }
        long opened = primaryConnections() - before - 1; // our own root connection counts once
        System.out.println(driver + ": 50 sessions opened " + opened + " backend connection(s) on the primary");
        assertThat(opened).isLessThan(10);
    }

    @Test
    void aReusedConnectionCarriesNothingOfTheSessionBefore() throws Exception {
        long thread;
        try (Connection first = turnout.connect(Driver.MARIADB, "");
                Statement st = first.createStatement()) {
            thread = ConnectorHarness.queryLong(first, "SELECT CONNECTION_ID()");
            st.execute("SET @x = 7");
            st.execute("SET SESSION sql_mode = 'ANSI_QUOTES'");
            st.execute("CREATE TEMPORARY TABLE pooled_tmp (i INT)");
            st.execute("USE information_schema"); // a schema every user may use
            first.setAutoCommit(false);
            st.execute("SELECT 1");
        }
        Thread.sleep(200);
        boolean reused = false;
        for (int i = 0; i < 4 && !reused; i++) {
            try (Connection next = turnout.connect(Driver.MARIADB, "");
                    Statement st = next.createStatement();
                    ResultSet rs = st.executeQuery("SELECT CONNECTION_ID(), @x, @@sql_mode, DATABASE()")) {
                rs.next();
                if (rs.getLong(1) == thread) {
                    reused = true;
                    assertThat(rs.getString(2)).as("user variable").isNull();
                    assertThat(rs.getString(3)).as("sql_mode").isNotEqualTo("ANSI_QUOTES");
                    assertThat(rs.getString(4)).as("database").isEqualTo("test");
                    java.sql.SQLException gone = org.junit.jupiter.api.Assertions.assertThrows(
                            java.sql.SQLException.class,
                            () -> st.executeQuery("SELECT * FROM pooled_tmp").close());
                    assertThat(gone.getErrorCode())
                            .as("the temporary table is gone: %s", gone)
                            .isEqualTo(1146);
                }
            }
        }
        assertThat(reused).as("the backend connection %d was reused", thread).isTrue();
    }
}
