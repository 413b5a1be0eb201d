package dev.turnout.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Stops, kills and restarts servers of a cluster of its own, then closes it. */
class ServerLifecycleTest {

    @Test
    void killedAndStoppedServersRestartOnTheirPortAndCloseLeavesNoProcessOrDirectory() throws Exception {
        SandboxCluster cluster =
                SandboxCluster.builder().replicas(1).appUser("shop", "p'w\\d").start();
        List<Long> pids;
        Path clusterDir;
        try {
            DbServer primary = cluster.primary();
            DbServer replica = cluster.replicas().get(0);
            clusterDir = Processes.serverDir(primary.pid()).getParent();
            assertThat(clusterDir.getFileName().toString()).startsWith("turnout-sandbox-");
            execute(primary, "CREATE TABLE lifecycle (id INT PRIMARY KEY)", "INSERT INTO lifecycle VALUES (1)");

            long replicaPid = replica.pid();
            int replicaPort = replica.port();
            replica.kill();
            assertThat(replica.isRunning()).isFalse();
            assertThat(Processes.isLive(replicaPid)).isFalse();
            execute(primary, "INSERT INTO lifecycle VALUES (2)");
            replica.start();
            assertThat(replica.isRunning()).isTrue();
            assertThat(replica.pid()).isNotEqualTo(replicaPid);
            assertThat(replica.port()).isEqualTo(replicaPort);
            cluster.awaitReplication(Duration.ofSeconds(30));
            assertThat(count(replica, "SELECT COUNT(*) FROM lifecycle"))
                    .as("rows after the replica's crash")
                    .isEqualTo(2);

            long primaryPid = primary.pid();
            primary.stop();
            assertThat(Processes.isLive(primaryPid)).isFalse();
            assertThat(primary.errorLog()).contains(clusterDir.resolve("db1/mariadbd.err"));
            assertThat(Files.readString(primary.errorLog().orElseThrow())).contains("Shutdown complete");
            primary.start();
            primary.start(); // already running: nothing happens
            execute(primary, "INSERT INTO lifecycle VALUES (3)");
            cluster.awaitReplication(Duration.ofSeconds(30));
            assertThat(count(replica, "SELECT COUNT(*) FROM lifecycle"))
                    .as("rows after the primary's restart")
                    .isEqualTo(3);

            try (Connection c = primary.connect("shop", "p'w\\d");
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("shop@127.0.0.1");
            }
            pids = cluster.servers().stream().map(DbServer::pid).collect(Collectors.toList());
        } finally {
            cluster.close();
        }
        assertThat(pids).noneMatch(Processes::isLive);
        assertThat(cluster.servers()).noneMatch(DbServer::isRunning);
        assertThat(clusterDir).doesNotExist();
        assertThat(mariadbdProcessesUnder(clusterDir)).isEmpty();
        cluster.close(); // idempotent
    }

    @Test
    void semiSyncClusterAcknowledgesCommitsThroughItsReplica() throws Exception {
        try (SandboxCluster cluster =
                SandboxCluster.builder().replicas(1).semiSync(true).start()) {
            execute(cluster.primary(), "CREATE TABLE semi (id INT PRIMARY KEY)", "INSERT INTO semi VALUES (1)");
            try (Connection c = cluster.primary().rootConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SHOW GLOBAL STATUS WHERE Variable_name IN "
                                    + "('Rpl_semi_sync_master_status', 'Rpl_semi_sync_master_clients', 'Rpl_semi_sync_master_yes_tx')")) {
                java.util.Map<String, String> status = new java.util.HashMap<>();
                while (rs.next()) {
                    status.put(rs.getString(1), rs.getString(2));
                }
                assertThat(status)
                        .containsEntry("Rpl_semi_sync_master_status", "ON")
                        .containsEntry("Rpl_semi_sync_master_clients", "1");
                assertThat(Integer.parseInt(status.get("Rpl_semi_sync_master_yes_tx")))
                        .isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void aStartThatTimesOutReportsTheErrorLogAndLeavesNothingRunning() {
        Throwable failure = catchThrowable(() -> SandboxCluster.builder()
                .replicas(1)
                .startupTimeout(Duration.ofMillis(1))
                .start());
        assertThat(failure)
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("not accepting connections on 127.0.0.1:")
                .hasMessageContaining("Error log:");
        Matcher dir =
                Pattern.compile("\\((/[^)]*/turnout-sandbox-[0-9]+)/db[0-9]\\)").matcher(failure.getMessage());
        assertThat(dir.find())
                .as("server directory in: %s", failure.getMessage())
                .isTrue();
        assertThat(Path.of(dir.group(1))).as("the failed cluster's directory").doesNotExist();
        assertThat(mariadbdProcessesUnder(Path.of(dir.group(1)))).isEmpty();
    }

    @Test
    void theBuilderRejectsInvalidSettingsNamingTheKey() {
        assertThatThrownBy(() -> SandboxCluster.builder().replicas(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("replicas:");
        assertThatThrownBy(() -> SandboxCluster.builder().appUser("repl", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("appUser:");
        assertThatThrownBy(() -> SandboxCluster.builder().startupTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("startupTimeout:");
        assertThatThrownBy(() -> SandboxCluster.builder().maxConnections(9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("maxConnections:");
        assertThatThrownBy(() -> SandboxCluster.builder().maxConnections(100_001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("maxConnections:");
    }

    @Test
    void aRaisedConnectionLimitReachesTheServerWithItsThreadPool() throws Exception {
        try (SandboxCluster cluster = SandboxCluster.builder()
                        .replicas(0)
                        .maxConnections(2000)
                        .start();
                Connection c = cluster.primary().rootConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT @@max_connections, @@thread_handling, @@open_files_limit")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(2000);
            assertThat(rs.getString(2)).isEqualTo("pool-of-threads");
            assertThat(rs.getLong(3)).isGreaterThanOrEqualTo(10_000);
        }
    }

    @Test
    void aSingleServerClusterHasNoReplicas() throws Exception {
        try (SandboxCluster cluster = SandboxCluster.builder().replicas(0).start()) {
            assertThat(cluster.replicas()).isEmpty();
            assertThat(cluster.servers()).containsExactly(cluster.primary());
            cluster.awaitReplication(Duration.ofSeconds(1));
            assertThat(count(cluster.primary(), "SELECT @@server_id")).isEqualTo(1);
        }
    }

    static List<Long> mariadbdProcessesUnder(Path dir) {
        return ProcessHandle.allProcesses()
                .filter(p -> Processes.isLive(p.pid()))
                .filter(p -> Processes.commandLine(p.pid()).contains("mariadbd")
                        && Processes.commandLine(p.pid()).contains(dir.toString()))
                .map(ProcessHandle::pid)
                .collect(Collectors.toList());
    }

    private static void execute(DbServer server, String... sql) throws SQLException {
        try (Connection c = server.rootConnection();
                Statement s = c.createStatement()) {
            for (String each : sql) {
                s.execute(each);
            }
        }
    }

    private static long count(DbServer server, String sql) throws SQLException {
        try (Connection c = server.rootConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}
