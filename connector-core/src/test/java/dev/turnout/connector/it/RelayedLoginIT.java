package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11 item 1, accounts whose plugin the connector cannot verify: an {@code ed25519} account of
 * the primary logs in through the connector as direct (MariaDB Connector/J, which speaks
 * {@code client_ed25519}), because the connector relays the exchange to the primary; a wrong
 * password is refused as direct; the session stays on the primary, even for reads the connector
 * splits (RO_RELAXED here); and a driver that cannot answer ed25519 (MySQL Connector/J) fails as it
 * does direct.
 *
 * <p>The sandbox's MariaDB ships no server plugins: {@code .ci/run} puts {@code auth_ed25519.so}
 * from Debian's {@code mariadb-server} package into {@link SandboxCluster#defaultPluginDir()}, and
 * the class is skipped, saying so, where it is missing.
 */
@Timeout(120)
class RelayedLoginIT {

    private static final Path PLUGIN = SandboxCluster.defaultPluginDir().resolve("auth_ed25519.so");

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension("connector-qos=RO_RELAXED\n");

    private static final PrimaryAccounts accounts = new PrimaryAccounts(turnout);

    @BeforeAll
    static void loadEd25519OnEveryServer() throws SQLException {
        assumeTrue(
                Files.isRegularFile(PLUGIN),
                "no " + PLUGIN + ": .ci/run unpacks it from Debian's mariadb-server package (see .ci/server-plugins)");
        for (DbServer server : turnout.cluster().servers()) {
            try (Connection root = server.rootConnection();
                    Statement st = root.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT COUNT(*) FROM information_schema.plugins WHERE plugin_name = 'ed25519'")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    st.execute("INSTALL SONAME 'auth_ed25519'"); // on each server: CREATE USER ... VIA replicates
                }
            }
        }
        accounts.grantServiceRead();
    }

    @AfterAll
    static void dropTheAccounts() throws SQLException {
        accounts.dropAll();
    }

    private static String newEd25519Account(String password) throws SQLException {
        String user = "tn_ed_" + PrimaryAccounts.nextId();
        accounts.track(user);
        accounts.asRoot("CREATE USER '" + user + "'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('" + password + "')");
        accounts.asRoot("GRANT SELECT ON test.* TO '" + user + "'@'%'");
        return user;
    }

    @Test
    void anEd25519AccountLogsInThroughTheConnectorWithinASecondOfItsCreation() throws Exception {
        String user = newEd25519Account("ed-pw");
        DbServer primary = turnout.cluster().primary();
        try (Connection direct = accounts.directLogin(Driver.MARIADB, primary, user, "ed-pw");
                Connection through = PrimaryAccounts.loginWithin(
                        Driver.MARIADB, turnout.port(), user, "ed-pw", Duration.ofSeconds(1))) {
            assertThat(PrimaryAccounts.queryString(through, "SELECT CURRENT_USER()"))
                    .isEqualTo(PrimaryAccounts.queryString(direct, "SELECT CURRENT_USER()"))
                    .isEqualTo(user + "@%");
            assertThat(ConnectorHarness.queryLong(through, "SELECT @@server_id"))
                    .as("a read of a session the primary authenticated stays there, though reads are split")
                    .isEqualTo(turnout.primaryServerId());
            assertThat(ConnectorHarness.queryLong(through, "SELECT COUNT(*) FROM information_schema.plugins"))
                    .isPositive();
        }
        // The application user's read on the same connector does go to a replica: the split is on.
        try (Connection app = turnout.connect(Driver.MARIADB, "")) {
            assertThat(ConnectorHarness.queryLong(app, "SELECT @@server_id")).isNotEqualTo(turnout.primaryServerId());
        }
    }

    @Test
    void aWrongPasswordOrADroppedAccountIsRefusedAsDirect() throws Exception {
        String user = newEd25519Account("right-pw");
        DbServer primary = turnout.cluster().primary();
        PrimaryAccounts.loginWithin(Driver.MARIADB, turnout.port(), user, "right-pw", Duration.ofSeconds(1))
                .close();

        String direct =
                PrimaryAccounts.driverOutcome(() -> accounts.directLogin(Driver.MARIADB, primary, user, "wrong-pw"));
        String through =
                PrimaryAccounts.driverOutcome(() -> Driver.MARIADB.connect(turnout.port(), user, "wrong-pw", ""));
        assertThat(through).isEqualTo(direct).isEqualTo("login 1045");

        accounts.asRoot("DROP USER '" + user + "'@'%'");
        assertThat(PrimaryAccounts.driverOutcome(() -> Driver.MARIADB.connect(turnout.port(), user, "right-pw", "")))
                .isEqualTo("login 1045");
    }

    @Test
    void aDriverWithoutEd25519FailsAsItDoesDirect() throws Exception {
        String user = newEd25519Account("mysql-pw");
        // Once the connector has read the new account (a login miss reads the accounts at most every 250 ms):
        PrimaryAccounts.loginWithin(Driver.MARIADB, turnout.port(), user, "mysql-pw", Duration.ofSeconds(1))
                .close();
        DbServer primary = turnout.cluster().primary();
        String direct =
                PrimaryAccounts.driverOutcome(() -> accounts.directLogin(Driver.MYSQL, primary, user, "mysql-pw"));
        String through =
                PrimaryAccounts.driverOutcome(() -> Driver.MYSQL.connect(turnout.port(), user, "mysql-pw", ""));
        System.out.printf("MySQL Connector/J and an ed25519 account: direct %s, through %s%n", direct, through);
        assertThat(through).isEqualTo(direct);
    }

    @Test
    void manySessionsOfTheAccountLogInOneAfterAnother() throws Exception {
        String user = newEd25519Account("many-pw");
        PrimaryAccounts.loginWithin(Driver.MARIADB, turnout.port(), user, "many-pw", Duration.ofSeconds(1))
                .close();
        for (int i = 0; i < 20; i++) {
            try (Connection c = Driver.MARIADB.connect(turnout.port(), user, "many-pw", "")) {
                assertThat(ConnectorHarness.queryLong(c, "SELECT " + i)).isEqualTo(i);
            }
        }
    }
}
