package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11, item 5: with reads split — {@code connector-qos=RO_RELAXED}, the read-only port, an
 * {@code @direct} user of the user map, a per-statement hint — and nothing said about {@code connector-smartscale}, a session reads its own
 * writes at once, plain and prepared, with both drivers. The replicas' SQL threads are stopped so
 * that no replica can have the row: a read that went to one would miss it. With
 * {@code connector-smartscale=false} said explicitly, reads are relaxed and may miss it. A
 * server-side prepared statement keeps its {@code RO_RELAXED} hint, as a query does.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(SandboxExtension.class)
class ReadYourWritesByDefaultIT {

    private static final String HINT = "/* TUNGSTEN USE qos=RO_RELAXED */ ";
    private static final AtomicInteger IDS = new AtomicInteger();

    private static SandboxCluster cluster;
    private static final List<ConnectorServer> connectors = new ArrayList<>();
    private static ConnectorServer relaxedQos;
    private static ConnectorServer strictWithReadOnlyPort;
    private static ConnectorServer smartscaleOff;
    private static ConnectorServer directUser;
    private static Set<Long> replicaIds;

    /** How a session's reads come to be split. */
    enum Split {
        CONNECTOR_QOS,
        READ_ONLY_PORT,
        DIRECT_USER,
        HINT
    }

    @BeforeAll
    static void start(SandboxCluster sandbox, @TempDir Path dir) throws Exception {
        cluster = sandbox;
        Path userMap = Files.writeString(
                dir.resolve("user.map"),
                cluster.appUser() + " " + cluster.appPassword() + " alpha\n@direct " + cluster.appUser() + "\n");
        directUser = started(ConnectorHarness.start(cluster, "connector-user-map=" + userMap + "\n"));
        replicaIds = ConnectorHarness.replicaIds(cluster);
        relaxedQos = started(ConnectorHarness.start(cluster, "connector-qos=RO_RELAXED\n"));
        strictWithReadOnlyPort = started(ConnectorHarness.start(cluster, "", c -> c.withReadOnlyPort(0)));
        smartscaleOff =
                started(ConnectorHarness.start(cluster, "connector-qos=RO_RELAXED\nconnector-smartscale=false\n"));
        ConnectorHarness.executeAsRoot(
                cluster.primary(), "CREATE TABLE IF NOT EXISTS test.ryw_default (id INT PRIMARY KEY, v INT)");
        cluster.awaitReplication(Duration.ofSeconds(30));
    }

    private static ConnectorServer started(ConnectorServer server) {
        connectors.add(server);
        return server;
    }

    @AfterAll
    static void stop() {
        for (ConnectorServer server : connectors) {
            server.shutdown(Duration.ofSeconds(2));
        }
        connectors.clear();
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Driver driver : Driver.values()) {
            for (Split split : Split.values()) {
                for (boolean prepared : new boolean[] {false, true}) {
                    cases.add(Arguments.of(driver, split, prepared));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} prepared={2}")
    @MethodSource("cases")
    void aReadRightAfterTheSessionsInsertSeesTheRow(Driver driver, Split split, boolean prepared) throws Exception {
        int port = switch (split) {
            case CONNECTOR_QOS -> relaxedQos.port();
            case READ_ONLY_PORT -> strictWithReadOnlyPort.readOnlyPort();
            case DIRECT_USER -> directUser.port();
            case HINT -> strictWithReadOnlyPort.port();
        };
        String hint = split == Split.HINT ? HINT : "";
        String options = prepared ? "useServerPrepStmts=true" : "";
        try (Connection c = driver.connect(port, cluster.appUser(), cluster.appPassword(), options);
                Reader read =
                        new Reader(c, hint + "SELECT v, @@server_id FROM test.ryw_default WHERE id = ?", prepared)) {
            awaitReadFromReplica(c, hint);
            read.row(-1); // a prepared read is prepared (and its pipelined first execute run) before the write
            int id = IDS.incrementAndGet();
            long[] row = insertAndReadWithAppliersStopped(c, read, id);
            assertThat(row)
                    .as("row %d read back at once by the session that inserted it", id)
                    .isNotNull();
            assertThat(row[0]).isEqualTo(id * 7L);
            assertThat(row[1])
                    .as("served by the primary")
                    .isEqualTo(cluster.primary().serverId());
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void withSmartscaleSetToFalseReadsAreRelaxedAndMayMissTheSessionsWrite(Driver driver) throws Exception {
        try (Connection c = driver.connect(smartscaleOff.port(), cluster.appUser(), cluster.appPassword(), "");
                Reader read = new Reader(c, "SELECT v, @@server_id FROM test.ryw_default WHERE id = ?", false)) {
            awaitReadFromReplica(c, "");
            int id = IDS.incrementAndGet();
            long[] row = insertAndReadWithAppliersStopped(c, read, id);
            assertThat(row)
                    .as("a replica that cannot have applied row %d served the read", id)
                    .isNull();
        }
    }

    /** Inserts row {@code id} while no replica applies anything, and reads it back at once: v and the server id, or null. */
    private static long @org.jspecify.annotations.Nullable [] insertAndReadWithAppliersStopped(
            Connection c, Reader read, int id) throws Exception {
        for (DbServer replica : cluster.replicas()) {
            ConnectorHarness.executeAsRoot(replica, "STOP SLAVE SQL_THREAD");
        }
        try {
            assertThat(read.insert(id)).isEqualTo(1);
            return read.row(id);
        } finally {
            for (DbServer replica : cluster.replicas()) {
                ConnectorHarness.executeAsRoot(replica, "START SLAVE SQL_THREAD");
            }
            cluster.awaitReplication(Duration.ofSeconds(30));
        }
    }

    /** Waits (at most 10 s) until a read of the session, before any write, is served by a replica. */
    private static void awaitReadFromReplica(Connection c, String hint) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (replicaIds.contains(ConnectorHarness.queryLong(c, hint + "SELECT @@server_id"))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no read reached a replica within 10 s");
    }

    /** One read of a row by id, as a plain statement or a prepared one. */
    private static final class Reader implements AutoCloseable {
        private final Connection connection;
        private final String sql;
        private final @org.jspecify.annotations.Nullable PreparedStatement prepared;

        Reader(Connection connection, String sql, boolean prepared) throws SQLException {
            this.connection = connection;
            this.sql = sql;
            this.prepared = prepared ? connection.prepareStatement(sql) : null;
        }

        /** Inserts row {@code id} (v = 7 id) as this reader reads: plain or prepared. */
        int insert(int id) throws SQLException {
            if (prepared != null) {
                try (PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO test.ryw_default VALUES (?, ?)")) {
                    insert.setInt(1, id);
                    insert.setInt(2, id * 7);
                    return insert.executeUpdate();
                }
            }
            try (Statement st = connection.createStatement()) {
                return st.executeUpdate("INSERT INTO test.ryw_default VALUES (" + id + ", " + id * 7 + ")");
            }
        }

        long @org.jspecify.annotations.Nullable [] row(int id) throws SQLException {
            if (prepared != null) {
                prepared.setInt(1, id);
                try (ResultSet rs = prepared.executeQuery()) {
                    return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
                }
            }
            try (Statement st = connection.createStatement();
                    ResultSet rs = st.executeQuery(sql.replace("?", Integer.toString(id)))) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
            }
        }

        @Override
        public void close() throws SQLException {
            if (prepared != null) {
                prepared.close();
            }
        }
    }
}
