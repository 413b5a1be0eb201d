package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Role;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When the topology names a new master (as a manager's switch pushes it), an idle session moves to
 * it at its next statement, with its session variables, its schema and its prepared statements,
 * and without an error. The switch itself is done by hand here, on a cluster of the test's own.
 */
@ExtendWith(SandboxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FollowMasterIT {

    private static SandboxCluster cluster;
    private static ConnectorServer connector;

    @BeforeAll
    static void start(SandboxCluster shared) throws Exception {
        cluster = SandboxCluster.builder()
                .replicas(2)
                .appUser(shared.appUser(), shared.appPassword())
                .start();
        connector = ConnectorHarness.start(cluster, "");
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.shutdown(Duration.ofSeconds(2));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anIdleSessionFollowsTheNewMasterWithItsStateAndStatements() throws Exception {
        DbServer oldPrimary = cluster.primary();
        DbServer newPrimary = cluster.replicas().get(0);
        DbServer other = cluster.replicas().get(1);
        ConnectorHarness.executeAsRoot(
                oldPrimary, "CREATE TABLE IF NOT EXISTS test.follow (id INT PRIMARY KEY, server INT)");
        try (Connection c = Driver.MARIADB.connect(
                        connector.port(), cluster.appUser(), cluster.appPassword(), "useServerPrepStmts=true");
                Statement st = c.createStatement();
                PreparedStatement insert = c.prepareStatement("INSERT INTO test.follow VALUES (?, @@server_id)")) {
            st.execute("SET SESSION sql_mode = 'ANSI_QUOTES'");
            st.execute("USE information_schema"); // a schema every user may use
            insert.setInt(1, 1);
            assertThat(insert.executeUpdate()).isEqualTo(1);
            cluster.awaitReplication(Duration.ofSeconds(10));

            switchTo(oldPrimary, newPrimary, other);
            connector.topology().holder().update(snapshot -> {
                Dataservice service = snapshot.dataservice("alpha");
                service = service.with(
                        service.datasource(oldPrimary.hostPort()).orElseThrow().withRole(Role.SLAVE));
                service = service.with(
                        service.datasource(newPrimary.hostPort()).orElseThrow().withRole(Role.MASTER));
                return snapshot.withDataservice(service);
            });

            insert.setInt(1, 2);
            assertThat(insert.executeUpdate())
                    .as("the prepared insert, on the new master")
                    .isEqualTo(1);
            try (ResultSet rs = st.executeQuery("SELECT @@server_id, @@sql_mode, DATABASE(), @@read_only")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(newPrimary.serverId());
                assertThat(rs.getString(2)).isEqualTo("ANSI_QUOTES");
                assertThat(rs.getString(3)).isEqualTo("information_schema");
                assertThat(rs.getInt(4)).isZero();
            }
            try (ResultSet rs = st.executeQuery("SELECT server FROM test.follow WHERE id = 2")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(newPrimary.serverId());
            }
        }
    }

    /** A planned switch by hand: the old primary read-only, the candidate caught up and promoted, the others repointed. */
    private static void switchTo(DbServer oldPrimary, DbServer candidate, DbServer other) throws Exception {
        ConnectorHarness.executeAsRoot(oldPrimary, "SET GLOBAL read_only = 1");
        cluster.awaitReplication(Duration.ofSeconds(10));
        ConnectorHarness.executeAsRoot(candidate, "STOP SLAVE");
        ConnectorHarness.executeAsRoot(candidate, "RESET SLAVE ALL");
        ConnectorHarness.executeAsRoot(candidate, "SET GLOBAL read_only = 0");
        String changeMaster = "CHANGE MASTER TO MASTER_HOST='" + candidate.host() + "', MASTER_PORT=" + candidate.port()
                + ", MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos";
        for (DbServer replica : new DbServer[] {other, oldPrimary}) {
            ConnectorHarness.executeAsRoot(replica, "STOP SLAVE");
            ConnectorHarness.executeAsRoot(replica, changeMaster);
            ConnectorHarness.executeAsRoot(replica, "START SLAVE");
        }
    }
}
