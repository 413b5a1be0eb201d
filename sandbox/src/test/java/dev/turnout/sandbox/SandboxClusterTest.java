package dev.turnout.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs against the JVM-wide shared cluster (primary + 2 replicas) of {@link SandboxExtension}. */
@ExtendWith(SandboxExtension.class)
class SandboxClusterTest {

    private static SandboxCluster fromBeforeAll;
    private final SandboxCluster cluster;

    SandboxClusterTest(SandboxCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    static void remember(SandboxCluster cluster) throws SQLException {
        fromBeforeAll = cluster;
        try (Connection c = cluster.primary().rootConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS test.items (id INT PRIMARY KEY, name VARCHAR(40), data LONGBLOB)");
        }
        cluster.awaitReplication(Duration.ofSeconds(30));
    }

    @Test
    void injectsOneSharedClusterIntoConstructorsLifecycleMethodsAndTests(SandboxCluster injected) {
        assertThat(injected).isSameAs(cluster).isSameAs(fromBeforeAll);
        assertThat(cluster.flavor()).isEqualTo(SandboxCluster.Flavor.MARIADB);
    }

    @Test
    void startsAPrimaryAndTwoReplicasOnDistinctLoopbackPorts() {
        assertThat(cluster.servers()).hasSize(3);
        assertThat(cluster.servers().get(0)).isSameAs(cluster.primary());
        assertThat(cluster.replicas())
                .containsExactlyElementsOf(cluster.servers().subList(1, 3));
        assertThat(cluster.servers()).extracting(DbServer::name).containsExactly("db1", "db2", "db3");
        assertThat(cluster.servers()).extracting(DbServer::serverId).containsExactly(1, 2, 3);
        assertThat(cluster.servers())
                .extracting(DbServer::port)
                .doesNotHaveDuplicates()
                .allMatch(port -> port > 0);
        for (DbServer server : cluster.servers()) {
            assertThat(server.host()).isEqualTo("127.0.0.1");
            assertThat(server.hostPort()).isEqualTo("127.0.0.1:" + server.port());
            assertThat(server.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:" + server.port() + "/test");
            assertThat(server.isRunning()).isTrue();
            assertThat(Processes.commandLine(server.pid())).contains("mariadbd");
        }
    }

    @Test
    void everyServerReportsItsOwnServerIdAndTheExpectedSettings() throws SQLException {
        for (DbServer server : cluster.servers()) {
            try (Connection c = server.rootConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT @@server_id, @@read_only, @@max_allowed_packet, "
                            + "@@local_infile, @@binlog_format, @@log_slave_updates, @@gtid_strict_mode, "
                            + "@@character_set_server, @@performance_schema, @@version, @@bind_address")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(server.serverId());
                assertThat(rs.getInt(2)).isEqualTo(server == cluster.primary() ? 0 : 1);
                assertThat(rs.getLong(3)).isEqualTo(1L << 30);
                assertThat(rs.getInt(4)).isEqualTo(1);
                assertThat(rs.getString(5)).isEqualTo("ROW");
                assertThat(rs.getInt(6)).isEqualTo(1);
                assertThat(rs.getInt(7)).isEqualTo(1);
                assertThat(rs.getString(8)).isEqualTo("utf8mb4");
                assertThat(rs.getInt(9))
                        .as("performance_schema, for connection attributes")
                        .isEqualTo(1);
                assertThat(rs.getString(10)).startsWith("11.4.5-MariaDB");
                assertThat(rs.getString(11)).isEqualTo("127.0.0.1");
            }
        }
    }

    @Test
    void replicasRunGtidReplicationFromThePrimary() throws SQLException {
        for (DbServer replica : cluster.replicas()) {
            try (Connection c = replica.rootConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("Slave_IO_Running")).isEqualTo("Yes");
                assertThat(rs.getString("Slave_SQL_Running")).isEqualTo("Yes");
                assertThat(rs.getString("Using_Gtid")).isEqualTo("Slave_Pos");
                assertThat(rs.getInt("Master_Port")).isEqualTo(cluster.primary().port());
            }
        }
    }

