package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.mysql.cj.jdbc.JdbcConnection;
import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Session-level commands through the connector: connection attributes, COM_CHANGE_USER,
 * COM_RESET_CONNECTION, COM_PING, and what a client sees of a connector that shut down.
 */
@Timeout(60)
class SessionCommandsIT {

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    private static String userVariable(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("select @turnout_it_marker")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static void setUserVariable(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("set @turnout_it_marker = 'kept'");
        }
        assertThat(userVariable(connection)).isEqualTo("kept");
    }

    /** Both drivers have a {@code connectionAttributes=key:value} option. */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void passesClientConnectionAttributesToTheServer(Driver driver) throws Exception {
        try (Connection c = turnout.connect(driver, "connectionAttributes=turnout_it:yes")) {
            Assumptions.assumeTrue(
                    ConnectorHarness.queryLong(c, "select @@performance_schema") == 1,
                    "performance_schema is OFF on the sandbox servers: session_connect_attrs cannot be read");
            // Read as root: the application user has no privilege on performance_schema.
            long backendThread = ConnectorHarness.queryLong(c, "select connection_id()");
            Map<String, String> attributes = new HashMap<>();
            try (Connection root = turnout.cluster().primary().rootConnection();
                    java.sql.PreparedStatement s = root.prepareStatement(
                            "select attr_name, attr_value from performance_schema.session_connect_attrs"
                                    + " where processlist_id = ?")) {
                s.setLong(1, backendThread);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        attributes.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            assertThat(attributes).containsEntry("turnout_it", "yes").containsKey("_turnout_client");
            assertThat(attributes.get("_turnout_client")).startsWith("127.0.0.1:");
            assertThat(ConnectorHarness.queryLong(c, "select @@server_id")).isEqualTo(turnout.primaryServerId());
        }
    }

    /** MySQL Connector/J only: MariaDB Connector/J has no public change-user call. */
    @Test
    void changeUserStartsAFreshSessionOnThePrimary() throws Exception {
        try (Connection c = turnout.connect(Driver.MYSQL, "")) {
            setUserVariable(c);
            c.unwrap(JdbcConnection.class)
                    .changeUser(turnout.cluster().appUser(), turnout.cluster().appPassword());
            assertThat(userVariable(c)).isNull();
            assertThat(ConnectorHarness.queryLong(c, "select @@server_id")).isEqualTo(turnout.primaryServerId());
            assertThat(ConnectorHarness.queryLong(c, "select database() = 'test'"))
                    .isEqualTo(1);
            // The session works normally after the change: a statement, a prepared statement, a ping.
            try (PreparedStatement p = c.prepareStatement("select ? + 1")) {
                p.setInt(1, 41);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(42);
                }
            }
            assertThat(c.isValid(2)).isTrue();
        }
    }

    /** MySQL Connector/J only, as above. */
    @Test
    void changeUserWithAWrongPasswordIsDenied() throws Exception {
        try (Connection c = turnout.connect(Driver.MYSQL, "")) {
            assertThatExceptionOfType(SQLException.class)
                    .isThrownBy(() -> c.unwrap(JdbcConnection.class)
                            .changeUser(turnout.cluster().appUser(), "not-the-password"))
                    .satisfies(e -> {
                        assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(1045);
                        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("28000");
                    });
        }
    }

    /**
     * MariaDB Connector/J: {@code Connection#reset()} sends COM_RESET_CONNECTION only with
     * {@code useResetConnection=true} (without it, it resets the driver's own state only).
     */
    @Test
    void mariadbResetForgetsUserVariables() throws Exception {
        try (Connection c = turnout.connect(Driver.MARIADB, "useResetConnection=true")) {
            long backendThread = ConnectorHarness.queryLong(c, "select connection_id()");
            setUserVariable(c);
            c.unwrap(org.mariadb.jdbc.Connection.class).reset();
            assertThat(userVariable(c)).isNull();
            // A reset, not a reconnect: the same backend session, still on the primary.
            assertThat(ConnectorHarness.queryLong(c, "select connection_id()")).isEqualTo(backendThread);
            assertThat(ConnectorHarness.queryLong(c, "select @@server_id")).isEqualTo(turnout.primaryServerId());
        }
    }

    /** MySQL Connector/J: {@code resetServerState()}, which sends COM_RESET_CONNECTION. */
    @Test
    void mysqlResetServerStateForgetsUserVariables() throws Exception {
        try (Connection c = turnout.connect(Driver.MYSQL, "")) {
            long backendThread = ConnectorHarness.queryLong(c, "select connection_id()");
            setUserVariable(c);
            c.unwrap(JdbcConnection.class).resetServerState();
            assertThat(userVariable(c)).isNull();
            assertThat(ConnectorHarness.queryLong(c, "select connection_id()")).isEqualTo(backendThread);
            assertThat(ConnectorHarness.queryLong(c, "select @@server_id")).isEqualTo(turnout.primaryServerId());
        }
    }

    /** {@code setCatalog} switches the default database (COM_INIT_DB, or USE) on the same backend session. */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void switchesTheDefaultDatabase(Driver driver) throws Exception {
        try (Connection c = turnout.connect(driver, "")) {
            long backendThread = ConnectorHarness.queryLong(c, "select connection_id()");
            try (Statement s = c.createStatement()) {
                s.execute("create database if not exists turnout_it_other");
            }
            try {
                c.setCatalog("turnout_it_other");
                assertThat(ConnectorHarness.queryLong(c, "select database() = 'turnout_it_other'"))
                        .isEqualTo(1);
                c.setCatalog("test");
                assertThat(ConnectorHarness.queryLong(c, "select database() = 'test'"))
                        .isEqualTo(1);
                assertThat(ConnectorHarness.queryLong(c, "select connection_id()"))
                        .isEqualTo(backendThread);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("drop database if exists turnout_it_other");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void pingAnswersWhileTheConnectorRunsAndFailsAfterItShutDown(Driver driver) throws Exception {
        ConnectorServer own = ConnectorHarness.start(turnout.cluster());
        try (Connection c = driver.connect(
                own.port(), turnout.cluster().appUser(), turnout.cluster().appPassword(), "")) {
            assertThat(c.isValid(2)).isTrue();
            assertThat(c.isValid(2)).isTrue();
            assertThat(ConnectorHarness.queryLong(c, "select @@server_id")).isEqualTo(turnout.primaryServerId());
            own.shutdown(Duration.ofSeconds(2));
            assertThat(c.isValid(2)).isFalse();
        } finally {
            own.shutdown(Duration.ofSeconds(2));
        }
    }
}
