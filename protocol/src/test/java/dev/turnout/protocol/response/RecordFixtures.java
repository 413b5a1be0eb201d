package dev.turnout.protocol.response;

import static dev.turnout.testkit.RawClient.int4;
import static dev.turnout.testkit.RawClient.nul;
import static dev.turnout.testkit.RawClient.payload;
import static dev.turnout.testkit.RawClient.text;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.testkit.RawClient;
import dev.turnout.testkit.RawClient.Packet;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;

/**
 * Re-records the fixtures of {@code src/test/resources/response} from a real MariaDB server; run by
 * hand, never by the build:
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(deps) dev.turnout.protocol.response.RecordFixtures \
 *     SERVER_PORT src/test/resources/response
 * </pre>
 *
 * The server needs {@code --local-infile=1 --max-allowed-packet=64M} and a user {@code rec}/{@code recpw}
 * with all privileges, a user {@code rec2}/{@code rec2pw}, and a database {@code fx}. Each scenario
 * runs on one connection through {@link FixtureRecorder} and is recorded twice where the dialect
 * matters: with {@code CLIENT_DEPRECATE_EOF} ({@code *-deprecate-eof.hex}) and without it
 * ({@code *-eof.hex}, the relay clears the flag in the server's greeting).
 */
final class RecordFixtures {

    private static final long NO_DEPRECATE_EOF = Capabilities.CLIENT_DEPRECATE_EOF;
    private static final long KEEP = 0;

    private final FixtureRecorder recorder;
    private final int serverPort;
    private final Path dir;

    private RecordFixtures(FixtureRecorder recorder, int serverPort, Path dir) {
        this.recorder = recorder;
        this.serverPort = serverPort;
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        int serverPort = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        List<String> only = args.length > 2 ? List.of(args[2].split(",")) : List.of();
        try (FixtureRecorder recorder = new FixtureRecorder(serverPort)) {
            RecordFixtures r = new RecordFixtures(recorder, serverPort, dir);
            r.setUp();
            for (boolean deprecateEof : new boolean[] {true, false}) {
                String suffix = deprecateEof ? "-deprecate-eof.hex" : "-eof.hex";
                long cleared = deprecateEof ? KEEP : NO_DEPRECATE_EOF;
                if (only.isEmpty() || only.contains("query")) {
                    r.query("query" + suffix, cleared);
                }
                if (only.isEmpty() || only.contains("multi")) {
                    r.multiStatements("multi-statements" + suffix, cleared);
                }
                if (only.isEmpty() || only.contains("procedure")) {
                    r.procedures("procedures" + suffix, cleared);
                }
                if (only.isEmpty() || only.contains("infile")) {
                    r.localInfile("local-infile" + suffix, cleared);
                }
                if (only.isEmpty() || only.contains("infile-prepared")) {
                    r.localInfilePrepared("local-infile-prepared" + suffix, cleared);
                }
                if (only.isEmpty() || only.contains("prepared")) {
                    r.prepared("prepared" + suffix, cleared);
                }
                if (only.isEmpty() || only.contains("cursor")) {
                    r.cursor("cursor-mysql-connector" + suffix, cleared);
                }
                if (only.isEmpty() || only.contains("bulk")) {
                    r.bulk("bulk" + suffix, cleared);
                }
                if (only.isEmpty() || only.contains("commands")) {
                    r.commands("commands" + suffix, deprecateEof);
                }
                if (only.isEmpty() || only.contains("large")) {
                    r.large("large-packets" + suffix, cleared);
                }
            }
            if (only.isEmpty() || only.contains("progress")) {
                r.progress("progress-deprecate-eof.hex");
            }
        }
    }

