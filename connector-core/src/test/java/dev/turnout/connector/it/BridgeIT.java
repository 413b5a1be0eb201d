package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bridge mode ({@code connector-bridge-mode=true}): each connection is relayed byte for byte to the
 * primary ({@code application-port}) or a replica ({@code application-readonly-port}), and the
 * client talks to that server end to end: its greeting, thread id, accounts and errors.
 */
@Timeout(120)
@ExtendWith(SandboxExtension.class)
class BridgeIT {

    private static final int BLOB_SIZE = 20 * 1024 * 1024;

    private static SandboxCluster cluster;
    private static ConnectorServer connector;

    @BeforeAll
    static void startConnector(SandboxCluster sandbox) throws Exception {
        cluster = sandbox;
        connector =
                ConnectorHarness.start(cluster, "connector-bridge-mode=true\n", config -> config.withReadOnlyPort(0));
    }

    @AfterAll
    static void stopConnector() {
        if (connector != null) {
            connector.shutdown(Duration.ofSeconds(2));
        }
    }

    private static Connection readWrite(Driver driver, String options) throws SQLException {
        return driver.connect(connector.port(), cluster.appUser(), cluster.appPassword(), options);
    }

    private static Connection readOnly(Driver driver) throws SQLException {
        return driver.connect(connector.readOnlyPort(), cluster.appUser(), cluster.appPassword(), "");
    }

