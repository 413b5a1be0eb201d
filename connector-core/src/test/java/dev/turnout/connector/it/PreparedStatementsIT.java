package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prepared statements through the connector: the binary protocol (COM_STMT_PREPARE, EXECUTE,
 * SEND_LONG_DATA, RESET, CLOSE, FETCH), MariaDB's pipelined PREPARE+EXECUTE, client-side
 * prepared statements for comparison, cursors and streamed result sets.
 */
@Timeout(60)
class PreparedStatementsIT {

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    /** One way of preparing statements: a driver, its URL options, and whether the server prepares them. */
    record Mode(String name, Driver driver, String options, boolean serverSide) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Mode> modes() {
        return Stream.of(
                new Mode("mysql-server", Driver.MYSQL, "useServerPrepStmts=true", true),
                // MariaDB Connector/J 3 sends PREPARE and EXECUTE (statement id -1) back to back.
                new Mode("mariadb-server-pipelined", Driver.MARIADB, "useServerPrepStmts=true", true),
                new Mode(
                        "mariadb-server-sequential",
                        Driver.MARIADB,
                        "useServerPrepStmts=true&disablePipeline=true",
                        true),
                // The MariaDB default: prepared statements are rendered into COM_QUERY by the driver.
                new Mode("mariadb-default", Driver.MARIADB, "", false));
    }

    static Stream<Mode> serverSideModes() {
        return modes().filter(Mode::serverSide);
    }

    private static Connection connect(Mode mode) throws SQLException {
        return turnout.connect(mode.driver(), mode.options());
    }

    private static String table(String name, Mode mode) {
        return "psit_" + name + "_" + mode.name().replace('-', '_').toLowerCase(Locale.ROOT);
    }

