package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A backend connection killed on the primary ({@code KILL CONNECTION} as root) ends its client
 * session: at once with an error when a statement runs, at the next statement when idle. Other
 * sessions carry on.
 */
@Timeout(60)
class BackendFailureIT {

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    @RegisterExtension
    static final OtherSessionsCarryOn carryOn = new OtherSessionsCarryOn(turnout);

    @ParameterizedTest
    @EnumSource(Driver.class)
    void anIdleSessionWhoseBackendIsKilledFailsItsNextStatementAndIsClosed(Driver driver) throws Exception {
        try (Connection connection = turnout.connect(driver, "")) {
            long backendThread = ConnectorHarness.queryLong(connection, "select connection_id()");

            PrimaryThreads.kill(turnout.cluster().primary(), backendThread);
            assertThat(PrimaryThreads.awaitGone(turnout.cluster().primary(), backendThread, Duration.ofSeconds(5)))
                    .isTrue();

            SQLException failed = SqlErrors.thrownBy(() -> ConnectorHarness.queryLong(connection, "select 1"));
            // The connector closed the session when its backend went away; each driver reports the
            // closed socket its own way (Connector/J: 08S01 communications link failure,
            // MariaDB Connector/J: 08000 socket error).
            assertThat(failed.getSQLState())
                    .as("a connection error: %s", failed)
                    .startsWith("08");
            assertThat(connection.isValid(2)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aSessionWhoseBackendIsKilledDuringAStatementGetsAnErrorPromptly(Driver driver) throws Exception {
        try (Connection connection = turnout.connect(driver, "")) {
            long backendThread = ConnectorHarness.queryLong(connection, "select connection_id()");
            CompletableFuture<Long> sleeping = CompletableFuture.supplyAsync(() -> {
                try {
                    return ConnectorHarness.queryLong(connection, "select sleep(5)");
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            assertThat(PrimaryThreads.awaitRunning(turnout.cluster().primary(), backendThread, Duration.ofSeconds(5)))
                    .isTrue();

            long killed = System.nanoTime();
            PrimaryThreads.kill(turnout.cluster().primary(), backendThread);
            Throwable outcome;
            try {
                outcome = new AssertionError("the statement succeeded: " + sleeping.get(10, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                outcome = e.getCause();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - killed);

            assertThat(outcome).isInstanceOf(SQLException.class);
            SQLException failed = (SQLException) outcome;
            // MariaDB closes a killed connection without an ERR of its own, so the error is the
            // connector's: the backend was lost before any part of the result was sent.
            assertThat(failed.getErrorCode()).as("error code of %s", failed).isEqualTo(1927);
            assertThat(failed.getSQLState()).as("SQLSTATE of %s", failed).isEqualTo("08S01");
            assertThat(failed.getMessage())
                    .contains("Lost connection to backend "
                            + turnout.cluster().primary().hostPort() + " during query");
            assertThat(elapsed).isLessThan(Duration.ofSeconds(2));
            assertThat(connection.isValid(2)).isFalse();
        }
    }
}
