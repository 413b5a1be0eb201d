package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Drivers cancel a statement by sending {@code KILL QUERY <id from the handshake>} on a second
 * connection; through the connector that id is the connector's, which it maps to the server thread.
 */
@Timeout(60)
class CancelIT {

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    @ParameterizedTest
    @EnumSource(ConnectorHarness.Driver.class)
    void aQueryTimeoutCancelsTheStatementOnTheServerAndTheConnectionCarriesOn(ConnectorHarness.Driver driver)
            throws Exception {
        try (Connection connection = turnout.connect(driver, "");
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(1);
            long started = System.nanoTime();
            assertThatThrownBy(() -> statement.executeQuery("select sleep(20)").next())
                    .isInstanceOf(SQLTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            statement.setQueryTimeout(0);
            assertThat(ConnectorHarness.queryLong(connection, "select @@server_id"))
                    .isEqualTo(turnout.primaryServerId());
        }
    }

    @Test
    void aKillOfAnIdNoSessionHasIsRefusedWithoutReachingTheServer() throws Exception {
        try (Connection connection = turnout.connect(ConnectorHarness.Driver.MARIADB, "");
                Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute("KILL QUERY 2147483000"))
                    .isInstanceOfSatisfying(
                            SQLException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(1094));
            assertThat(ConnectorHarness.queryLong(connection, "select 1")).isEqualTo(1);
        }
    }

    @Test
    void aKillConnectionOfAnotherSessionClosesItsBackend() throws Exception {
        try (Connection victim = turnout.connect(ConnectorHarness.Driver.MYSQL, "");
                Connection killer = turnout.connect(ConnectorHarness.Driver.MYSQL, "")) {
            long victimId =
                    ((com.mysql.cj.jdbc.JdbcConnection) victim).getSession().getThreadId();
            assertThat(victimId)
                    .isGreaterThanOrEqualTo(dev.turnout.connector.session.SessionServices.FIRST_CONNECTION_ID);
            try (Statement statement = killer.createStatement()) {
                statement.execute("KILL " + victimId);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (victim.isValid(1) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(victim.isValid(1)).isFalse();
            assertThat(ConnectorHarness.queryLong(killer, "select 1")).isEqualTo(1);
        }
    }
}