    private static DbServer serverWithId(long serverId) {
        return cluster.servers().stream()
                .filter(server -> server.serverId() == serverId)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no server of the cluster has server_id " + serverId));
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void theReadWritePortLandsOnThePrimaryAndTheClientSeesTheServersOwnGreeting(Driver driver) throws Exception {
        try (Connection connection = readWrite(driver, "")) {
            assertThat(ConnectorHarness.queryLong(connection, "select @@server_id"))
                    .isEqualTo(cluster.primary().serverId());
            assertThat(connection.getMetaData().getDatabaseProductVersion()).doesNotContain("turnout");
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void theReadOnlyPortLandsOnEachReplicaInTurn(Driver driver) throws Exception {
        Set<Long> reached = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            try (Connection connection = readOnly(driver)) {
                reached.add(ConnectorHarness.queryLong(connection, "select @@server_id"));
            }
        }
        assertThat(reached)
                .containsExactlyInAnyOrderElementsOf(cluster.replicas().stream()
                        .map(replica -> (long) replica.serverId())
                        .toList());
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void theConnectionIdIsTheServersThreadIdOnEitherPort(Driver driver) throws Exception {
        try (Connection primarySession = readWrite(driver, "");
                Connection replicaSession = readOnly(driver)) {
            assertOwnThread(primarySession, cluster.primary());
            assertOwnThread(
                    replicaSession, serverWithId(ConnectorHarness.queryLong(replicaSession, "select @@server_id")));
        }
    }

    /** The id the session reports is a thread of {@code server} that runs as the application user. */
    private static void assertOwnThread(Connection session, DbServer server) throws Exception {
        long id = ConnectorHarness.queryLong(session, "select connection_id()");
        try (Connection root = server.rootConnection();
                PreparedStatement statement =
                        root.prepareStatement("select user from information_schema.processlist where id = ?")) {
            statement.setLong(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                assertThat(rs.next()).as("thread %d on %s", id, server).isTrue();
                assertThat(rs.getString(1)).isEqualTo(cluster.appUser());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void theServerAuthenticatesTheClientWithItsOwnAccounts(Driver driver) throws Exception {
        // The connector itself knows only application-user: root can log in only if the server sees the login.
        try (Connection root = driver.connect(connector.port(), cluster.rootUser(), cluster.rootPassword(), "")) {
            assertThat(ConnectorHarness.queryLong(root, "select @@server_id"))
                    .isEqualTo(cluster.primary().serverId());
        }
        long deniedBefore = accessDeniedErrors(cluster.primary());

        SQLException refused = SqlErrors.thrownBy(
                () -> driver.connect(connector.port(), cluster.appUser(), "not-" + cluster.appPassword(), ""));

        assertThat(refused.getErrorCode()).isEqualTo(1045);
        assertThat(refused.getSQLState()).isEqualTo("28000");
        assertThat(refused.getMessage()).contains("Access denied for user '" + cluster.appUser() + "'@'");
        assertThat(accessDeniedErrors(cluster.primary()))
                .as("the primary's Access_denied_errors")
                .isGreaterThan(deniedBefore);
    }

    private static long accessDeniedErrors(DbServer server) throws SQLException {
        try (Connection root = server.rootConnection();
                ResultSet rs = root.createStatement().executeQuery("show global status like 'Access_denied_errors'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aTwentyMebibyteBlobMakesTheRoundTripIntact(Driver driver) throws Exception {
        String table = "bridge_blob_" + driver.name().toLowerCase(Locale.ROOT);
        byte[] blob = new byte[BLOB_SIZE];
        new Random(driver.ordinal()).nextBytes(blob);
        try (Connection connection = readWrite(driver, "useServerPrepStmts=true")) {
            try (Statement s = connection.createStatement()) {
                s.execute("drop table if exists " + table);
                s.execute("create table " + table + " (id int primary key, b longblob)");
            }
            try (PreparedStatement insert = connection.prepareStatement("insert into " + table + " values (?, ?)")) {
                insert.setInt(1, 1);
                insert.setBytes(2, blob);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            try (Statement s = connection.createStatement();
                    ResultSet rs =
                            s.executeQuery("select b, length(b), sha2(b, 256) from " + table + " where id = 1")) {
                assertThat(rs.next()).isTrue();
                byte[] back = rs.getBytes(1);
                assertThat(rs.getLong(2)).isEqualTo(BLOB_SIZE);
                assertThat(rs.getString(3))
                        .isEqualTo(java.util.HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(blob)));
                assertThat(back).hasSize(BLOB_SIZE);
                assertThat(MessageDigest.isEqual(back, blob))
                        .as("the blob read back equals the blob written")
                        .isTrue();
            }
            try (Statement s = connection.createStatement()) {
                s.execute("drop table " + table);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void serverSidePreparedStatementsRunOnTheServer(Driver driver) throws Exception {
        try (Connection connection = readWrite(driver, "useServerPrepStmts=true")) {
            long preparedBefore = sessionStatus(connection, "Com_stmt_prepare");
            long executedBefore = sessionStatus(connection, "Com_stmt_execute");
            try (PreparedStatement statement = connection.prepareStatement("select ? + 1, @@server_id")) {
                for (int i = 0; i < 3; i++) {
                    statement.setInt(1, i * 10);
                    try (ResultSet rs = statement.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(i * 10 + 1);
                        assertThat(rs.getLong(2)).isEqualTo(cluster.primary().serverId());
                    }
                }
            }
            assertThat(sessionStatus(connection, "Com_stmt_prepare")).isGreaterThan(preparedBefore);
            assertThat(sessionStatus(connection, "Com_stmt_execute")).isGreaterThanOrEqualTo(executedBefore + 3);
        }
    }

    private static long sessionStatus(Connection connection, String name) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("show session status like '" + name + "'")) {
            assertThat(rs.next()).as(name).isTrue();
            return rs.getLong(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void statementCancelKillsTheQueryOnTheServerAndTheConnectionCarriesOn(Driver driver) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection connection = readWrite(driver, "");
                Statement statement = connection.createStatement()) {
            long threadId = ConnectorHarness.queryLong(connection, "select connection_id()");
            long started = System.nanoTime();
            Future<?> sleeping = executor.submit(() -> {
                try (ResultSet rs = statement.executeQuery("select sleep(30)")) {
                    rs.next();
                    return rs.getLong(1); // MariaDB ends an interrupted SLEEP() with 1 or an error
                }
            });
            assertThat(PrimaryThreads.awaitRunning(cluster.primary(), threadId, Duration.ofSeconds(10)))
                    .as("the sleep runs on the primary's thread %d", threadId)
                    .isTrue();

            statement.cancel();

            try {
                assertThat(sleeping.get(15, TimeUnit.SECONDS)).isEqualTo(1L);
            } catch (java.util.concurrent.ExecutionException e) {
                // The server's "Query execution was interrupted", or Connector/J's own
                // "Statement cancelled due to client request" when it saw its cancel first.
                assertThat(e.getCause())
                        .isInstanceOfSatisfying(
                                SQLException.class,
                                cancelled -> assertThat(cancelled.getErrorCode() == 1317
                                                || cancelled
                                                        instanceof
                                                        com.mysql.cj.jdbc.exceptions.MySQLStatementCancelledException)
                                        .as(
                                                "%s (code %d, SQLSTATE %s)",
                                                cancelled, cancelled.getErrorCode(), cancelled.getSQLState())
                                        .isTrue());
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            assertThat(ConnectorHarness.queryLong(connection, "select connection_id()"))
                    .isEqualTo(threadId);
        } finally {
            executor.shutdownNow();
        }
    }
}
