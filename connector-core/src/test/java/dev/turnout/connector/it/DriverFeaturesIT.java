package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Everyday driver features through the connector, each with MySQL Connector/J and MariaDB
 * Connector/J: text statements, multi-statements and stored procedures, LOAD DATA LOCAL INFILE,
 * transactions, server errors, utf8mb4. Every test also checks that its statements ran on the
 * primary ({@code @@server_id}).
 */
@Timeout(60)
class DriverFeaturesIT {

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    /** A table name of this class for {@code driver}, so both drivers' runs never share rows. */
    private static String table(String name, Driver driver) {
        return "dfit_" + name + "_" + driver.name().toLowerCase(Locale.ROOT);
    }

    /** Drops table {@code t} if it exists and creates it anew with {@code definition} (columns and options). */
    private static void recreateTable(Statement s, String t, String definition) throws SQLException {
        s.execute("drop table if exists " + t);
        s.execute("create table " + t + " " + definition);
    }

    /** A new temporary file of {@code rows} lines, line {@code i} (from 1) being {@code line.apply(i)}. */
    private static Path csvFile(String prefix, int rows, IntFunction<String> line) throws IOException {
        Path file = Files.createTempFile(prefix, ".csv");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 1; i <= rows; i++) {
                out.write(line.apply(i) + "\n");
            }
        }
        return file;
    }

    private static void assertOnPrimary(Connection connection) throws SQLException {
        assertThat(ConnectorHarness.queryLong(connection, "select @@server_id"))
                .as("@@server_id of the server that ran the statements")
                .isEqualTo(turnout.primaryServerId());
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void runsDdlAndDmlAsTextStatementsOnThePrimary(Driver driver) throws Exception {
        String t = table("text", driver);
        try (Connection c = turnout.connect(driver, "");
                Statement s = c.createStatement()) {
            recreateTable(s, t, "(id int primary key, name varchar(40) not null, amount decimal(10,2))");
            assertThat(s.executeUpdate(
                            "insert into " + t + " values (1, 'one', 1.50), (2, 'two', 2.25), (3, 'three', null)"))
                    .isEqualTo(3);
            assertThat(s.executeUpdate("update " + t + " set name = concat(name, '!') where id >= 2"))
                    .isEqualTo(2);
            assertThat(s.executeUpdate("delete from " + t + " where id = 1")).isEqualTo(1);

            List<String> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("select id, name, amount from " + t + " order by id")) {
                while (rs.next()) {
                    rows.add(rs.getInt(1) + ":" + rs.getString(2) + ":" + rs.getBigDecimal(3));
                }
            }
            assertThat(rows).containsExactly("2:two!:2.25", "3:three!:null");
            assertOnPrimary(c);
            assertThat(c.getMetaData().getDatabaseProductVersion()).endsWith("-turnout");
            // The rows are on the primary itself, seen by a direct administrator connection.
            try (Connection root = turnout.cluster().primary().rootConnection()) {
                assertThat(ConnectorHarness.queryLong(root, "select count(*) from test." + t + " where name like '%!'"))
                        .isEqualTo(2);
            }
            s.execute("drop table " + t);
        }
    }

    /** The connector does not offer compression: a client asking for it gets a working uncompressed session. */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void servesAClientThatAsksForCompressionUncompressed(Driver driver) throws Exception {
        try (Connection c = turnout.connect(driver, "useCompression=true");
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("show session status like 'Compression'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualToIgnoringCase("OFF");
            }
            try (ResultSet rs = s.executeQuery("select repeat('q', 1000000), @@server_id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).hasSize(1_000_000);
                assertThat(rs.getLong(2)).isEqualTo(turnout.primaryServerId());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void returnsMixedResultSetsAndUpdateCountsOfAMultiStatement(Driver driver) throws Exception {
        String t = table("multi", driver);
        try (Connection c = turnout.connect(driver, "allowMultiQueries=true");
                Statement s = c.createStatement()) {
            recreateTable(s, t, "(id int primary key, v int)");
            boolean isResultSet = s.execute("insert into " + t + " values (1, 10), (2, 20);"
                    + " select v from " + t + " order by id;"
                    + " update " + t + " set v = v + 1;"
                    + " select sum(v), @@server_id from " + t + ";"
                    + " delete from " + t + " where id = 1");
            List<String> results = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                if (isResultSet) {
                    StringBuilder rows = new StringBuilder("rows");
                    try (ResultSet rs = s.getResultSet()) {
                        int columns = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            for (int column = 1; column <= columns; column++) {
                                rows.append(column == 1 ? " " : ",").append(rs.getLong(column));
                            }
                        }
                    }
                    results.add(rows.toString());
                } else {
                    int count = s.getUpdateCount();
                    if (count == -1) {
                        break;
                    }
                    results.add("update " + count);
                }
                isResultSet = s.getMoreResults();
            }
            assertThat(results)
                    .containsExactly(
                            "update 2", "rows 10 20", "update 2", "rows 32," + turnout.primaryServerId(), "update 1");
            assertThat(ConnectorHarness.queryLong(c, "select count(*) from " + t))
                    .isEqualTo(1);
            s.execute("drop table " + t);
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void endsAMultiStatementAtItsFirstErrorAndStaysUsable(Driver driver) throws Exception {
        try (Connection c = turnout.connect(driver, "allowMultiQueries=true");
                Statement s = c.createStatement()) {
            List<Long> seen = new ArrayList<>();
            assertError(
                    () -> {
                        boolean isResultSet = s.execute("select 1; select * from dfit_no_such_table; select 3");
                        for (int i = 0; i < 5 && isResultSet; i++) {
                            try (ResultSet rs = s.getResultSet()) {
                                while (rs.next()) {
                                    seen.add(rs.getLong(1));
                                }
                            }
                            isResultSet = s.getMoreResults();
                        }
                    },
                    1146,
                    "42S02");
            // MySQL Connector/J reads the first result before the error, MariaDB Connector/J all results at once.
            assertThat(seen).isSubsetOf(1L);
            assertThat(ConnectorHarness.queryLong(c, "select 4")).isEqualTo(4);
            assertOnPrimary(c);
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void callsAProcedureReturningSeveralResultSetsAndAnOutParameter(Driver driver) throws Exception {
        String procedure = table("proc", driver);
        try (Connection c = turnout.connect(driver, "");
                Statement s = c.createStatement()) {
            s.execute("drop procedure if exists " + procedure);
            s.execute("create procedure " + procedure + "(in n int, out total bigint)\n"
                    + "begin\n"
                    + "  select x from (select 1 x union all select 2 union all select 3) d where x <= n order by x;\n"
                    + "  select 'second', @@server_id;\n"
                    + "  set total = n * 100;\n"
                    + "end");
            try (CallableStatement call = c.prepareCall("{call " + procedure + "(?, ?)}")) {
                call.setInt(1, 3);
                call.registerOutParameter(2, Types.BIGINT);
                boolean isResultSet = call.execute();
                assertThat(isResultSet).isTrue();
                List<Long> first = new ArrayList<>();
                try (ResultSet rs = call.getResultSet()) {
                    while (rs.next()) {
                        first.add(rs.getLong(1));
                    }
                }
                assertThat(first).containsExactly(1L, 2L, 3L);
                assertThat(call.getMoreResults()).isTrue();
                try (ResultSet rs = call.getResultSet()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("second");
                    assertThat(rs.getLong(2)).isEqualTo(turnout.primaryServerId());
                    assertThat(rs.next()).isFalse();
                }
                assertThat(call.getLong(2)).isEqualTo(300L);

                // The same call again, with another argument: the statement and the session survive.
                call.setInt(1, 1);
                call.execute();
                try (ResultSet rs = call.getResultSet()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(1L);
                    assertThat(rs.next()).isFalse();
                }
                assertThat(call.getLong(2)).isEqualTo(100L);
            }
            assertOnPrimary(c);
            s.execute("drop procedure " + procedure);
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void loadsALocalFileOfThousandsOfRows(Driver driver) throws Exception {
        String t = table("infile", driver);
        int rows = 3000;
        Path file = csvFile("turnout-it-infile", rows, i -> i + ",name-" + i);
        try {
            try (Connection c = turnout.connect(driver, localInfileOption(driver));
                    Statement s = c.createStatement()) {
                recreateTable(s, t, "(id int primary key, name varchar(40))");
                int loaded = s.executeUpdate("load data local infile '" + file.toAbsolutePath() + "' into table " + t
                        + " fields terminated by ',' lines terminated by '\\n'");
                assertThat(loaded).isEqualTo(rows);
                try (ResultSet rs = s.executeQuery("select count(*), sum(id), max(name) from " + t)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(rows);
                    assertThat(rs.getLong(2)).isEqualTo((long) rows * (rows + 1) / 2);
                    assertThat(rs.getString(3)).isEqualTo("name-999");
                }
                assertOnPrimary(c);
                s.execute("drop table " + t);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** About 20 MiB of file: the driver sends it in many packets, the server answers once at the end. */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void loadsALocalFileOfTwentyMebibytes(Driver driver) throws Exception {
        String t = table("bigfile", driver);
        int rows = 2000;
        String filler = "z".repeat(10 * 1024);
        Path file = csvFile("turnout-it-bigfile", rows, i -> i + "," + filler);
        try {
            assertThat(Files.size(file)).isGreaterThan(20L * 1000 * 1000);
            try (Connection c = turnout.connect(driver, localInfileOption(driver));
                    Statement s = c.createStatement()) {
                recreateTable(s, t, "(id int primary key, v text)");
                assertThat(s.executeUpdate("load data local infile '" + file.toAbsolutePath() + "' into table " + t
                                + " fields terminated by ','"))
                        .isEqualTo(rows);
                try (ResultSet rs = s.executeQuery("select count(*), sum(length(v)), sum(id) from " + t)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(rows);
                    assertThat(rs.getLong(2)).isEqualTo((long) rows * filler.length());
                    assertThat(rs.getLong(3)).isEqualTo((long) rows * (rows + 1) / 2);
                }
                s.execute("drop table " + t);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The driver answers the server's file request with an empty packet: the statement fails, the session does not. */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void failsTheStatementNotTheSessionWhenTheLocalFileIsMissing(Driver driver) throws Exception {
        String t = table("nofile", driver);
        Path missing =
                Path.of(System.getProperty("java.io.tmpdir"), "turnout-it-no-such-file-" + System.nanoTime() + ".csv");
        try (Connection c = turnout.connect(driver, localInfileOption(driver));
                Statement s = c.createStatement()) {
            recreateTable(s, t, "(id int primary key)");
            assertThatExceptionOfType(SQLException.class)
                    .isThrownBy(() -> s.executeUpdate("load data local infile '" + missing + "' into table " + t));
            assertThat(ConnectorHarness.queryLong(c, "select count(*) from " + t))
                    .isZero();
            assertOnPrimary(c);
            s.execute("drop table " + t);
        }
    }

    private static String localInfileOption(Driver driver) {
        return driver == Driver.MYSQL ? "allowLoadLocalInfile=true" : "allowLocalInfile=true";
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void keepsCommittedRowsAndDiscardsRolledBackOnes(Driver driver) throws Exception {
        String t = table("tx", driver);
        try (Connection c = turnout.connect(driver, "");
                Connection observer = turnout.connect(driver, "");
                Statement s = c.createStatement()) {
            recreateTable(s, t, "(id int primary key) engine=InnoDB");
            c.setAutoCommit(false);

            s.executeUpdate("insert into " + t + " values (1)");
            assertThat(ConnectorHarness.queryLong(c, "select @@in_transaction")).isEqualTo(1);
            assertThat(ConnectorHarness.queryLong(observer, "select count(*) from " + t))
                    .isZero();
            c.rollback();
            assertThat(ConnectorHarness.queryLong(c, "select count(*) from " + t + " where id = 1"))
                    .isZero();

            s.executeUpdate("insert into " + t + " values (2)");
            assertThat(ConnectorHarness.queryLong(observer, "select count(*) from " + t))
                    .isZero();
            c.commit();
            c.setAutoCommit(true);

            assertThat(ConnectorHarness.queryLong(observer, "select count(*) from " + t + " where id = 1"))
                    .isZero();
            assertThat(ConnectorHarness.queryLong(observer, "select count(*) from " + t + " where id = 2"))
                    .isEqualTo(1);
            assertOnPrimary(observer);
            s.execute("drop table " + t);
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void passesServerErrorsThroughWithCodeAndSqlState(Driver driver) throws Exception {
        String t = table("errors", driver);
        try (Connection c = turnout.connect(driver, "");
                Statement s = c.createStatement()) {
            recreateTable(s, t, "(id int primary key)");
            s.execute("insert into " + t + " values (1)");

            assertError(() -> s.executeQuery("select * from dfit_no_such_table"), 1146, "42S02");
            assertThat(ConnectorHarness.queryLong(c, "select 1")).isEqualTo(1);

            assertError(() -> s.executeUpdate("insert into " + t + " values (1)"), 1062, "23000");
            assertThat(ConnectorHarness.queryLong(c, "select count(*) from " + t))
                    .isEqualTo(1);

            assertError(() -> s.execute("selec 1 fro dual"), 1064, "42000");
            assertThat(c.isValid(2)).isTrue();
            assertOnPrimary(c);
            s.execute("drop table " + t);
        }
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private static void assertError(SqlAction action, int code, String sqlState) {
        assertThatExceptionOfType(SQLException.class)
                .as("expected error %d (%s)", code, sqlState)
                .isThrownBy(action::run)
                .satisfies(e -> {
                    assertThat(e.getErrorCode())
                            .as("error code of: %s", e.getMessage())
                            .isEqualTo(code);
                    assertThat(e.getSQLState())
                            .as("SQLSTATE of: %s", e.getMessage())
                            .isEqualTo(sqlState);
                });
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void roundTripsUtf8mb4TextThroughTextAndPreparedStatements(Driver driver) throws Exception {
        String t = table("utf8", driver);
        String text = "héllo 👋🏽 世界";
        String hex = HexFormat.of().withUpperCase().formatHex(text.getBytes(StandardCharsets.UTF_8));
        try (Connection c = turnout.connect(driver, "");
                Statement s = c.createStatement()) {
            recreateTable(s, t, "(id int primary key, v varchar(40) character set utf8mb4 collate utf8mb4_bin)");
            s.executeUpdate("insert into " + t + " values (1, '" + text + "')");
            try (PreparedStatement insert = c.prepareStatement("insert into " + t + " values (?, ?)")) {
                insert.setInt(1, 2);
                insert.setString(2, text);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            try (ResultSet rs = s.executeQuery("select id, v, hex(v), char_length(v) from " + t + " order by id")) {
                for (int id = 1; id <= 2; id++) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(id);
                    assertThat(rs.getString(2)).isEqualTo(text);
                    // What the server stored: the UTF-8 bytes, not a double-encoded or '?'-replaced form.
                    assertThat(rs.getString(3)).isEqualTo(hex);
                    assertThat(rs.getInt(4)).isEqualTo(text.codePointCount(0, text.length()));
                }
                assertThat(rs.next()).isFalse();
            }
            try (PreparedStatement select = c.prepareStatement("select id from " + t + " where v = ? order by id")) {
                select.setString(1, text);
                try (ResultSet rs = select.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(2);
                }
            }
            assertOnPrimary(c);
            s.execute("drop table " + t);
        }
    }
}
