package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.testkit.RawClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accounts made on the sandbox's primary for the tests of server accounts (issue 11 item 1), and
 * the read the connector's service account needs: {@code application-user} gets {@code SELECT ON
 * mysql.global_priv} before a class's tests and loses it after (as docs/configuration.md asks;
 * the connector starts before the grant, so its first read fails and a login miss reads again).
 * Accounts are fresh and unprivileged ({@code SELECT} on {@code test} only) and dropped after.
 */
final class PrimaryAccounts {

    private static final AtomicInteger IDS = new AtomicInteger();

    private final ConnectorExtension turnout;
    private final List<String> created = new ArrayList<>();
    private final List<String> serviceAccounts = new ArrayList<>();

    PrimaryAccounts(ConnectorExtension turnout) {
        this.turnout = turnout;
    }

    /** A number no other account of this JVM's tests has. */
    static int nextId() {
        return IDS.incrementAndGet();
    }

    void grantServiceRead() throws SQLException {
        SandboxCluster cluster = turnout.cluster();
        try (Connection root = cluster.primary().rootConnection();
                Statement st = root.createStatement()) {
            try (ResultSet rs =
                    st.executeQuery("SELECT Host FROM mysql.user WHERE User = '" + cluster.appUser() + "'")) {
                while (rs.next()) {
                    serviceAccounts.add("'" + cluster.appUser() + "'@'" + rs.getString(1) + "'");
                }
            }
            for (String account : serviceAccounts) {
                st.execute("GRANT SELECT ON mysql.global_priv TO " + account);
            }
        }
    }

    void dropAll() throws SQLException {
        try (Connection root = turnout.cluster().primary().rootConnection();
                Statement st = root.createStatement()) {
            for (String account : created) {
                st.execute("DROP USER IF EXISTS " + account);
            }
            for (String account : serviceAccounts) {
                st.execute("REVOKE SELECT ON mysql.global_priv FROM " + account);
            }
        }
    }

    /** Drops {@code 'user'@'%'} after the class. */
    synchronized void track(String user) {
        created.add("'" + user + "'@'%'");
    }

    /** A new account {@code 'tn_acct_N'@'%'} with SELECT on test only. */
    String newAccount(String password) throws SQLException {
        String user = "tn_acct_" + nextId();
        track(user);
        asRoot("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
        asRoot("GRANT SELECT ON test.* TO '" + user + "'@'%'");
        return user;
    }

    /** As {@link #loginWithin(Driver, int, String, String, Duration)} to the class's connector. */
    Connection loginWithin(Driver driver, String user, String password, Duration within) throws Exception {
        return loginWithin(driver, turnout.port(), user, password, within);
    }

    /**
     * Logs in through the connector on {@code port}, trying again while refused with 1045 until
     * {@code within} after the call: the connector reads the accounts again after a miss.
     */
    static Connection loginWithin(Driver driver, int port, String user, String password, Duration within)
            throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                return driver.connect(port, user, password, "");
            } catch (SQLException e) {
                if (e.getErrorCode() != 1045 || System.nanoTime() > deadline || attempts > 200) {
                    throw new AssertionError(
                            user + " did not log in within " + within.toMillis() + " ms (" + attempts + " attempts)",
                            e);
                }
                Thread.sleep(20);
            }
        }
    }

    /** Asserts that every login for {@code within} is refused with 1045. */
    void awaitRefusedWithin(Driver driver, String user, String password, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(SqlErrors.thrownBy(() -> driver.connect(turnout.port(), user, password, ""))
                            .getErrorCode())
                    .isEqualTo(1045);
            Thread.sleep(50);
        }
    }

    /** A login with {@code driver} to {@code server} itself, not through the connector. */
    Connection directLogin(Driver driver, DbServer server, String user, String password) throws SQLException {
        String url = driver.url(turnout.port(), "").replace(":" + turnout.port() + "/", ":" + server.port() + "/");
        return DriverManager.getConnection(url, user, password);
    }

    void asRoot(String sql) throws SQLException {
        ConnectorHarness.executeAsRoot(turnout.cluster().primary(), sql);
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    /** The message without the user name and MariaDB Connector/J's "(conn=N) " prefix. */
    static String shape(SQLException e, String user) {
        return e.getMessage().replace(user, "U").replaceFirst("^\\(conn=\\d+\\) ", "");
    }

    /** "login NNNN" when refused, else "query NNNN" or "query ok" for SELECT 1 after a raw native login announcing {@code extra}. */
    static String rawOutcome(int port, String user, String password, long extra) throws Exception {
        try (RawClient client = RawClient.connect(port)) {
            client.writePacket(
                    1,
                    RawClient.handshakeResponse(
                            RawClient.CAPABILITIES | extra,
                            user,
                            RawClient.nativeScramble(password, client.greeting().authPluginData()),
                            "test",
                            RawClient.MYSQL_NATIVE_PASSWORD));
            RawClient.Packet answer = client.readPacket();
            if (answer.isErr()) {
                return "login " + answer.err().errorCode();
            }
            try {
                client.queryLong("SELECT 1");
                return "query ok";
            } catch (SQLException e) {
                return "query " + e.getErrorCode();
            }
        }
    }

    /** As {@link #rawOutcome}, for a driver's connection. */
    static String driverOutcome(ThrowingLogin login) {
        Connection c;
        try {
            c = login.connect();
        } catch (SQLException e) {
            return "login " + e.getErrorCode();
        }
        try (c) {
            ConnectorHarness.queryLong(c, "SELECT 1");
            return "query ok";
        } catch (SQLException e) {
            return "query " + e.getErrorCode();
        }
    }

    interface ThrowingLogin {
        Connection connect() throws SQLException;
    }
}
