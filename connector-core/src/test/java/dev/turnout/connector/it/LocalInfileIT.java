package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every form of {@code LOAD DATA LOCAL INFILE} and {@code LOAD XML LOCAL INFILE} behaves through the
 * connector exactly as on a direct connection to the primary — the same update counts, errors (code
 * and SQLSTATE) and rows, and a session that goes on — each form repeated on one connection, with
 * both drivers, as text statements and as server-side prepared statements (MariaDB prepares LOAD
 * DATA: the file is asked for in the answer to COM_STMT_EXECUTE), through a connector in RW_STRICT
 * and through one that splits reads (RO_RELAXED, read-your-writes, a backend pool).
 */
@Timeout(120)
class LocalInfileIT {

    @RegisterExtension
    static final ConnectorExtension strict = new ConnectorExtension();

    @RegisterExtension
    static final ConnectorExtension split =
            new ConnectorExtension("connector-qos=RO_RELAXED\nconnector-smartscale=true\nconnector-backend-pool=4\n");

    private static final int REPEATS = 3;
    private static final int ROWS = 50;
    private static Path csv;
    private static Path xml;

    @BeforeAll
    static void files() throws IOException {
        csv = Files.createTempFile("turnout-it-load", ".csv");
        xml = Files.createTempFile("turnout-it-load", ".xml");
        try (Writer out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            for (int i = 1; i <= ROWS; i++) {
                out.write(i + ",name-" + i + "\n");
            }
        }
        try (Writer out = Files.newBufferedWriter(xml, StandardCharsets.UTF_8)) {
            out.write("<?xml version=\"1.0\"?>\n<resultset>\n");
            for (int i = 1; i <= ROWS; i++) {
                out.write("<row><field name=\"id\">" + i + "</field><field name=\"name\">x-" + i + "</field></row>\n");
            }
            out.write("</resultset>\n");
        }
    }

    @AfterAll
    static void deleteFiles() throws IOException {
        Files.deleteIfExists(csv);
        Files.deleteIfExists(xml);
    }

    /** How the statements of a form reach the server. */
    enum Api {
        /** COM_QUERY. */
        TEXT,
        /** COM_STMT_PREPARE + COM_STMT_EXECUTE ({@code useServerPrepStmts=true}). */
        SERVER_PREPARED
    }

    /** One form of LOCAL INFILE use on a connection with table {@code t} (id int primary key, name). */
    interface Form {
        void run(Connection c, Api api, String t, List<String> outcomes) throws SQLException;
    }

    static Stream<Arguments> forms() {
        List<Arguments> forms = new ArrayList<>();
        for (String connector : List.of("strict", "split")) {
            for (Driver driver : Driver.values()) {
                for (Api api : Api.values()) {
                    forms.add(Arguments.of(connector, driver, api, "plain", (Form) LocalInfileIT::plain));
                    forms.add(Arguments.of(connector, driver, api, "batch", (Form) LocalInfileIT::batch));
                    forms.add(Arguments.of(connector, driver, api, "missing-file", (Form) LocalInfileIT::missingFile));
                    forms.add(Arguments.of(
                            connector, driver, api, "exhausted-stream", (Form) LocalInfileIT::exhaustedStream));
                    forms.add(Arguments.of(connector, driver, api, "xml", (Form) LocalInfileIT::xml));
                }
                forms.add(Arguments.of(connector, driver, Api.TEXT, "refused-in-multi-statement", (Form)
                        LocalInfileIT::refusedInMultiStatement));
            }
        }
        return forms.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("forms")
    void behavesAsOnADirectConnection(String connector, Driver driver, Api api, String name, Form form)
            throws Exception {
        ConnectorExtension turnout = connector.equals("strict") ? strict : split;
        String t = "lfit_" + name.replace('-', '_') + "_" + driver.name().toLowerCase(Locale.ROOT);
        String options = (driver == Driver.MYSQL ? "allowLoadLocalInfile=true" : "allowLocalInfile=true")
                + "&allowMultiQueries=true&useServerPrepStmts=" + (api == Api.SERVER_PREPARED);
        List<String> direct;
        try (Connection c = DriverManager.getConnection(
                driver.url(turnout.cluster().primary().port(), options),
                turnout.cluster().appUser(),
                turnout.cluster().appPassword())) {
            direct = repeated(c, api, t, form);
        }
        List<String> through;
        try (Connection c = turnout.connect(driver, options)) {
            through = repeated(c, api, t, form);
        }
        assertThat(direct).as("outcomes on a direct connection").hasSizeGreaterThan(REPEATS);
        assertThat(through).as("outcomes through the connector").isEqualTo(direct);
    }

    /** The form {@link #REPEATS} times on one connection, the table's rows after each, then a plain statement. */
    private static List<String> repeated(Connection c, Api api, String t, Form form) throws SQLException {
        List<String> outcomes = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.execute("drop table if exists " + t);
            s.execute("create table " + t + " (id int primary key, name varchar(40))");
            for (int i = 0; i < REPEATS; i++) {
                s.execute("delete from " + t);
                form.run(c, api, t, outcomes);
                outcomes.add("rows " + ConnectorHarness.queryLong(c, "select count(*) from " + t));
            }
            outcomes.add("select " + ConnectorHarness.queryLong(c, "select 42"));
            s.execute("drop table " + t);
        }
        return outcomes;
    }

