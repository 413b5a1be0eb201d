package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mysql.cj.jdbc.JdbcConnection;
import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11 item 1: any account of the primary logs in through the connector as it does direct —
 * created a moment ago, changed, dropped, by COM_CHANGE_USER; refused alike when unknown or wrong;
 * the user map and connector-load-accounts=false still decide — with MySQL Connector/J and
 * MariaDB Connector/J ({@link ServerAccountSessionsIT}: what such sessions then do). Each test makes fresh unprivileged
 * accounts ({@code SELECT} on {@code test} only) as root on the primary; the service account
 * ({@code application-user}) is granted {@code SELECT ON mysql.global_priv} for the class, as
 * docs/configuration.md asks (the connector starts before the grant: its first read fails and a
 * login miss reads again).
 */
@Timeout(120)
class ServerAccountsIT {

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

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aUserCreatedOnThePrimaryLogsInWithinASecondWithoutRestart(Driver driver) throws Exception {
        String user = accounts.newAccount("first-pw");
        long created = System.nanoTime();

        try (Connection c = accounts.loginWithin(driver, user, "first-pw", Duration.ofMillis(1500))) {
            System.out.printf(
                    "%s: %s logged in %.1f ms after CREATE USER%n", driver, user, (System.nanoTime() - created) / 1e6);
            assertThat(PrimaryAccounts.queryString(c, "SELECT CURRENT_USER()")).isEqualTo(user + "@%");
            assertThat(ConnectorHarness.queryLong(c, "SELECT @@server_id")).isEqualTo(turnout.primaryServerId());
            assertThat(ConnectorHarness.queryLong(c, "SELECT COUNT(*) FROM information_schema.tables"))
                    .isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aChangedPasswordOrADroppedUserNoLongerLogsInWithTheOldPassword(Driver driver) throws Exception {
        String user = accounts.newAccount("old-pw");
        accounts.loginWithin(driver, user, "old-pw", Duration.ofMillis(1500)).close();

        accounts.asRoot("ALTER USER '" + user + "'@'%' IDENTIFIED BY 'new-pw'");
        assertThat(SqlErrors.thrownBy(() -> driver.connect(turnout.port(), user, "old-pw", ""))
                        .getErrorCode())
                .isEqualTo(1045);
        accounts.loginWithin(driver, user, "new-pw", Duration.ofMillis(1500)).close();

        accounts.asRoot("DROP USER '" + user + "'@'%'");
        assertThat(SqlErrors.thrownBy(() -> driver.connect(turnout.port(), user, "new-pw", ""))
                        .getErrorCode())
                .isEqualTo(1045);
        // Still refused once the connector has read the accounts again.
        accounts.awaitRefusedWithin(driver, user, "new-pw", Duration.ofMillis(1500));
    }

    /**
     * MySQL Connector/J answering with caching_sha2_password first: the connector asks it to switch
     * to mysql_native_password (the only method a stored native hash verifies), as the server would.
     */
    @Test
    void aCachingSha2FirstAnswerIsSwitchedToNative() throws Exception {
        String user = accounts.newAccount("sha2-first-pw");
        accounts.loginWithin(Driver.MYSQL, user, "sha2-first-pw", Duration.ofMillis(1500))
                .close();
        String options = "defaultAuthenticationPlugin=caching_sha2_password";

        try (Connection c = Driver.MYSQL.connect(turnout.port(), user, "sha2-first-pw", options)) {
            assertThat(PrimaryAccounts.queryString(c, "SELECT CURRENT_USER()")).isEqualTo(user + "@%");
        }
        assertThat(SqlErrors.thrownBy(() -> Driver.MYSQL.connect(turnout.port(), user, "wrong", options))
                        .getErrorCode())
                .isEqualTo(1045);
    }

    /** MySQL Connector/J: MariaDB Connector/J has no public change-user call. */
    @Test
    void changeUserSwitchesToAPrimarysAccountAndBack() throws Exception {
        String user = accounts.newAccount("switch-pw");
        accounts.loginWithin(Driver.MYSQL, user, "switch-pw", Duration.ofMillis(1500))
                .close();
        SandboxCluster cluster = turnout.cluster();
        try (Connection c = turnout.connect(Driver.MYSQL, "")) {
            c.unwrap(JdbcConnection.class).changeUser(user, "switch-pw");
            assertThat(PrimaryAccounts.queryString(c, "SELECT CURRENT_USER()")).isEqualTo(user + "@%");
            assertThat(ConnectorHarness.queryLong(c, "SELECT @@server_id")).isEqualTo(turnout.primaryServerId());

            c.unwrap(JdbcConnection.class).changeUser(cluster.appUser(), cluster.appPassword());
            assertThat(PrimaryAccounts.queryString(c, "SELECT CURRENT_USER()")).startsWith(cluster.appUser() + "@");

            SQLException wrong =
                    SqlErrors.thrownBy(() -> c.unwrap(JdbcConnection.class).changeUser(user, "not-switch-pw"));
            assertThat(wrong.getErrorCode()).isEqualTo(1045);
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aWrongPasswordAndAnUnknownUserAreAnsweredAlike(Driver driver) throws Exception {
        String user = accounts.newAccount("known-pw");
        accounts.loginWithin(driver, user, "known-pw", Duration.ofMillis(1500)).close();
        String unknown = "tn_nobody_" + PrimaryAccounts.nextId();
        int rounds = 15;
        long[] wrong = new long[rounds];
        long[] missing = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            SQLException wrongPassword = SqlErrors.thrownBy(() -> driver.connect(turnout.port(), user, "guess", ""));
            wrong[i] = System.nanoTime() - start;
            start = System.nanoTime();
            SQLException unknownUser = SqlErrors.thrownBy(() -> driver.connect(turnout.port(), unknown, "guess", ""));
            missing[i] = System.nanoTime() - start;

            assertThat(wrongPassword.getErrorCode()).isEqualTo(1045);
            assertThat(unknownUser.getErrorCode()).isEqualTo(1045);
            assertThat(wrongPassword.getSQLState())
                    .isEqualTo(unknownUser.getSQLState())
                    .isEqualTo("28000");
            assertThat(PrimaryAccounts.shape(wrongPassword, user))
                    .isEqualTo(PrimaryAccounts.shape(unknownUser, unknown));
        }
        Arrays.sort(wrong);
        Arrays.sort(missing);
        System.out.printf(
                "%s: median wrong password %.2f ms, median unknown user %.2f ms%n",
                driver, wrong[rounds / 2] / 1e6, missing[rounds / 2] / 1e6);
        assertThat(Duration.ofNanos(Math.abs(wrong[rounds / 2] - missing[rounds / 2])))
                .isLessThan(Duration.ofMillis(50));
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void withAccountLoadingOffOnlyTheConfiguredUsersLogIn(Driver driver) throws Exception {
        String user = accounts.newAccount("listed-pw");
        accounts.loginWithin(driver, user, "listed-pw", Duration.ofMillis(1500)).close();
        ConnectorServer off = ConnectorHarness.start(turnout.cluster(), "connector-load-accounts=false\n");
        try {
            SQLException refused = SqlErrors.thrownBy(() -> driver.connect(off.port(), user, "listed-pw", ""));
            assertThat(refused.getErrorCode()).isEqualTo(1045);
            SandboxCluster cluster = turnout.cluster();
            try (Connection app = driver.connect(off.port(), cluster.appUser(), cluster.appPassword(), "")) {
                assertThat(app.isValid(2)).isTrue();
            }
        } finally {
            off.shutdown(Duration.ofSeconds(2));
        }
    }

    /**
     * An account of a plugin the connector cannot verify from a stored hash (here MariaDB's built-in
     * unix_socket; ed25519, PAM and GSSAPI alike) is refused with 1045, as a wrong password: not
     * relayed to the primary in this version (docs/configuration.md, "Accounts of the primary").
     */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void anAccountOfAnotherPluginIsRefusedWithAccessDenied(Driver driver) throws Exception {
        String user = "tn_acct_" + PrimaryAccounts.nextId();
        accounts.track(user);
        accounts.asRoot("CREATE USER '" + user + "'@'%' IDENTIFIED VIA unix_socket");
        accounts.asRoot("GRANT SELECT ON test.* TO '" + user + "'@'%'");
        try (Connection app = turnout.connect(driver, "");
                Statement st = app.createStatement()) {
            st.execute("tungsten flush privileges");
        }

        SQLException refused = SqlErrors.thrownBy(() -> driver.connect(turnout.port(), user, "anything", ""));

        assertThat(refused.getErrorCode()).isEqualTo(1045);
        assertThat(refused.getSQLState()).isEqualTo("28000");
    }

    /**
     * A user of the user map is the map's, even when the primary has an account of that name: its
     * {@code @direct} and affinity decide its reads, and only the map's password logs it in.
     */
    @Test
    void aUserMapEntryStillDecidesItsUsersRouting() throws Exception {
        SandboxCluster cluster = turnout.cluster();
        String user = accounts.newAccount("mapped-pw");
        DbServer allowed = cluster.replicas().get(0);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("turnout-accounts-");
        java.nio.file.Path map = dir.resolve("user.map");
        java.nio.file.Files.writeString(
                map, user + " mapped-pw alpha -" + cluster.replicas().get(1).hostPort() + "\n@direct " + user + "\n");
        cluster.awaitReplication(Duration.ofSeconds(10));
        ConnectorServer mapped = ConnectorHarness.start(cluster, "connector-user-map=" + map + "\n");
        try (Connection c = Driver.MARIADB.connect(mapped.port(), user, "mapped-pw", "")) {
            ConnectorHarness.awaitReadFrom(c, java.util.Set.of((long) allowed.serverId()));
            for (int i = 0; i < 50; i++) {
                assertThat(ConnectorHarness.queryLong(c, "SELECT @@server_id"))
                        .as("read %d of a @direct user whose map excludes the second replica", i)
                        .isEqualTo(allowed.serverId());
            }
            accounts.asRoot("ALTER USER '" + user + "'@'%' IDENTIFIED BY 'server-side-pw'");
            SQLException refused =
                    SqlErrors.thrownBy(() -> Driver.MARIADB.connect(mapped.port(), user, "server-side-pw", ""));
            assertThat(refused.getErrorCode()).isEqualTo(1045);
        } finally {
            mapped.shutdown(Duration.ofSeconds(2));
            java.nio.file.Files.deleteIfExists(map);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }
}
