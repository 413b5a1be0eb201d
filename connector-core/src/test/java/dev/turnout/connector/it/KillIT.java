package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.constant.Command;
import dev.turnout.testkit.RawClient;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code KILL} of a connector session wherever it appears — one statement of a multi-statement, a
 * statement of a pipelined batch, {@code COM_PROCESS_KILL}, a {@code KILL QUERY} of a read running on
 * a replica — names the server thread that serves that session, as the id from the handshake does on
 * a direct connection. Each with MySQL Connector/J and MariaDB Connector/J.
 */
@Timeout(120)
class KillIT {

    /** Well under the 20 s the statements to stop would take. */
    private static final Duration STOPPED_WITHIN = Duration.ofSeconds(10);

    @RegisterExtension
    static final ConnectorExtension strict = new ConnectorExtension();

    @RegisterExtension
    static final ConnectorExtension split = new ConnectorExtension("connector-qos=RO_RELAXED\n");

    @RegisterExtension
    static final OtherSessionsCarryOn carryOn = new OtherSessionsCarryOn(strict);

    /** The id the handshake gave {@code c}: what KILL names. */
    private static long threadId(Connection c) throws SQLException {
        if (c.isWrapperFor(com.mysql.cj.jdbc.JdbcConnection.class)) {
            return c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getSession().getThreadId();
        }
        return c.unwrap(org.mariadb.jdbc.Connection.class).getThreadId();
    }

    private static Connection direct(Driver driver, String options) throws SQLException {
        return DriverManager.getConnection(
                driver.url(strict.cluster().primary().port(), options),
                strict.cluster().appUser(),
                strict.cluster().appPassword());
    }