    private static String loadCsv(Path file, String t) {
        return "load data local infile '" + file.toAbsolutePath() + "' into table " + t
                + " fields terminated by ',' lines terminated by '\\n'";
    }

    private static String loadXml(String t) {
        return "load xml local infile '" + xml.toAbsolutePath() + "' replace into table " + t
                + " rows identified by '<row>'";
    }

    /** Runs {@code sql} as the api says, with {@code stream} as the driver's file if not null; notes the outcome. */
    private static void update(Connection c, Api api, String sql, InputStream stream, List<String> outcomes)
            throws SQLException {
        try (Statement s = api == Api.TEXT ? c.createStatement() : c.prepareStatement(sql)) {
            if (stream != null) {
                useStream(s, stream);
            }
            outcomes.add(
                    "update " + (api == Api.TEXT ? s.executeUpdate(sql) : ((PreparedStatement) s).executeUpdate()));
        } catch (SQLException e) {
            outcomes.add(error(e));
        }
    }

    private static void update(Connection c, Api api, String sql, List<String> outcomes) throws SQLException {
        update(c, api, sql, null, outcomes);
    }

    private static void useStream(Statement s, InputStream stream) throws SQLException {
        if (s.isWrapperFor(com.mysql.cj.jdbc.JdbcStatement.class)) {
            s.unwrap(com.mysql.cj.jdbc.JdbcStatement.class).setLocalInfileInputStream(stream);
        } else {
            s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(stream);
        }
    }

    private static String error(SQLException e) {
        return "error " + e.getErrorCode() + " " + e.getSQLState();
    }

    private static String batchOutcome(Statement s) {
        try {
            return "batch " + Arrays.toString(s.executeBatch());
        } catch (BatchUpdateException e) {
            return "batch " + Arrays.toString(e.getUpdateCounts()) + " " + error(e);
        } catch (SQLException e) {
            return "batch " + error(e);
        }
    }

    /** Twice: the second load finds every row there (LOCAL implies IGNORE for duplicates). */
    static void plain(Connection c, Api api, String t, List<String> outcomes) throws SQLException {
        update(c, api, loadCsv(csv, t), outcomes);
        update(c, api, loadCsv(csv, t), outcomes);
    }

    /**
     * In a batch with statements before and behind it: as text, a Statement batch (MariaDB Connector/J
     * sends it one statement at a time once it sees a LOCAL INFILE in it); prepared, a batch of two
     * executes of the LOAD, then a batch of inserts.
     */
    static void batch(Connection c, Api api, String t, List<String> outcomes) throws SQLException {
        if (api == Api.TEXT) {
            try (Statement s = c.createStatement()) {
                s.addBatch("insert into " + t + " values (1000, 'before')");
                s.addBatch(loadCsv(csv, t));
                s.addBatch("insert into " + t + " values (1001, 'after')");
                s.addBatch("update " + t + " set name = concat(name, '!') where id > 10");
                s.addBatch(loadCsv(csv, t).replace("into table", "ignore into table"));
                s.addBatch("delete from " + t + " where id = 1");
                outcomes.add(batchOutcome(s));
            }
            return;
        }
        try (PreparedStatement load = c.prepareStatement(loadCsv(csv, t))) {
            load.addBatch();
            load.addBatch();
            outcomes.add(batchOutcome(load));
        }
        try (PreparedStatement insert = c.prepareStatement("insert into " + t + " values (?, 'p')")) {
            for (int id = 2000; id < 2003; id++) {
                insert.setInt(1, id);
                insert.addBatch();
            }
            outcomes.add(batchOutcome(insert));
        }
    }

    /** The file does not exist: the driver answers the server's request with an empty packet. */
    static void missingFile(Connection c, Api api, String t, List<String> outcomes) throws SQLException {
        update(c, api, loadCsv(csv.resolveSibling("turnout-it-no-such-file.csv"), t), outcomes);
    }

    /** The driver's stream has nothing (left): it sends no data, only the empty packet. */
    static void exhaustedStream(Connection c, Api api, String t, List<String> outcomes) throws SQLException {
        update(c, api, loadCsv(csv, t), new ByteArrayInputStream(new byte[0]), outcomes);
        update(
                c,
                api,
                loadCsv(csv, t),
                new ByteArrayInputStream("7,seven\n".getBytes(StandardCharsets.UTF_8)),
                outcomes);
        update(c, api, loadXml(t), new ByteArrayInputStream(new byte[0]), outcomes);
    }

    static void xml(Connection c, Api api, String t, List<String> outcomes) throws SQLException {
        update(c, api, loadXml(t), outcomes);
        update(c, api, loadXml(t), outcomes);
    }

    /**
     * The driver refuses the second file of a multi-statement (MariaDB Connector/J: not the file of
     * the statement's first LOAD; MySQL Connector/J: it does not exist) and answers with an empty packet.
     */
    static void refusedInMultiStatement(Connection c, Api api, String t, List<String> outcomes) throws SQLException {
        update(c, api, loadCsv(csv, t) + "; " + loadCsv(csv.resolveSibling("turnout-it-other.csv"), t), outcomes);
    }
}
