package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Read/write splitting on an {@code RO_RELAXED} connector, asserted by {@code @@server_id}:
 * autocommit reads spread over the replicas; writes, locking reads, session functions and
 * everything inside a transaction stay on the primary.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadWriteSplitIT {

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension("connector-qos=RO_RELAXED\n");

    private static long primaryId;
    private static Set<Long> replicaIds;

    @BeforeAll
    static void table() throws Exception {
        primaryId = turnout.primaryServerId();
        replicaIds = ConnectorHarness.replicaIds(turnout.cluster());
        try (Connection root = turnout.cluster().primary().rootConnection();
                Statement st = root.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS test.split (id INT PRIMARY KEY, v VARCHAR(20))");
        }
        turnout.cluster().awaitReplication(java.time.Duration.ofSeconds(10));
        try (Connection c = turnout.connect(Driver.MARIADB, "")) {
            ConnectorHarness.awaitReadFrom(c, replicaIds); // the connector's probes see the replicas healthy
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void autocommitReadsLandOnReplicasOnlySpreadOverBoth(Driver driver) throws Exception {
        Map<Long, Integer> servedBy = new HashMap<>();
        try (Connection c = turnout.connect(driver, "");
                Statement st = c.createStatement()) {
            for (int i = 0; i < 1000; i++) {
                try (ResultSet rs = st.executeQuery("SELECT @@server_id")) {
                    rs.next();
                    servedBy.merge(rs.getLong(1), 1, Integer::sum);
                }
            }
        }
        assertThat(servedBy.keySet()).as("servers that answered: %s", servedBy).isEqualTo(replicaIds);
        assertThat(servedBy.values()).allSatisfy(count -> assertThat(count).isGreaterThan(300));
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void preparedReadsLandOnReplicasToo(Driver driver) throws Exception {
        Map<Long, Integer> servedBy = new HashMap<>();
        try (Connection c = turnout.connect(driver, "useServerPrepStmts=true");
                PreparedStatement ps = c.prepareStatement("SELECT @@server_id, ?")) {
            for (int i = 0; i < 200; i++) {
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(2)).isEqualTo(i);
                    if (i > 0) {
                        // MariaDB Connector/J pipelines the first execute behind its prepare: that one stays on the
                        // primary.
                        servedBy.merge(rs.getLong(1), 1, Integer::sum);
                    }
                }
            }
        }
        assertThat(servedBy.keySet()).as("servers that answered: %s", servedBy).isEqualTo(replicaIds);
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void writesLockingReadsAndSessionFunctionsStayOnThePrimary(Driver driver) throws Exception {
        try (Connection c = turnout.connect(driver, "");
                Statement st = c.createStatement()) {
            int id = 1000 + driver.ordinal();
            st.execute("DELETE FROM test.split WHERE id = " + id);
            assertThat(st.executeUpdate("INSERT INTO test.split VALUES (" + id + ", @@server_id)"))
                    .isEqualTo(1);
            assertThat(ConnectorHarness.queryLong(
                            c, "SELECT @@server_id FROM test.split WHERE id = " + id + " FOR UPDATE"))
                    .isEqualTo(primaryId);
            assertThat(ConnectorHarness.queryLong(
                            c, "SELECT @@server_id FROM test.split WHERE id = " + id + " LOCK IN SHARE MODE"))
                    .isEqualTo(primaryId);
            assertThat(ConnectorHarness.queryLong(c, "SELECT LAST_INSERT_ID() + @@server_id * 0 + @@server_id"))
                    .isEqualTo(primaryId);
            assertThat(ConnectorHarness.queryLong(c, "/* TUNGSTEN USE qos=RW_STRICT */ SELECT @@server_id"))
                    .isEqualTo(primaryId);
            try (ResultSet rs = st.executeQuery("SELECT v FROM test.split WHERE id = " + id + " FOR UPDATE")) {
                rs.next();
                assertThat(rs.getString(1)).as("the insert ran on the primary").isEqualTo(Long.toString(primaryId));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void everythingInsideATransactionRunsOnThePrimary(Driver driver) throws Exception {
        try (Connection c = turnout.connect(driver, "");
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 20; i++) {
                assertThat(ConnectorHarness.queryLong(c, "SELECT @@server_id")).isEqualTo(primaryId);
            }
            c.commit();
            st.execute("START TRANSACTION");
            assertThat(ConnectorHarness.queryLong(c, "SELECT @@server_id")).isEqualTo(primaryId);
            st.execute("COMMIT");
            c.setAutoCommit(true);
            st.execute("BEGIN");
            assertThat(ConnectorHarness.queryLong(c, "SELECT @@server_id")).isEqualTo(primaryId);
            st.execute("ROLLBACK");
            assertThat(replicaIds).contains(ConnectorHarness.queryLong(c, "SELECT @@server_id"));
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void temporaryTablesPinTheSessionToThePrimary(Driver driver) throws Exception {
        try (Connection c = turnout.connect(driver, "");
                Statement st = c.createStatement()) {
            assertThat(replicaIds).contains(ConnectorHarness.queryLong(c, "SELECT @@server_id"));
            st.execute("CREATE TEMPORARY TABLE tmp_split (x INT)");
            st.execute("INSERT INTO tmp_split VALUES (7)");
            assertThat(ConnectorHarness.queryLong(c, "SELECT x FROM tmp_split")).isEqualTo(7);
            for (int i = 0; i < 10; i++) {
                assertThat(ConnectorHarness.queryLong(c, "SELECT @@server_id")).isEqualTo(primaryId);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void sessionVariablesAndSchemaFollowTheSessionToReplicas(Driver driver) throws Exception {
        try (Connection c = turnout.connect(driver, "");
                Statement st = c.createStatement()) {
            st.execute("SET SESSION sql_mode = 'ANSI_QUOTES'");
            st.execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin");
            st.execute("USE information_schema"); // a schema every user may use
            for (int i = 0; i < 6; i++) {
                try (ResultSet rs =
                        st.executeQuery("SELECT @@server_id, @@sql_mode, @@collation_connection, DATABASE()")) {
                    rs.next();
                    assertThat(replicaIds).contains(rs.getLong(1));
                    assertThat(rs.getString(2)).isEqualTo("ANSI_QUOTES");
                    assertThat(rs.getString(3)).isEqualTo("utf8mb4_bin");
                    assertThat(rs.getString(4)).isEqualTo("information_schema");
                }
            }
        }
    }
}