    /** What a multi-statement returned, result by result. */
    private static List<String> results(Statement s, boolean isResultSet) throws SQLException {
        List<String> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            if (isResultSet) {
                try (ResultSet rs = s.getResultSet()) {
                    List<String> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                    results.add("rows " + rows);
                }
            } else if (s.getUpdateCount() == -1) {
                break;
            } else {
                results.add("update " + s.getUpdateCount());
            }
            isResultSet = s.getMoreResults();
        }
        return results;
    }

    private static void awaitInvalid(Connection c) throws InterruptedException, SQLException {
        long deadline = System.nanoTime() + STOPPED_WITHIN.toNanos();
        while (c.isValid(1) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(c.isValid(1)).as("the killed connection is gone").isFalse();
    }

    /** node mysql2's pool tests kill a pooled connection this way. */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void aKillInAMultiStatementEndsTheOtherSessionAsDirect(Driver driver) throws Exception {
        List<List<String>> outcomes = new ArrayList<>();
        for (boolean throughConnector : new boolean[] {false, true}) {
            try (Connection victim = throughConnector ? strict.connect(driver, "") : direct(driver, "");
                    Connection killer = throughConnector
                            ? strict.connect(driver, "allowMultiQueries=true")
                            : direct(driver, "allowMultiQueries=true");
                    Statement s = killer.createStatement()) {
                outcomes.add(results(s, s.execute("KILL " + threadId(victim) + "; SELECT SLEEP(0.05)")));
                awaitInvalid(victim);
                assertThat(ConnectorHarness.queryLong(killer, "select 1")).isEqualTo(1);
            }
        }
        assertThat(outcomes.get(0)).as("direct").containsExactly("update 0", "rows [0]");
        assertThat(outcomes.get(1)).as("through the connector").isEqualTo(outcomes.get(0));
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aKillQueryInAMultiStatementStopsTheOtherSessionsStatement(Driver driver) throws Exception {
        try (Connection victim = strict.connect(driver, "");
                Connection killer = strict.connect(driver, "allowMultiQueries=true");
                Statement s = killer.createStatement()) {
            long backendThread = ConnectorHarness.queryLong(victim, "select connection_id()");
            CompletableFuture<String> sleeping = sleepIn(victim, backendThread, strict);
            assertThat(results(s, s.execute("SELECT 1; KILL QUERY " + threadId(victim) + "; DO 2")))
                    .containsExactly("rows [1]", "update 0", "update 0");
            assertThat(sleeping.get(STOPPED_WITHIN.toSeconds(), TimeUnit.SECONDS))
                    .isIn("interrupted", "1"); // MariaDB: SLEEP returns 1 when killed
            assertThat(ConnectorHarness.queryLong(victim, "select 7")).isEqualTo(7);
        }
    }

    /** MariaDB Connector/J pipelines the batch: the KILL is one of several commands in flight. */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void killsInAPipelinedBatchAreTranslatedAndAnsweredInOrder(Driver driver) throws Exception {
        try (Connection victim = strict.connect(driver, "");
                Connection killer = strict.connect(driver, "");
                Statement s = killer.createStatement()) {
            long backendThread = ConnectorHarness.queryLong(victim, "select connection_id()");
            CompletableFuture<String> sleeping = sleepIn(victim, backendThread, strict);
            s.addBatch("DO 1");
            s.addBatch("KILL QUERY " + threadId(victim));
            s.addBatch("DO 2");
            assertThat(s.executeBatch()).containsExactly(0, 0, 0);
            assertThat(sleeping.get(STOPPED_WITHIN.toSeconds(), TimeUnit.SECONDS))
                    .isIn("interrupted", "1");

            s.addBatch("DO 1");
            s.addBatch("KILL QUERY 2147483000"); // no session has it: 1094, after DO 1's answer
            s.addBatch("DO 2");
            BatchUpdateException failed = (BatchUpdateException) SqlErrors.thrownBy(s::executeBatch);
            assertThat(failed.getErrorCode()).isEqualTo(1094);
            assertThat(failed.getUpdateCounts()).isNotEmpty().startsWith(0);
            assertThat(ConnectorHarness.queryLong(killer, "select 3")).isEqualTo(3);

            s.addBatch("DO 1");
            s.addBatch("KILL " + threadId(victim));
            assertThat(s.executeBatch()).containsExactly(0, 0);
            awaitInvalid(victim);
        }
    }

    /**
     * Statement.cancel() of a read on a replica (both drivers send {@code KILL QUERY <id>} on a
     * connection of their own): the KILL QUERY must reach that replica.
     */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void aCancelStopsAReadRunningOnAReplica(Driver driver) throws Exception {
        try (Connection connection = split.connect(driver, "");
                Statement statement = connection.createStatement()) {
            ConnectorHarness.awaitReadFrom(connection, ConnectorHarness.replicaIds(split.cluster()));
            String marker = "kill_it_" + driver.name().toLowerCase(java.util.Locale.ROOT);
            CompletableFuture<String> reading = CompletableFuture.supplyAsync(() -> {
                try (ResultSet rs = statement.executeQuery("select sleep(20) as " + marker + ", @@server_id")) {
                    rs.next();
                    return "sleep " + rs.getLong(1) + " on " + rs.getLong(2);
                } catch (SQLException e) {
                    return "cancelled";
                }
            });
            long started = System.nanoTime();
            awaitRunningOnAReplica(marker);
            statement.cancel();
            assertThat(reading.get(STOPPED_WITHIN.toSeconds(), TimeUnit.SECONDS))
                    .as("the read stopped by the cancel (MariaDB's SLEEP answers 1 when killed)")
                    .isIn("cancelled", "sleep 1 on 2", "sleep 1 on 3");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(STOPPED_WITHIN);
            assertThat(ConnectorHarness.queryLong(connection, "select 5")).isEqualTo(5);
        }
    }

    /** Waits until a replica runs a statement containing {@code marker}. */
    private static void awaitRunningOnAReplica(String marker) throws Exception {
        long deadline = System.nanoTime() + STOPPED_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            for (var replica : split.cluster().replicas()) {
                try (Connection root = replica.rootConnection();
                        Statement s = root.createStatement();
                        ResultSet rs = s.executeQuery("select count(*) from information_schema.processlist"
                                + " where info like '%" + marker + "%' and info not like '%processlist%'")) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no replica ran the read within " + STOPPED_WITHIN);
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void comProcessKillEndsTheSessionItNames(Driver driver) throws Exception {
        try (Connection victim = strict.connect(driver, "");
                RawClient killer = RawClient.connect(strict.port())) {
            killer.login(strict.cluster().appUser(), strict.cluster().appPassword(), AuthPlugins.MYSQL_NATIVE_PASSWORD);
            long id = threadId(victim);
            List<RawClient.Packet> answer = killer.command(new byte[] {
                (byte) Command.COM_PROCESS_KILL, (byte) id, (byte) (id >> 8), (byte) (id >> 16), (byte) (id >> 24)
            });
            assertThat(answer).hasSize(1);
            assertThat(answer.get(0).firstByte()).as("OK").isZero();
            awaitInvalid(victim);
            assertThat(killer.queryLong("select 9")).isEqualTo(9);
        }
    }

    @Test
    void aKillInAMultiStatementOfAnIdNoSessionHasFailsThere() throws Exception {
        try (Connection killer = strict.connect(Driver.MARIADB, "allowMultiQueries=true");
                Statement s = killer.createStatement()) {
            SQLException unknown = SqlErrors.thrownBy(() -> results(s, s.execute("DO 1; KILL 2147483000; DO 2")));
            assertThat(unknown.getErrorCode()).isEqualTo(1094);
            assertThat(ConnectorHarness.queryLong(killer, "select 1")).isEqualTo(1);
        }
    }

    /**
     * Runs {@code select sleep(20)} on {@code victim} in another thread, and returns once the
     * primary runs it; the future holds its value, or "interrupted" for error 1317.
     */
    private static CompletableFuture<String> sleepIn(Connection victim, long backendThread, ConnectorExtension on)
            throws Exception {
        CompletableFuture<String> result = CompletableFuture.supplyAsync(() -> {
            try (Statement sleeper = victim.createStatement();
                    ResultSet rs = sleeper.executeQuery("select sleep(20)")) {
                rs.next();
                return rs.getString(1);
            } catch (SQLException e) {
                return e.getErrorCode() == 1317 ? "interrupted" : "error " + e.getErrorCode() + " " + e.getMessage();
            }
        });
        assertThat(PrimaryThreads.awaitRunning(on.cluster().primary(), backendThread, Duration.ofSeconds(10)))
                .as("the victim's statement runs")
                .isTrue();
        return result;
    }
}