    private static long sessionStatus(Connection connection, String name) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("show session status like '" + name + "'")) {
            assertThat(rs.next()).as("status variable %s", name).isTrue();
            return rs.getLong(2);
        }
    }

    private static final String COLUMNS = "id, i8, i16, i64, num, f, d, s, txt, bin, dt, tm, ts, flag";

    /** One row of the typed table; the expected values are the ones bound. */
    private record Row(
            int id,
            Byte i8,
            Short i16,
            Long i64,
            BigDecimal num,
            Float f,
            Double d,
            String s,
            String txt,
            byte[] bin,
            LocalDate dt,
            LocalTime tm,
            LocalDateTime ts,
            Boolean flag) {

        static Row nulls(int id) {
            return new Row(id, null, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        void bind(PreparedStatement p) throws SQLException {
            p.setInt(1, id);
            setOrNull(p, 2, i8, Types.TINYINT);
            setOrNull(p, 3, i16, Types.SMALLINT);
            setOrNull(p, 4, i64, Types.BIGINT);
            setOrNull(p, 5, num, Types.DECIMAL);
            setOrNull(p, 6, f, Types.REAL);
            setOrNull(p, 7, d, Types.DOUBLE);
            setOrNull(p, 8, s, Types.VARCHAR);
            setOrNull(p, 9, txt, Types.LONGVARCHAR);
            if (bin == null) {
                p.setNull(10, Types.VARBINARY);
            } else {
                p.setBytes(10, bin);
            }
            setOrNull(p, 11, dt, Types.DATE);
            setOrNull(p, 12, tm, Types.TIME);
            setOrNull(p, 13, ts, Types.TIMESTAMP);
            setOrNull(p, 14, flag, Types.BOOLEAN);
        }

        private static void setOrNull(PreparedStatement p, int index, Object value, int type) throws SQLException {
            if (value == null) {
                p.setNull(index, type);
            } else {
                p.setObject(index, value);
            }
        }

        static Row read(ResultSet rs) throws SQLException {
            return new Row(
                    rs.getInt("id"),
                    rs.getObject("i8") == null ? null : rs.getByte("i8"),
                    rs.getObject("i16") == null ? null : rs.getShort("i16"),
                    rs.getObject("i64", Long.class),
                    rs.getBigDecimal("num"),
                    rs.getObject("f") == null ? null : rs.getFloat("f"),
                    rs.getObject("d", Double.class),
                    rs.getString("s"),
                    rs.getString("txt"),
                    rs.getBytes("bin"),
                    rs.getObject("dt", LocalDate.class),
                    rs.getObject("tm", LocalTime.class),
                    rs.getObject("ts", LocalDateTime.class),
                    rs.getObject("flag") == null ? null : rs.getBoolean("flag"));
        }

        /** Compares field by field (byte arrays by content) so a failure names the column. */
        void assertEqualTo(Row actual) {
            assertThat(actual).usingRecursiveComparison().isEqualTo(this);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void reExecutesWithOtherParametersNullsAndManyTypes(Mode mode) throws Exception {
        String t = table("types", mode);
        List<Row> rows = List.of(
                new Row(
                        1,
                        (byte) -128,
                        (short) 32767,
                        Long.MAX_VALUE,
                        new BigDecimal("12345678901234.123456"),
                        1.5f,
                        -2.25e100,
                        "plain 'quoted' \\ text",
                        "x".repeat(5000),
                        new byte[] {0, 1, 2, (byte) 0xFF, '\'', '\\'},
                        LocalDate.of(2024, 2, 29),
                        LocalTime.of(23, 59, 58),
                        LocalDateTime.of(2024, 2, 29, 12, 34, 56, 123_456_000),
                        true),
                Row.nulls(2),
                new Row(
                        3,
                        (byte) 127,
                        (short) -32768,
                        Long.MIN_VALUE,
                        new BigDecimal("-0.000001"),
                        -0.25f,
                        0.0,
                        "",
                        "",
                        new byte[0],
                        LocalDate.of(1970, 1, 1),
                        LocalTime.MIDNIGHT,
                        LocalDateTime.of(2038, 1, 19, 3, 14, 8),
                        false));
        try (Connection c = connect(mode);
                Statement s = c.createStatement()) {
            s.execute("drop table if exists " + t);
            s.execute("create table " + t
                    + " (id int primary key, i8 tinyint, i16 smallint, i64 bigint, num decimal(20,6),"
                    + " f float, d double, s varchar(100), txt text, bin varbinary(32), dt date, tm time, ts datetime(6),"
                    + " flag boolean)");
            long preparedBefore = sessionStatus(c, "Com_stmt_prepare");
            try (PreparedStatement insert = c.prepareStatement(
                    "insert into " + t + " (" + COLUMNS + ")" + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Row row : rows) {
                    row.bind(insert);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
            }
            try (PreparedStatement select =
                    c.prepareStatement("select " + COLUMNS + ", @@server_id from " + t + " where id = ?")) {
                // Backwards, so each execution must really use its own parameter.
                for (int i = rows.size() - 1; i >= 0; i--) {
                    Row expected = rows.get(i);
                    select.setInt(1, expected.id());
                    try (ResultSet rs = select.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        expected.assertEqualTo(Row.read(rs));
                        assertThat(rs.getLong(15)).isEqualTo(turnout.primaryServerId());
                        assertThat(rs.next()).isFalse();
                    }
                }
            }
            long prepared = sessionStatus(c, "Com_stmt_prepare") - preparedBefore;
            if (mode.serverSide()) {
                assertThat(prepared).as("statements the server prepared").isGreaterThanOrEqualTo(2);
            } else {
                assertThat(prepared).as("statements the server prepared").isZero();
            }
            s.execute("drop table " + t);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void executesABatch(Mode mode) throws Exception {
        String t = table("batch", mode);
        try (Connection c = connect(mode);
                Statement s = c.createStatement()) {
            s.execute("drop table if exists " + t);
            s.execute("create table " + t + " (id int primary key, v varchar(20))");
            try (PreparedStatement insert = c.prepareStatement("insert into " + t + " values (?, ?)")) {
                for (int i = 1; i <= 100; i++) {
                    insert.setInt(1, i);
                    if (i % 10 == 0) {
                        insert.setNull(2, Types.VARCHAR);
                    } else {
                        insert.setString(2, "v" + i);
                    }
                    insert.addBatch();
                }
                int[] counts = insert.executeBatch();
                assertThat(counts).hasSize(100);
                // A bulk execution (MariaDB COM_STMT_BULK_EXECUTE without unit results) reports no per-row counts.
                assertThat(counts)
                        .containsOnly(Arrays.stream(counts).allMatch(n -> n == 1) ? 1 : Statement.SUCCESS_NO_INFO);
            }
            try (ResultSet rs = s.executeQuery("select count(*), count(v), sum(id) from " + t)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(100);
                assertThat(rs.getLong(2)).isEqualTo(90);
                assertThat(rs.getLong(3)).isEqualTo(5050);
            }
            s.execute("drop table " + t);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void reportsAStatementThatCannotBePreparedAndCarriesOn(Mode mode) throws Exception {
        try (Connection c = connect(mode)) {
            assertThatExceptionOfType(SQLException.class)
                    .isThrownBy(() -> {
                        try (PreparedStatement p =
                                c.prepareStatement("select * from psit_no_such_table where id = ?")) {
                            p.setInt(1, 1);
                            p.executeQuery().close();
                        }
                    })
                    .satisfies(e -> {
                        assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(1146);
                        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("42S02");
                    });
            try (PreparedStatement p = c.prepareStatement("select ? * 2, @@server_id")) {
                p.setLong(1, 21);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(42);
                    assertThat(rs.getLong(2)).isEqualTo(turnout.primaryServerId());
                }
            }
        }
    }

    /**
     * CALL through the binary protocol: several binary result sets, then the procedure's final OK.
     * MariaDB Connector/J only: MySQL Connector/J prepares CALL on the client side even with
     * {@code useServerPrepStmts=true}.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("mariadbServerSideModes")
    void executesAPreparedCallReturningSeveralResultSets(Mode mode) throws Exception {
        String procedure = table("proc", mode);
        try (Connection c = connect(mode);
                Statement s = c.createStatement()) {
            s.execute("drop procedure if exists " + procedure);
            s.execute("create procedure " + procedure + "(in n int)\n"
                    + "begin\n"
                    + "  select n, 'first';\n"
                    + "  select n * 2, @@server_id union all select n * 3, @@server_id;\n"
                    + "end");
            long preparedBefore = sessionStatus(c, "Com_stmt_prepare");
            try (PreparedStatement call = c.prepareStatement("call " + procedure + "(?)")) {
                for (int n = 1; n <= 2; n++) {
                    call.setInt(1, n);
                    List<String> results = new ArrayList<>();
                    boolean isResultSet = call.execute();
                    for (int i = 0; i < 10; i++) {
                        if (isResultSet) {
                            StringBuilder rows = new StringBuilder();
                            try (ResultSet rs = call.getResultSet()) {
                                while (rs.next()) {
                                    rows.append('[')
                                            .append(rs.getString(1))
                                            .append(',')
                                            .append(rs.getString(2))
                                            .append(']');
                                }
                            }
                            results.add(rows.toString());
                        } else if (call.getUpdateCount() == -1) {
                            break;
                        } else {
                            results.add("update " + call.getUpdateCount());
                        }
                        isResultSet = call.getMoreResults();
                    }
                    long primary = turnout.primaryServerId();
                    assertThat(results)
                            .startsWith(
                                    "[" + n + ",first]",
                                    "[" + 2 * n + "," + primary + "][" + 3 * n + "," + primary + "]");
                    // The procedure's own final status is an update count of 0, which some drivers do not surface.
                    assertThat(results.subList(2, results.size())).isSubsetOf("update 0");
                }
            }
            assertThat(sessionStatus(c, "Com_stmt_prepare") - preparedBefore).isPositive();
            assertThat(ConnectorHarness.queryLong(c, "select @@server_id")).isEqualTo(turnout.primaryServerId());
            s.execute("drop procedure " + procedure);
        }
    }

    /**
     * A driver-side statement cache of two entries, cycled through five statements: evicted
     * statements are closed with COM_STMT_CLOSE (which gets no response) right before the next
     * PREPARE, and the server ends up holding no more than the cache does.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("serverSideModes")
    void survivesTheDriverClosingStatementsItEvictsFromItsCache(Mode mode) throws Exception {
        try (Connection c =
                turnout.connect(mode.driver(), mode.options() + "&cachePrepStmts=true&prepStmtCacheSize=2")) {
            long closedBefore = sessionStatus(c, "Com_stmt_close");
            for (int round = 0; round < 3; round++) {
                for (int k = 1; k <= 5; k++) {
                    try (PreparedStatement p = c.prepareStatement("select ? + " + k + ", " + k + " as k")) {
                        p.setInt(1, round * 100);
                        try (ResultSet rs = p.executeQuery()) {
                            assertThat(rs.next()).isTrue();
                            assertThat(rs.getInt(1)).isEqualTo(round * 100 + k);
                            assertThat(rs.getInt(2)).isEqualTo(k);
                        }
                    }
                }
            }
            assertThat(sessionStatus(c, "Com_stmt_close") - closedBefore)
                    .as("COM_STMT_CLOSE commands")
                    .isPositive();
            assertThat(ConnectorHarness.queryLong(c, "select @@server_id")).isEqualTo(turnout.primaryServerId());
        }
    }

    /** Streams as parameters: server-side, the drivers send them with COM_STMT_SEND_LONG_DATA (no response). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("serverSideModes")
    void sendsStreamedParametersAsLongData(Mode mode) throws Exception {
        String t = table("longdata", mode);
        Random random = new Random(7);
        try (Connection c = connect(mode);
                Statement s = c.createStatement()) {
            s.execute("drop table if exists " + t);
            s.execute("create table " + t + " (id int primary key, b longblob)");
            long before = sessionStatus(c, "Com_stmt_send_long_data");
            List<byte[]> values = new ArrayList<>();
            try (PreparedStatement insert = c.prepareStatement("insert into " + t + " values (?, ?)")) {
                for (int id = 1; id <= 2; id++) {
                    byte[] value = new byte[3 * 1024 * 1024 + id];
                    random.nextBytes(value);
                    values.add(value);
                    insert.setInt(1, id);
                    insert.setBinaryStream(2, new ByteArrayInputStream(value), value.length);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
            }
            assertThat(sessionStatus(c, "Com_stmt_send_long_data") - before)
                    .as("COM_STMT_SEND_LONG_DATA sent")
                    .isPositive();
            try (ResultSet rs = s.executeQuery("select id, sha2(b, 256), length(b) from " + t + " order by id")) {
                for (byte[] value : values) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(2)).isEqualTo(sha256Hex(value));
                    assertThat(rs.getLong(3)).isEqualTo(value.length);
                }
            }
            s.execute("drop table " + t);
        }
    }

    private static String sha256Hex(byte[] value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    }

    private static void fillNumbers(Connection c, String t, int rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("drop table if exists " + t);
            s.execute("create table " + t + " (id int primary key, label varchar(20))");
            StringBuilder insert = new StringBuilder("insert into " + t + " values ");
            for (int i = 1; i <= rows; i++) {
                insert.append(i == 1 ? "" : ",")
                        .append('(')
                        .append(i)
                        .append(",'row-")
                        .append(i)
                        .append("')");
            }
            s.executeUpdate(insert.toString());
        }
    }

    /**
     * MySQL Connector/J only ({@code useCursorFetch} is its option): a read-only cursor on the
     * server, fetched 7 rows at a time with COM_STMT_FETCH, interleaved with other statements.
     */
    @Test
    void fetchesFromAServerCursorInSmallBatches() throws Exception {
        Mode mode = new Mode(
                "mysql-cursor", Driver.MYSQL, "useServerPrepStmts=true&useCursorFetch=true&defaultFetchSize=7", true);
        String t = table("cursor", mode);
        int rows = 60;
        try (Connection c = connect(mode)) {
            fillNumbers(c, t, rows);
            long fetchesBefore = sessionStatus(c, "Com_stmt_fetch");
            List<Integer> seen = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("select id, label from " + t + " where id > ? order by id")) {
                p.setInt(1, 0);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        assertThat(rs.getString(2)).isEqualTo("row-" + rs.getInt(1));
                        seen.add(rs.getInt(1));
                        if (seen.size() == 10) {
                            // Another command while the cursor is open: the next COM_STMT_FETCH must still work.
                            assertThat(ConnectorHarness.queryLong(c, "select @@server_id"))
                                    .isEqualTo(turnout.primaryServerId());
                        }
                    }
                }
            }
            assertThat(seen).hasSize(rows).isSorted().startsWith(1).endsWith(rows);
            assertThat(sessionStatus(c, "Com_stmt_fetch") - fetchesBefore)
                    .as("COM_STMT_FETCH commands")
                    .isGreaterThanOrEqualTo((rows + 6) / 7);
            // A cursor abandoned half way (the driver resets or closes the statement), then the statement re-executed.
            try (PreparedStatement p = c.prepareStatement("select id from " + t + " where id > ? order by id")) {
                for (int from : new int[] {0, 30}) {
                    p.setInt(1, from);
                    try (ResultSet rs = p.executeQuery()) {
                        for (int i = 1; i <= 10; i++) {
                            assertThat(rs.next()).isTrue();
                            assertThat(rs.getInt(1)).isEqualTo(from + i);
                        }
                    }
                }
                p.setInt(1, 50);
                int count = 0;
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        assertThat(rs.getInt(1)).isEqualTo(50 + ++count);
                    }
                }
                assertThat(count).isEqualTo(rows - 50);
            }
            try (Statement s = c.createStatement()) {
                s.execute("drop table " + t);
            }
        }
    }

    /**
     * MariaDB Connector/J only (MySQL Connector/J streams with fetch size Integer.MIN_VALUE only):
     * {@code setFetchSize(7)} streams the result, reading 7 rows at a time from the socket; another
     * statement in between makes the driver read the rest of the result first.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("mariadbModes")
    void streamsAResultSetWithAFetchSize(Mode mode) throws Exception {
        String t = table("stream", mode);
        int rows = 60;
        try (Connection c = connect(mode)) {
            fillNumbers(c, t, rows);
            List<Integer> seen = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("select id, label from " + t + " where id > ? order by id")) {
                p.setFetchSize(7);
                p.setInt(1, 0);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        assertThat(rs.getString(2)).isEqualTo("row-" + rs.getInt(1));
                        seen.add(rs.getInt(1));
                        if (seen.size() == 10) {
                            assertThat(ConnectorHarness.queryLong(c, "select @@server_id"))
                                    .isEqualTo(turnout.primaryServerId());
                        }
                    }
                }
            }
            assertThat(seen).hasSize(rows).isSorted().startsWith(1).endsWith(rows);
            // A streamed result closed half way: the driver skips the rest, the next statement gets its own answer.
            try (Statement s = c.createStatement()) {
                s.setFetchSize(7);
                try (ResultSet rs = s.executeQuery("select id from " + t + " order by id")) {
                    for (int i = 1; i <= 10; i++) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getInt(1)).isEqualTo(i);
                    }
                }
                assertThat(ConnectorHarness.queryLong(c, "select 12345")).isEqualTo(12345);
            }
            // The same through a plain statement, streamed to the end without interruption.
            try (Statement s = c.createStatement()) {
                s.setFetchSize(7);
                int count = 0;
                try (ResultSet rs = s.executeQuery("select id from " + t + " order by id")) {
                    while (rs.next()) {
                        assertThat(rs.getInt(1)).isEqualTo(++count);
                    }
                }
                assertThat(count).isEqualTo(rows);
                s.execute("drop table " + t);
            }
        }
    }

    static Stream<Mode> mariadbServerSideModes() {
        return mariadbModes().filter(Mode::serverSide);
    }

    static Stream<Mode> mariadbModes() {
        return modes().filter(mode -> mode.driver() == Driver.MARIADB);
    }
}
