package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.testkit.RawClient;
import java.nio.charset.StandardCharsets;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11, item 6: with reads split, a {@code START TRANSACTION READ ONLY} transaction runs on one
 * replica, every read of it there (plain and prepared), a write inside it fails as on the server
 * (1792 ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION) and leaves the transaction open, and after its
 * COMMIT or ROLLBACK the session writes on the primary again; with both drivers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadOnlyTransactionIT {

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension("connector-qos=RO_RELAXED\n");

    private static Set<Long> replicaIds;
    private static SQLException direct;

    @BeforeAll
    static void table() throws Exception {
        replicaIds = ConnectorHarness.replicaIds(turnout.cluster());
        ConnectorHarness.executeAsRoot(
                turnout.cluster().primary(), "CREATE TABLE IF NOT EXISTS test.rot (id INT PRIMARY KEY)");
        ConnectorHarness.executeAsRoot(turnout.cluster().primary(), "DELETE FROM test.rot");
        ConnectorHarness.executeAsRoot(turnout.cluster().primary(), "INSERT INTO test.rot VALUES (1), (2), (3)");
        turnout.cluster().awaitReplication(Duration.ofSeconds(30));
        // What the server answers to a write in a read-only transaction, direct.
        try (Connection c = Driver.MARIADB.connect(
                        turnout.cluster().primary().port(),
                        turnout.cluster().appUser(),
                        turnout.cluster().appPassword(),
                        "");
                Statement st = c.createStatement()) {
            st.execute("START TRANSACTION READ ONLY");
            direct = SqlErrors.thrownBy(() -> st.executeUpdate("INSERT INTO test.rot VALUES (100)"));
            st.execute("ROLLBACK");
        }
        assertThat(direct.getErrorCode()).isEqualTo(1792);
    }

    /** MariaDB Connector/J puts "(conn=ID) " before a server's message. */
    private static String withoutConnectionId(String message) {
        return message.replaceFirst("^\\(conn=\\d+\\) ", "");
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Driver driver : Driver.values()) {
            cases.add(Arguments.of(driver, false));
            cases.add(Arguments.of(driver, true));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} serverPrepared={1}")
    @MethodSource("cases")
    void aReadOnlyTransactionRunsOnAReplicaAndAWriteInItFailsAsOnTheServer(Driver driver, boolean serverPrepared)
            throws Exception {
        long primaryId = turnout.primaryServerId();
        int id = 10 + driver.ordinal() * 2 + (serverPrepared ? 1 : 0);
        try (Connection c = turnout.connect(driver, serverPrepared ? "useServerPrepStmts=true" : "");
                Statement st = c.createStatement();
                PreparedStatement count =
                        c.prepareStatement("SELECT COUNT(*), @@server_id FROM test.rot WHERE id < ?");
                PreparedStatement insert = c.prepareStatement("INSERT INTO test.rot VALUES (?)")) {
            ConnectorHarness.awaitReadFrom(c, replicaIds);
            count.setInt(1, 100);
            count.executeQuery().close(); // MariaDB Connector/J's first execute runs with its prepare, on the primary

            st.execute("START TRANSACTION READ ONLY");
            long replica = ConnectorHarness.queryLong(c, "SELECT @@server_id");
            assertThat(replica).as("the transaction's first read").isIn(replicaIds);
            try (ResultSet rs = count.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(3);
                assertThat(rs.getLong(2))
                        .as("a prepared read of the transaction")
                        .isEqualTo(replica);
            }
            SQLException plainWrite =
                    SqlErrors.thrownBy(() -> st.executeUpdate("INSERT INTO test.rot VALUES (" + id + ")"));
            insert.setInt(1, id);
            SQLException preparedWrite = SqlErrors.thrownBy(insert::executeUpdate);
            for (SQLException refused : List.of(plainWrite, preparedWrite)) {
                assertThat(refused.getErrorCode()).isEqualTo(direct.getErrorCode());
                assertThat(refused.getSQLState()).isEqualTo(direct.getSQLState());
                assertThat(withoutConnectionId(refused.getMessage()))
                        .isEqualTo(withoutConnectionId(direct.getMessage()));
            }
            assertThat(ConnectorHarness.queryLong(c, "SELECT @@server_id"))
                    .as("still in the transaction, on its replica")
                    .isEqualTo(replica);
            st.execute("COMMIT");

            assertThat(insert.executeUpdate())
                    .as("after the commit, a write on the primary")
                    .isEqualTo(1);
            st.execute("START TRANSACTION");
            assertThat(ConnectorHarness.queryLong(c, "SELECT @@server_id"))
                    .as("a read-write transaction")
                    .isEqualTo(primaryId);
            st.execute("ROLLBACK");
            // Read-your-writes holds for read-only transactions too: once a replica has the insert, they go there
            // again.
            ConnectorHarness.awaitReadFrom(c, replicaIds);
            st.execute("START TRANSACTION READ ONLY");
            assertThat(ConnectorHarness.queryLong(c, "SELECT @@server_id")).isIn(replicaIds);
            st.execute("ROLLBACK");
            st.executeUpdate("DELETE FROM test.rot WHERE id = " + id);
        }
    }

    /**
     * The client sends the whole transaction and a write behind it at once: the reads run on the
     * replica, the write after the COMMIT waits for the transaction's end and runs on the primary,
     * a write inside is refused.
     */
    @Test
    void aPipelinedTransactionAndTheWriteBehindItGoWhereTheyBelong() throws Exception {
        long primaryId = turnout.primaryServerId();
        try (RawClient client = RawClient.connect(turnout.port())) {
            assertThat(client.login(
                                    turnout.cluster().appUser(),
                                    turnout.cluster().appPassword(),
                                    RawClient.MYSQL_NATIVE_PASSWORD)
                            .firstByte())
                    .isZero();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!replicaIds.contains(client.queryLong("SELECT @@server_id")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String[] pipelined = {
                "START TRANSACTION READ ONLY",
                "SELECT @@server_id",
                "INSERT INTO test.rot VALUES (40)",
                "SELECT @@server_id",
                "COMMIT",
                "INSERT INTO test.rot VALUES (41)",
                "SELECT @@server_id FROM test.rot WHERE id = 41 FOR UPDATE"
            };
            for (String sql : pipelined) {
                client.writePacket(0, RawClient.payload(0x03, RawClient.text(sql)));
            }
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < pipelined.length; i++) {
                answers.add(response(client));
            }
            assertThat(answers.get(0)).isEqualTo("OK");
            long replica = Long.parseLong(answers.get(1));
            assertThat(replica).isIn(replicaIds);
            assertThat(answers.get(2)).isEqualTo("ERR 1792");
            assertThat(answers.get(3)).isEqualTo(Long.toString(replica));
            assertThat(answers.subList(4, 6)).containsExactly("OK", "OK");
            assertThat(answers.get(6)).isEqualTo(Long.toString(primaryId));
            assertThat(client.query("DELETE FROM test.rot WHERE id IN (40, 41)"))
                    .isEmpty();
        }
    }

    /** One response: "OK", "ERR code", or the first column of its first row (a text result set with EOFs). */
    private static String response(RawClient client) throws Exception {
        RawClient.Packet first = client.readPacket();
        if (first.isErr()) {
            return "ERR " + first.err().errorCode();
        }
        if (first.firstByte() == 0x00) {
            return "OK";
        }
        int columns = first.payload()[0];
        for (int i = 0; i <= columns; i++) {
            client.readPacket(); // the column definitions and their EOF
        }
        String value = null;
        while (true) {
            RawClient.Packet row = client.readPacket();
            if (row.firstByte() == 0xFE && row.payload().length < 9) {
                return String.valueOf(value);
            }
            if (value == null) {
                byte[] payload = row.payload();
                value = new String(payload, 1, payload[0], StandardCharsets.UTF_8);
            }
        }
    }
}