    @Test
    void aRowWrittenOnThePrimaryAppearsOnEveryReplica() throws SQLException {
        int id = 1000 + new Random().nextInt(1_000_000);
        try (Connection c = appConnection(cluster.primary());
                PreparedStatement insert = c.prepareStatement("INSERT INTO items (id, name) VALUES (?, ?)")) {
            insert.setInt(1, id);
            insert.setString(2, "written on db1 ✓");
            insert.executeUpdate();
        }
        cluster.awaitReplication(Duration.ofSeconds(30));
        for (DbServer replica : cluster.replicas()) {
            assertThat(queryString(replica, "SELECT name FROM items WHERE id = " + id))
                    .isEqualTo("written on db1 ✓");
        }
    }

    @Test
    void a20MiBBlobIsWrittenAndReplicated() throws SQLException {
        byte[] blob = new byte[20 * 1024 * 1024];
        new Random(42).nextBytes(blob);
        try (Connection c = appConnection(cluster.primary());
                PreparedStatement insert =
                        c.prepareStatement("REPLACE INTO items (id, name, data) VALUES (7, 'blob', ?)")) {
            insert.setBytes(1, blob);
            insert.executeUpdate();
        }
        cluster.awaitReplication(Duration.ofSeconds(60));
        try (Connection c = appConnection(cluster.replicas().get(1));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT data FROM items WHERE id = 7")) {
            assertThat(rs.next()).isTrue();
            assertThat(Arrays.equals(rs.getBytes(1), blob))
                    .as("the 20 MiB blob read back from db3")
                    .isTrue();
        }
    }

    @Test
    void replicasRefuseWritesFromTheApplicationUser() throws SQLException {
        for (DbServer replica : cluster.replicas()) {
            try (Connection c = appConnection(replica);
                    Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO items (id, name) VALUES (-1, 'not here')"))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("read-only");
            }
        }
    }