    private Connection direct() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:mariadb://127.0.0.1:" + serverPort + "/fx?user=rec&password=recpw&sslMode=disable");
    }

    private Connection mariaDb(String file, String title, long cleared, String options) throws SQLException {
        recorder.recordNext(dir.resolve(file), title + " (MariaDB Connector/J 3.5.1, " + options + ")", cleared);
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + recorder.port()
                + "/fx?user=rec&password=recpw&sslMode=disable&disablePipeline=true&" + options);
    }

    private Connection mysql(String file, String title, long cleared, String options) throws SQLException {
        recorder.recordNext(dir.resolve(file), title + " (MySQL Connector/J 9.1.0, " + options + ")", cleared);
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + recorder.port()
                + "/fx?user=rec&password=recpw&sslMode=DISABLED&allowPublicKeyRetrieval=true&" + options);
    }

    private void setUp() throws Exception {
        try (Connection c = direct();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS t, t2, blobs, auto, big");
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), v DOUBLE NULL)");
            s.execute(
                    "INSERT INTO t VALUES (1, 'one', 1.5), (2, 'two', NULL), (3, 'three', 3.25), (4, 'four', 4), (5, 'five', 5)");
            s.execute("CREATE TABLE t2 (a INT, b VARCHAR(20))");
            s.execute("CREATE TABLE blobs (id INT, data LONGBLOB)");
            s.execute("CREATE TABLE auto (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10))");
            s.execute("DROP PROCEDURE IF EXISTS two_results");
            s.execute(
                    "CREATE PROCEDURE two_results() BEGIN SELECT id, name FROM t WHERE id <= 2; SELECT COUNT(*) AS n FROM t; END");
            s.execute("DROP PROCEDURE IF EXISTS out_param");
            s.execute("CREATE PROCEDURE out_param(IN a INT, OUT b INT) BEGIN SET b = a * 2; END");
            s.execute("CREATE TABLE big (id INT PRIMARY KEY, pad CHAR(200)) ENGINE=InnoDB");
            s.execute("INSERT INTO big SELECT seq, REPEAT('p', 200) FROM seq_1_to_200000");
        }
        Files.writeString(
                Path.of("/tmp/tracker-mdb/infile.csv"), "1,alpha\n2,beta\n3,gamma\n", StandardCharsets.US_ASCII);
    }

    private void query(String file, long cleared) throws Exception {
        try (Connection c = mariaDb(
                        file,
                        "COM_QUERY: text result sets, empty result, DML OK, ERR, ERR after rows",
                        cleared,
                        "useServerPrepStmts=false");
                Statement s = c.createStatement()) {
            drain(s.executeQuery("SELECT id, name, v FROM t ORDER BY id"));
            drain(s.executeQuery("SELECT id FROM t WHERE id < 0"));
            s.executeUpdate("UPDATE t SET v = v + 0 WHERE id = 1");
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO t2 VALUES (9, 'nine')");
            s.execute("ROLLBACK");
            expectFailure(() -> s.execute("SELEC oops"));
            expectFailure(() -> drain(s.executeQuery(
                    "SELECT t1.id, (SELECT t2.id FROM t t2 WHERE t2.id >= t1.id) FROM t t1 ORDER BY t1.id DESC")));
        }
        recorder.awaitWritten();
    }

    private void multiStatements(String file, long cleared) throws Exception {
        try (Connection c = mariaDb(
                        file,
                        "COM_QUERY multi-statements: results chained by SERVER_MORE_RESULTS_EXISTS, ERR ending the chain",
                        cleared,
                        "allowMultiQueries=true");
                Statement s = c.createStatement()) {
            drainAll(
                    s,
                    s.execute(
                            "SELECT 1; SELECT id, name FROM t WHERE id < 3; UPDATE t SET v = v WHERE id = 2; SELECT 2 AS two"));
            expectFailure(() -> drainAll(s, s.execute("SELECT 1; SELEC error; SELECT 3")));
        }
        recorder.awaitWritten();
    }

    private void procedures(String file, long cleared) throws Exception {
        try (Connection c = mariaDb(
                        file,
                        "CALL: two result sets and the final OK (text), OUT parameters through COM_STMT_EXECUTE (PS_OUT_PARAMS)",
                        cleared,
                        "useServerPrepStmts=true&cachePrepStmts=false");
                Statement s = c.createStatement()) {
            drainAll(s, s.execute("CALL two_results()"));
            try (CallableStatement call = c.prepareCall("{CALL out_param(?, ?)}")) {
                call.setInt(1, 21);
                call.registerOutParameter(2, Types.INTEGER);
                call.execute();
                call.getInt(2);
            }
        }
        recorder.awaitWritten();
    }

    private void localInfile(String file, long cleared) throws Exception {
        try (Connection c = mariaDb(
                        file,
                        "LOAD DATA LOCAL INFILE: request, file data, empty packet, OK; then more results; missing file",
                        cleared,
                        "allowLocalInfile=true&allowMultiQueries=true");
                Statement s = c.createStatement()) {
            s.execute("LOAD DATA LOCAL INFILE '/tmp/tracker-mdb/infile.csv' INTO TABLE t2 FIELDS TERMINATED BY ','");
            drainAll(
                    s,
                    s.execute(
                            "LOAD DATA LOCAL INFILE '/tmp/tracker-mdb/infile.csv' INTO TABLE t2 FIELDS TERMINATED BY ','; SELECT COUNT(*) FROM t2"));
            expectFailure(() -> s.execute("LOAD DATA LOCAL INFILE '/tmp/tracker-mdb/no-such-file.csv' INTO TABLE t2"));
            expectFailure(
                    () -> s.execute("LOAD DATA LOCAL INFILE '/tmp/tracker-mdb/infile.csv' INTO TABLE no_such_table"));
            s.execute("DELETE FROM t2");
        }
        recorder.awaitWritten();
    }

    /** MariaDB prepares LOAD DATA / LOAD XML LOCAL INFILE: the file is asked for in the answer to COM_STMT_EXECUTE. */
    private void localInfilePrepared(String file, long cleared) throws Exception {
        Files.writeString(
                Path.of("/tmp/tracker-mdb/infile.xml"),
                "<rows><row a=\"4\" b=\"delta\"/><row a=\"5\" b=\"epsilon\"/></rows>\n",
                StandardCharsets.US_ASCII);
        try (Connection c = mariaDb(
                file,
                "Prepared LOAD DATA / LOAD XML LOCAL INFILE: COM_STMT_EXECUTE answered by the file request; an empty"
                        + " stream; a missing file",
                cleared,
                "useServerPrepStmts=true&cachePrepStmts=false&allowLocalInfile=true")) {
            try (PreparedStatement ps = c.prepareStatement(
                    "LOAD DATA LOCAL INFILE '/tmp/tracker-mdb/infile.csv' INTO TABLE t2 FIELDS TERMINATED BY ','")) {
                ps.executeUpdate();
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "LOAD XML LOCAL INFILE '/tmp/tracker-mdb/infile.xml' INTO TABLE t2 ROWS IDENTIFIED BY '<row>'")) {
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "LOAD DATA LOCAL INFILE '/tmp/tracker-mdb/infile.csv' INTO TABLE t2 FIELDS TERMINATED BY ','")) {
                ps.unwrap(org.mariadb.jdbc.Statement.class)
                        .setLocalInfileInputStream(new ByteArrayInputStream(new byte[0]));
                ps.executeUpdate();
            }
            try (PreparedStatement ps =
                    c.prepareStatement("LOAD DATA LOCAL INFILE '/tmp/tracker-mdb/no-such-file.csv' INTO TABLE t2")) {
                expectFailure(ps::executeUpdate);
            }
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM t2");
            }
        }
        recorder.awaitWritten();
    }

    private void prepared(String file, long cleared) throws Exception {
        try (Connection c = mariaDb(
                file,
                "COM_STMT_PREPARE / EXECUTE / CLOSE: binary result sets, metadata skipped by CACHE_METADATA, DML, ERR",
                cleared,
                "useServerPrepStmts=true&cachePrepStmts=false")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name, v FROM t WHERE id > ? ORDER BY id")) {
                ps.setInt(1, 2);
                drain(ps.executeQuery());
                ps.setInt(1, 4);
                drain(ps.executeQuery());
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE t SET v = ? WHERE id = ?")) {
                ps.setDouble(1, 5.0);
                ps.setInt(2, 5);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT NOW(), 1")) {
                drain(ps.executeQuery());
            }
            try (PreparedStatement ps = c.prepareStatement("DO 1")) {
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM no_such_table")) {
                expectFailure(() -> drain(ps.executeQuery()));
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, 'dup', 0)")) {
                ps.setInt(1, 1);
                expectFailure(ps::executeUpdate);
            }
        }
        recorder.awaitWritten();
    }

    private void cursor(String file, long cleared) throws Exception {
        try (Connection c = mysql(
                file,
                "Cursors: COM_STMT_EXECUTE with CURSOR_TYPE_READ_ONLY, COM_STMT_FETCH until LAST_ROW_SENT; long data; ping; reset; change user",
                cleared,
                "useServerPrepStmts=true&useCursorFetch=true&defaultFetchSize=2&cachePrepStmts=false")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name FROM t ORDER BY id")) {
                ps.setFetchSize(2);
                drain(ps.executeQuery());
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO blobs VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setBinaryStream(2, new ByteArrayInputStream(new byte[3000]), 3000);
                ps.executeUpdate();
                ps.clearParameters();
            }
            c.isValid(2);
            ((com.mysql.cj.jdbc.JdbcConnection) c).resetServerState();
            ((com.mysql.cj.jdbc.JdbcConnection) c).changeUser("rec2", "rec2pw");
            try (Statement s = c.createStatement()) {
                drain(s.executeQuery("SELECT CURRENT_USER()"));
            }
        }
        recorder.awaitWritten();
    }

    private void bulk(String file, long cleared) throws Exception {
        try (Connection c = mariaDb(
                file,
                "COM_STMT_BULK_EXECUTE: batch of inserts, with generated keys (BULK_UNIT_RESULTS), duplicate key ERR",
                cleared,
                "useServerPrepStmts=true&useBulkStmts=true&useBulkStmtsForInserts=true&cachePrepStmts=false")) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t2 VALUES (?, ?)")) {
                for (int i = 0; i < 3; i++) {
                    ps.setInt(1, 100 + i);
                    ps.setString(2, "b" + i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO auto(v) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < 3; i++) {
                    ps.setString(1, "k" + i);
                    ps.addBatch();
                }
                ps.executeBatch();
                drain(ps.getGeneratedKeys());
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, 'dup', 0)")) {
                for (int i = 0; i < 2; i++) {
                    ps.setInt(1, 1);
                    ps.addBatch();
                }
                expectFailure(ps::executeBatch);
            }
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM t2");
            }
        }
        recorder.awaitWritten();
    }

    private void commands(String file, boolean deprecateEof) throws Exception {
        long caps = Capabilities.CLIENT_FOUND_ROWS
                | Capabilities.CLIENT_CONNECT_WITH_DB
                | Capabilities.CLIENT_LOCAL_FILES
                | Capabilities.CLIENT_PROTOCOL_41
                | Capabilities.CLIENT_TRANSACTIONS
                | Capabilities.CLIENT_SECURE_CONNECTION
                | Capabilities.CLIENT_MULTI_STATEMENTS
                | Capabilities.CLIENT_MULTI_RESULTS
                | Capabilities.CLIENT_PS_MULTI_RESULTS
                | Capabilities.CLIENT_PLUGIN_AUTH
                | Capabilities.CLIENT_SESSION_TRACK
                | (deprecateEof ? Capabilities.CLIENT_DEPRECATE_EOF : 0);
        recorder.recordNext(
                dir.resolve(file),
                "Other commands through a bare protocol client: INIT_DB, PING, STATISTICS, FIELD_LIST, SET_OPTION,"
                        + " PROCESS_KILL, RESET_CONNECTION, STMT_RESET, SEND_LONG_DATA, unknown commands, CHANGE_USER with auth switch, QUIT",
                0);
        try (RawClient raw = rawClient(caps)) {
            raw.command(payload(Command.COM_INIT_DB, text("fx")));
            raw.command(payload(Command.COM_INIT_DB, text("no_such_db")));
            raw.command(payload(Command.COM_PING));
            raw.command(payload(Command.COM_STATISTICS));
            raw.command(payload(Command.COM_FIELD_LIST, nul("t"), text("%")));
            raw.command(payload(Command.COM_FIELD_LIST, nul("no_such_table")));
            raw.command(payload(Command.COM_SET_OPTION, new byte[] {0, 0}));
            raw.command(payload(Command.COM_SET_OPTION, new byte[] {1, 0}));
            raw.command(payload(Command.COM_PROCESS_KILL, int4(999999)));
            raw.command(payload(Command.COM_RESET_CONNECTION));
            List<Packet> prepared = raw.command(payload(Command.COM_STMT_PREPARE, text("SELECT ? AS p")));
            byte[] statementId = java.util.Arrays.copyOfRange(prepared.get(0).payload(), 1, 5);
            raw.writePacket(
                    0, payload(Command.COM_STMT_SEND_LONG_DATA, statementId, new byte[] {0, 0}, text("long data")));
            raw.command(payload(Command.COM_STMT_RESET, statementId));
            raw.writePacket(0, payload(Command.COM_STMT_CLOSE, statementId));
            raw.command(payload(Command.COM_STMT_RESET, int4(12345)));
            raw.command(payload(Command.COM_SLEEP));
            raw.command(payload(0x20));
            changeUser(raw, "rec2", "rec2pw");
            changeUser(raw, "rec2", "wrong password");
        }
        recorder.awaitWritten();
    }

    /** A bare client logged in as rec to fx through the recorder, announcing exactly {@code caps}. */
    private RawClient rawClient(long caps) throws Exception {
        RawClient raw = RawClient.connect(recorder.port());
        try {
            raw.authenticate("rec", "recpw", "fx", caps);
            return raw;
        } catch (Exception e) {
            raw.close();
            throw e;
        }
    }

    /** COM_CHANGE_USER naming another plugin than the account's, so the server answers with an AuthSwitchRequest. */
    private static void changeUser(RawClient raw, String user, String password) throws Exception {
        List<Packet> answer = raw.command(payload(
                Command.COM_CHANGE_USER,
                nul(user),
                new byte[] {20},
                new byte[20],
                nul("fx"),
                new byte[] {45, 0},
                nul("caching_sha2_password")));
        Packet switchRequest = answer.get(answer.size() - 1);
        if (switchRequest.firstByte() != 0xFE) {
            throw new IllegalStateException("expected an AuthSwitchRequest");
        }
        byte[] switchPayload = switchRequest.payload();
        int nameEnd = 1;
        while (switchPayload[nameEnd] != 0) {
            nameEnd++;
        }
        byte[] seed = java.util.Arrays.copyOfRange(switchPayload, nameEnd + 1, nameEnd + 21);
        raw.writePacket(switchRequest.sequenceId() + 1, RawClient.nativeScramble(password, seed));
        raw.drain();
    }

    private void large(String file, long cleared) throws Exception {
        try (Connection c = mariaDb(
                        file,
                        "Packets of 16 MiB: rows of 0xFFFFFE and 0xFFFFFF payload bytes (the latter followed by an empty packet),"
                                + " a row starting with 0xFE over two packets, a query over two packets",
                        cleared,
                        "maxAllowedPacket=67108864");
                Statement s = c.createStatement()) {
            drain(s.executeQuery("SELECT REPEAT('a', 16777210)"));
            drain(s.executeQuery("SELECT REPEAT('b', 16777211)"));
            drain(s.executeQuery("SELECT REPEAT('c', 16777216), 1"));
            drain(s.executeQuery("SELECT LENGTH('" + "d".repeat(16777300) + "')"));
        }
        recorder.awaitWritten();
    }

    private void progress(String file) throws Exception {
        long caps = Capabilities.CLIENT_PROTOCOL_41
                | Capabilities.CLIENT_TRANSACTIONS
                | Capabilities.CLIENT_SECURE_CONNECTION
                | Capabilities.CLIENT_MULTI_RESULTS
                | Capabilities.CLIENT_PLUGIN_AUTH
                | Capabilities.CLIENT_DEPRECATE_EOF
                | Capabilities.CLIENT_CONNECT_WITH_DB
                | Capabilities.MARIADB_CLIENT_PROGRESS;
        recorder.recordNext(
                dir.resolve(file),
                "MariaDB progress reports (ERR packets with code 0xFFFF) during ALTER TABLE ... ALGORITHM=COPY",
                0);
        try (RawClient raw = rawClient(caps)) {
            raw.command(payload(Command.COM_QUERY, text("SET progress_report_time = 1")));
            raw.writePacket(0, payload(Command.COM_QUERY, text("ALTER TABLE big FORCE, ALGORITHM=COPY")));
            List<Packet> packets;
            do {
                packets = raw.drain();
            } while (packets.isEmpty() || isProgressReport(packets.get(packets.size() - 1)));
            raw.writePacket(0, payload(Command.COM_QUIT));
        }
        recorder.awaitWritten();
    }

    /** MariaDB's progress report: an ERR header with the code 0xFFFF. */
    private static boolean isProgressReport(Packet packet) {
        byte[] payload = packet.payload();
        return payload.length >= 3
                && (payload[0] & 0xFF) == 0xFF
                && (payload[1] & 0xFF) == 0xFF
                && (payload[2] & 0xFF) == 0xFF;
    }

    private static void drain(ResultSet rs) throws SQLException {
        try (rs) {
            while (rs.next()) {
                rs.getObject(1);
            }
        }
    }

    private static void drainAll(Statement s, boolean isResultSet) throws SQLException {
        boolean more = isResultSet;
        while (true) {
            if (more) {
                drain(s.getResultSet());
            } else if (s.getUpdateCount() == -1) {
                return;
            }
            more = s.getMoreResults();
        }
    }

    private interface SqlAction {
        void run() throws Exception;
    }

    private static void expectFailure(SqlAction action) throws Exception {
        try {
            action.run();
        } catch (SQLException expected) {
            return;
        }
        throw new IllegalStateException("expected an SQLException");
    }
}
