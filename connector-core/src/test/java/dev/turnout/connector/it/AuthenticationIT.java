package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.message.server.AuthMoreData;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.testkit.RawClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Bad input gets a clear answer": wrong credentials are refused with 1045/28000 by both drivers,
 * as fast as a correct login is accepted, and the connector verifies both password methods itself.
 */
@Timeout(60)
class AuthenticationIT {

    private static final int TIMED_LOGINS = 20;

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aWrongPasswordIsRefusedWithAccessDenied(Driver driver) {
        SandboxCluster cluster = turnout.cluster();
        SQLException refused = SqlErrors.thrownBy(
                () -> driver.connect(turnout.port(), cluster.appUser(), "not-" + cluster.appPassword(), ""));

        assertThat(refused.getErrorCode()).isEqualTo(1045);
        assertThat(refused.getSQLState()).isEqualTo("28000");
        assertThat(refused.getMessage()).contains("Access denied for user '" + cluster.appUser() + "'@'127.0.0.1'");
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aWrongUserIsRefusedWithAccessDenied(Driver driver) {
        SQLException refused = SqlErrors.thrownBy(() ->
                driver.connect(turnout.port(), "intruder", turnout.cluster().appPassword(), ""));

        assertThat(refused.getErrorCode()).isEqualTo(1045);
        assertThat(refused.getSQLState()).isEqualTo("28000");
        assertThat(refused.getMessage()).contains("Access denied for user 'intruder'@'127.0.0.1'");
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aWrongLoginIsAnsweredNoSlowerThanARightOne(Driver driver) throws Exception {
        long[] right = new long[TIMED_LOGINS];
        long[] wrong = new long[TIMED_LOGINS];
        // Warm up both paths (class loading, JIT, the driver's first-connection work).
        timeLogin(driver, turnout.cluster().appPassword(), true);
        timeLogin(driver, "wrong", false);
        for (int i = 0; i < TIMED_LOGINS; i++) {
            right[i] = timeLogin(driver, turnout.cluster().appPassword(), true);
            wrong[i] = timeLogin(driver, "wrong", false);
        }
        Arrays.sort(right);
        Arrays.sort(wrong);
        long rightMedian = right[TIMED_LOGINS / 2];
        long wrongMedian = wrong[TIMED_LOGINS / 2];
        System.out.printf(
                "login timing with %s: median right %.2f ms, median wrong %.2f ms, slowest wrong %.2f ms%n",
                driver, rightMedian / 1e6, wrongMedian / 1e6, wrong[TIMED_LOGINS - 1] / 1e6);

        // No artificial delay and no timeout: a refusal takes about as long as an acceptance
        // (less, as no backend is opened). The bounds are generous for a shared 2-core machine.
        assertThat(Duration.ofNanos(wrongMedian))
                .as("median wrong login vs median right login %s", Duration.ofNanos(rightMedian))
                .isLessThanOrEqualTo(Duration.ofNanos(2 * rightMedian).plusMillis(50));
        assertThat(Duration.ofNanos(wrong[TIMED_LOGINS - 1]))
                .as("slowest wrong login")
                .isLessThan(Duration.ofMillis(1000));
    }

    private long timeLogin(Driver driver, String password, boolean expectSuccess) throws SQLException {
        long start = System.nanoTime();
        try (Connection connection =
                driver.connect(turnout.port(), turnout.cluster().appUser(), password, "")) {
            long elapsed = System.nanoTime() - start;
            assertThat(expectSuccess)
                    .as("login with the right password succeeded")
                    .isTrue();
            assertThat(connection.isValid(5)).isTrue();
            return elapsed;
        } catch (SQLException e) {
            long elapsed = System.nanoTime() - start;
            if (expectSuccess || e.getErrorCode() != 1045) {
                throw e;
            }
            return elapsed;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {AuthPlugins.CACHING_SHA2_PASSWORD, AuthPlugins.MYSQL_NATIVE_PASSWORD})
    void mySqlConnectorJLogsInWithEitherDefaultPlugin(String plugin) throws Exception {
        String options = "defaultAuthenticationPlugin=" + plugin;
        try (Connection connection = turnout.connect(Driver.MYSQL, options)) {
            assertThat(ConnectorHarness.queryLong(connection, "select @@server_id"))
                    .isEqualTo(turnout.primaryServerId());
        }
        SQLException refused = SqlErrors.thrownBy(
                () -> Driver.MYSQL.connect(turnout.port(), turnout.cluster().appUser(), "wrong", options));
        assertThat(refused.getErrorCode()).isEqualTo(1045);
    }

    @Test
    void aCachingSha2ScrambleIsVerifiedByTheConnectorWithTheFastAuthMarker() throws Exception {
        try (RawClient client = RawClient.connect(turnout.port())) {
            RawClient.Packet marker = client.login(
                    turnout.cluster().appUser(), turnout.cluster().appPassword(), AuthPlugins.CACHING_SHA2_PASSWORD);
            assertThat(marker.payload()).containsExactly(AuthMoreData.HEADER, AuthMoreData.FAST_AUTH_SUCCESS);
            assertThat(marker.sequenceId()).isEqualTo(2);
            RawClient.Packet ok = client.readPacket();
            assertThat(ok.firstByte()).isZero();
            assertThat(ok.sequenceId()).isEqualTo(3);
            assertThat(client.queryLong("select @@server_id")).isEqualTo(turnout.primaryServerId());
        }
    }

    @Test
    void aNativeScrambleIsAcceptedWithoutAnAuthSwitch() throws Exception {
        try (RawClient client = RawClient.connect(turnout.port())) {
            RawClient.Packet ok = client.login(
                    turnout.cluster().appUser(), turnout.cluster().appPassword(), AuthPlugins.MYSQL_NATIVE_PASSWORD);
            assertThat(ok.firstByte()).isZero();
            assertThat(ok.sequenceId()).isEqualTo(2);
            assertThat(client.queryLong("select @@server_id")).isEqualTo(turnout.primaryServerId());
        }
    }

    @Test
    void aWrongCachingSha2ScrambleGetsAccessDeniedAndIsClosed() throws Exception {
        try (RawClient client = RawClient.connect(turnout.port())) {
            RawClient.Packet err =
                    client.login(turnout.cluster().appUser(), "wrong", AuthPlugins.CACHING_SHA2_PASSWORD);
            assertThat(err.isErr()).isTrue();
            assertThat(err.err().errorCode()).isEqualTo(1045);
            assertThat(err.err().sqlState()).isEqualTo("28000");
            assertThat(err.sequenceId()).isEqualTo(2);
            assertThat(client.awaitClosedByPeer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aLoginThePrimaryRefusesGetsThePrimarysOwnError(Driver driver) throws Exception {
        // The connector accepts the user; the primary refuses the unknown database: its ERR is passed through.
        // The name matches the application's schemas (test_*): for any other the server says 1044
        // (access denied to the database), not whether it exists.
        SQLException refused = SqlErrors.thrownBy(() -> java.sql.DriverManager.getConnection(
                        driver.url(turnout.port(), "").replace("/test?", "/test_no_such_database?"),
                        turnout.cluster().appUser(),
                        turnout.cluster().appPassword())
                .close());
        assertThat(refused.getErrorCode()).as("%s", refused).isEqualTo(1049);
        assertThat(refused.getSQLState()).isEqualTo("42000");
        assertThat(refused.getMessage()).contains("test_no_such_database");
    }
}