    @Test
    void theApplicationUserLogsInEverywhereWithNativePassword() throws SQLException {
        assertThat(cluster.appUser()).isEqualTo("app");
        assertThat(cluster.appPassword()).isEqualTo("secret");
        for (DbServer server : cluster.servers()) {
            assertThat(queryString(server, "SELECT CURRENT_USER()")).isEqualTo("app@127.0.0.1");
            List<String> plugins = new ArrayList<>();
            try (Connection c = server.rootConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT CONCAT(User, '@', Host, ':', plugin) FROM mysql.user "
                            + "WHERE User = 'app' ORDER BY Host")) {
                while (rs.next()) {
                    plugins.add(rs.getString(1));
                }
            }
            assertThat(plugins)
                    .containsExactly(
                            "app@%:mysql_native_password",
                            "app@127.0.0.1:mysql_native_password", "app@localhost:mysql_native_password");
        }
    }

    private static List<String> grants(Connection c) throws SQLException {
        List<String> grants = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                grants.add(rs.getString(1));
            }
        }
        return grants;
    }

    @Test
    void theApplicationUserHasWhatAnApplicationNeedsOnItsSchemasAndNoSuper() throws SQLException {
        try (Connection c = appConnection(cluster.primary());
                Statement s = c.createStatement()) {
            List<String> grants = grants(c);
            assertThat(String.join("\n", grants))
                    .doesNotContain("ALL PRIVILEGES", "SUPER", "SHUTDOWN", "READ_ONLY ADMIN", "CONNECTION ADMIN")
                    .contains("GRANT SLAVE MONITOR ON *.*", "ON `test`.*", "ON `turnout\\_%`.*");
            s.execute("CREATE DATABASE IF NOT EXISTS test_app_owned");
            s.execute("CREATE TABLE test_app_owned.t (id INT PRIMARY KEY)");
            s.execute("CREATE TEMPORARY TABLE test_app_owned.tmp (id INT)");
            s.execute("LOCK TABLES test_app_owned.t WRITE");
            s.execute("UNLOCK TABLES");
            s.execute("DROP DATABASE test_app_owned");
            long own = queryLong(s, "SELECT CONNECTION_ID()");
            try (Connection other = appConnection(cluster.primary());
                    Statement o = other.createStatement()) {
                o.execute("KILL QUERY " + own); // a user may kill its own threads: the connector does
            }
            assertThatThrownBy(() -> s.execute("CREATE DATABASE app_owned"))
                    .as("outside the application schemas")
                    .hasMessageContaining("Access denied");
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM mysql.global_priv"))
                    .hasMessageContaining("denied");
            assertThatThrownBy(() -> s.execute("SET GLOBAL read_only = 0")).hasMessageContaining("denied");
            assertThatThrownBy(() -> s.execute("SHUTDOWN")).hasMessageContaining("denied");
        }
        long rootThread;
        try (Connection root = cluster.primary().rootConnection();
                Statement r = root.createStatement()) {
            rootThread = queryLong(r, "SELECT CONNECTION_ID()");
            try (Connection c = appConnection(cluster.primary());
                    Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.execute("KILL " + rootThread))
                        .as("another user's thread")
                        .isInstanceOf(SQLException.class);
            }
            assertThat(queryLong(r, "SELECT 1")).isEqualTo(1);
        }
    }

    @Test
    void theManagersAccountCanSwitchButHasNoSuper() throws SQLException {
        DbServer replica = cluster.replicas().get(0);
        try (Connection c = DriverManager.getConnection(
                        "jdbc:mariadb://" + replica.hostPort() + "/",
                        cluster.managerUser(),
                        cluster.managerPassword());
                Statement s = c.createStatement()) {
            assertThat(String.join("\n", grants(c)))
                    .doesNotContain("ALL PRIVILEGES", "SUPER", "SHUTDOWN")
                    .contains("READ_ONLY ADMIN", "REPLICATION SLAVE ADMIN", "RELOAD", "SLAVE MONITOR");
            s.execute("SET GLOBAL read_only = 1");
            try (ResultSet rs = s.executeQuery("SHOW ALL SLAVES STATUS")) {
                assertThat(rs.next()).isTrue();
            }
            s.execute("STOP SLAVE");
            s.execute("SET GLOBAL gtid_slave_pos = @@global.gtid_slave_pos");
            s.execute("START SLAVE");
            assertThatThrownBy(() -> s.execute("CREATE DATABASE test_not_the_managers"))
                    .hasMessageContaining("Access denied");
        }
        // Its heartbeat schema, on the primary: a write on a replica would be an errant transaction.
        try (Connection c = DriverManager.getConnection(
                        "jdbc:mariadb://" + cluster.primary().hostPort() + "/",
                        cluster.managerUser(),
                        cluster.managerPassword());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS turnout");
        }
        cluster.awaitReplication(Duration.ofSeconds(30));
    }

    @Test
    void theClusterDirectoriesAreReadableByTheirOwnerOnly() throws Exception {
        Path serverDir = cluster.primary().errorLog().orElseThrow().getParent();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(serverDir)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(serverDir.getParent())))
                .isEqualTo("rwx------");
    }

    private static long queryLong(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    @Test
    void aWrongPasswordIsRejected() {
        assertThatThrownBy(() -> DriverManager.getConnection(cluster.primary().jdbcUrl(), "app", "wrong")
                        .close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Access denied");
    }

    @Test
    void awaitReplicationFailsWhenAReplicaCannotCatchUp() throws SQLException {
        DbServer replica = cluster.replicas().get(0);
        try (Connection c = replica.rootConnection();
                Statement s = c.createStatement()) {
            s.execute("STOP SLAVE SQL_THREAD");
        }
        try {
            try (Connection c = appConnection(cluster.primary());
                    Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO items (id, name) VALUES (" + (2_000_000 + new Random().nextInt(1000))
                        + ", 'lagging')");
            }
            assertThatThrownBy(() -> cluster.awaitReplication(Duration.ofMillis(300)))
                    .isInstanceOf(SandboxException.class)
                    .hasMessageContaining("db2 has not applied");
        } finally {
            try (Connection c = replica.rootConnection();
                    Statement s = c.createStatement()) {
                s.execute("START SLAVE SQL_THREAD");
            }
        }
        cluster.awaitReplication(Duration.ofSeconds(30));
    }

    private Connection appConnection(DbServer server) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(), cluster.appUser(), cluster.appPassword());
    }

    private String queryString(DbServer server, String sql) throws SQLException {
        try (Connection c = appConnection(server);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from %s", server.name()).isTrue();
            return rs.getString(1);
        }
    }
}
