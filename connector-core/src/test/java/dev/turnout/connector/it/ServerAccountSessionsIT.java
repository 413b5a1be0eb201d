package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.DbServer;
import dev.turnout.testkit.RawClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11 item 1, the sessions of a primary's account: an expired password, a locked account and
 * a forbidden database answered as direct (MySQL Connector/J, MariaDB Connector/J, a raw client
 * with and without CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS), reads split to the replicas and a login
 * again after the backend connection was let go, with the SHA1(pw) recovered at login.
 */
@Timeout(120)
class ServerAccountSessionsIT {

    private static final long CAN_HANDLE_EXPIRED_PASSWORDS = 1L << 22;

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    private static final PrimaryAccounts accounts = new PrimaryAccounts(turnout);

    @BeforeAll
    static void grantTheServiceAccountItsRead() throws SQLException {
        accounts.grantServiceRead();
    }

    @AfterAll
    static void dropTheAccounts() throws SQLException {
        accounts.dropAll();
    }

    /**
     * With MariaDB's default {@code disconnect_on_expired_password=OFF} every client logs in to an
     * expired account and may only set its password (1820 otherwise); with {@code ON} a client that
     * does not declare CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS is refused with 1862. Through the connector
     * exactly as direct, for a raw client with and without the capability and for both drivers.
     */
    @Test
    void anExpiredPasswordBehavesAsDirect() throws Exception {
        String user = accounts.newAccount("expired-pw");
        accounts.loginWithin(Driver.MARIADB, user, "expired-pw", Duration.ofMillis(1500))
                .close();
        DbServer primary = turnout.cluster().primary();
        try {
            for (String disconnect : List.of("OFF", "ON")) {
                accounts.asRoot("SET GLOBAL disconnect_on_expired_password = " + disconnect);
                accounts.asRoot("ALTER USER '" + user + "'@'%' PASSWORD EXPIRE");
                for (long capability : new long[] {0, CAN_HANDLE_EXPIRED_PASSWORDS}) {
                    String direct = PrimaryAccounts.rawOutcome(primary.port(), user, "expired-pw", capability);
                    String through = PrimaryAccounts.rawOutcome(turnout.port(), user, "expired-pw", capability);
                    System.out.printf(
                            "expired, disconnect_on_expired_password=%s, capability %s: direct %s, through %s%n",
                            disconnect, capability != 0, direct, through);
                    assertThat(through).isEqualTo(direct).doesNotContain("1045");
                }
                for (Driver driver : Driver.values()) {
                    String direct = PrimaryAccounts.driverOutcome(
                            () -> accounts.directLogin(driver, primary, user, "expired-pw"));
                    String through =
                            PrimaryAccounts.driverOutcome(() -> driver.connect(turnout.port(), user, "expired-pw", ""));
                    System.out.printf(
                            "expired, disconnect_on_expired_password=%s, %s: direct %s, through %s%n",
                            disconnect, driver, direct, through);
                    assertThat(through).isEqualTo(direct).doesNotContain("1045");
                }
            }
            assertThat(PrimaryAccounts.rawOutcome(primary.port(), user, "expired-pw", 0))
                    .contains("1862");
        } finally {
            accounts.asRoot("SET GLOBAL disconnect_on_expired_password = OFF");
        }

        // A client that can handle it logs in, may not query, sets its password, and goes on.
        try (RawClient client = RawClient.connect(turnout.port())) {
            client.authenticate(user, "expired-pw", "test", RawClient.CAPABILITIES | CAN_HANDLE_EXPIRED_PASSWORDS);
            assertThat(SqlErrors.thrownBy(() -> client.queryLong("SELECT 1")).getErrorCode())
                    .isEqualTo(1820);
            client.query("SET PASSWORD = PASSWORD('renewed-pw')");
            assertThat(client.queryLong("SELECT 1")).isEqualTo(1);
        }
        accounts.loginWithin(Driver.MARIADB, user, "renewed-pw", Duration.ofMillis(1500))
                .close();
    }

    /** What the primary refuses after the connector verified the password is the primary's own answer, as direct. */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void aLockedAccountAndAForbiddenDatabaseGetTheServersErrors(Driver driver) throws Exception {
        String user = accounts.newAccount("locked-pw");
        accounts.loginWithin(driver, user, "locked-pw", Duration.ofMillis(1500)).close();
        DbServer primary = turnout.cluster().primary();

        accounts.asRoot("REVOKE SELECT ON test.* FROM '" + user + "'@'%'");
        String directDb = PrimaryAccounts.driverOutcome(() -> accounts.directLogin(driver, primary, user, "locked-pw"));
        String throughDb = PrimaryAccounts.driverOutcome(() -> driver.connect(turnout.port(), user, "locked-pw", ""));
        assertThat(throughDb).isEqualTo(directDb).isEqualTo("login 1044");

        accounts.asRoot("GRANT SELECT ON test.* TO '" + user + "'@'%'");
        accounts.asRoot("ALTER USER '" + user + "'@'%' ACCOUNT LOCK");
        String directLocked =
                PrimaryAccounts.driverOutcome(() -> accounts.directLogin(driver, primary, user, "locked-pw"));
        String throughLocked =
                PrimaryAccounts.driverOutcome(() -> driver.connect(turnout.port(), user, "locked-pw", ""));
        assertThat(throughLocked).isEqualTo(directLocked).isEqualTo("login 4151");
    }

    /** The recovered SHA1(pw) logs the session in to the replicas too: its reads are split as the application user's. */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void aPrimarysAccountReadsFromTheReplicasWhenReadsAreSplit(Driver driver) throws Exception {
        String user = accounts.newAccount("split-pw");
        ConnectorServer split = ConnectorHarness.start(turnout.cluster(), "connector-qos=RO_RELAXED\n");
        try {
            try (Connection session =
                    PrimaryAccounts.loginWithin(driver, split.port(), user, "split-pw", Duration.ofSeconds(3))) {
                ConnectorHarness.awaitReadFrom(session, ConnectorHarness.replicaIds(turnout.cluster()));
                assertThat(PrimaryAccounts.queryString(session, "SELECT CURRENT_USER()"))
                        .isEqualTo(user + "@%");
            }
        } finally {
            split.shutdown(Duration.ofSeconds(2));
        }
    }

    /**
     * A session of a primary's account logs in again by itself with the recovered SHA1(pw): here
     * after {@code connector-idle-release} let its backend connection go, as after a failover.
     */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void aPrimarysAccountLogsInAgainAfterItsConnectionWasLetGo(Driver driver) throws Exception {
        String user = accounts.newAccount("again-pw");
        ConnectorServer releasing = ConnectorHarness.start(turnout.cluster(), "connector-idle-release=200ms\n");
        try {
            try (Connection session =
                    PrimaryAccounts.loginWithin(driver, releasing.port(), user, "again-pw", Duration.ofSeconds(3))) {
                long first = ConnectorHarness.queryLong(session, "SELECT CONNECTION_ID()");
                assertThat(PrimaryThreads.awaitGone(turnout.cluster().primary(), first, Duration.ofSeconds(10)))
                        .as("the idle session let its backend connection go")
                        .isTrue();
                long second = ConnectorHarness.queryLong(session, "SELECT CONNECTION_ID()");
                assertThat(second).isNotEqualTo(first);
                assertThat(PrimaryAccounts.queryString(session, "SELECT CURRENT_USER()"))
                        .isEqualTo(user + "@%");
            }
        } finally {
            releasing.shutdown(Duration.ofSeconds(2));
        }
    }
}
