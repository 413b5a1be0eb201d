package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Commands and rows larger than one packet through the connector, both directions, with both
 * drivers: a 20 MiB BLOB (two full 16 MiB packets' worth of splitting) sent in the binary and the
 * text protocol, and logical packets of exactly 0xFFFFFE, 0xFFFFFF (which must be followed by an
 * empty packet) and 0x1000000 bytes.
 */
@Timeout(120)
class LargePacketsIT {

    /** The largest payload of one physical packet. */
    private static final int MAX_PAYLOAD = 0xFFFFFF;

    private static final int[] EDGE_PAYLOADS = {MAX_PAYLOAD - 1, MAX_PAYLOAD, MAX_PAYLOAD + 1};
    private static final int BLOB_SIZE = 20 * 1024 * 1024;

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    private static String sha256Hex(byte[] value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    }

    private static byte[] randomBlob(long seed) {
        byte[] blob = new byte[BLOB_SIZE];
        new Random(seed).nextBytes(blob);
        return blob;
    }

    private static void createBlobTable(Connection c, String t) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("drop table if exists " + t);
            s.execute("create table " + t + " (id int primary key, b longblob)");
        }
    }

    /** Inserts row {@code id} with a prepared statement (server-side or not, as the connection's options say). */
    private static void insertBlob(Connection c, String t, int id, byte[] blob) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("insert into " + t + " values (?, ?)")) {
            insert.setInt(1, id);
            insert.setBytes(2, blob);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }

    private static void dropTable(Connection c, String t) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("drop table " + t);
        }
    }

    /** What the server stored: its SHA-256 and length of the row, independent of how it is read back. */
    private static void assertStored(Connection c, String t, int id, byte[] expected) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select sha2(b, 256), length(b), @@server_id from " + t + " where id = " + id)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("SHA-256 computed by the server").isEqualTo(sha256Hex(expected));
            assertThat(rs.getLong(2)).isEqualTo(expected.length);
            assertThat(rs.getLong(3)).isEqualTo(turnout.primaryServerId());
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void roundTripsA20MibBlobThroughServerPreparedStatements(Driver driver) throws Exception {
        String t = "lpit_ps_" + driver.name().toLowerCase(Locale.ROOT);
        byte[] blob = randomBlob(20);
        try (Connection c = turnout.connect(driver, "useServerPrepStmts=true")) {
            createBlobTable(c, t);
            insertBlob(c, t, 1, blob);
            assertStored(c, t, 1, blob);
            // Read back in the binary protocol: a row of two physical packets.
            try (PreparedStatement select = c.prepareStatement("select b from " + t + " where id = ?")) {
                select.setInt(1, 1);
                try (ResultSet rs = select.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(sha256Hex(rs.getBytes(1))).isEqualTo(sha256Hex(blob));
                    assertThat(rs.next()).isFalse();
                }
            }
            assertThat(ConnectorHarness.queryLong(c, "select count(*) from " + t))
                    .isEqualTo(1);
            dropTable(c, t);
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void roundTripsA20MibBlobThroughTextStatements(Driver driver) throws Exception {
        String t = "lpit_text_" + driver.name().toLowerCase(Locale.ROOT);
        byte[] blob = randomBlob(21);
        // Client-side prepared statements: the driver escapes the bytes into one COM_QUERY of > 20 MiB.
        try (Connection c = turnout.connect(driver, "useServerPrepStmts=false")) {
            createBlobTable(c, t);
            insertBlob(c, t, 1, blob);
            assertStored(c, t, 1, blob);
            // And a hand-written statement with a hex literal: a 40 MiB COM_QUERY.
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("insert into " + t + " values (2, x'"
                                + HexFormat.of().formatHex(blob) + "')"))
                        .isEqualTo(1);
            }
            assertStored(c, t, 2, blob);
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select id, b from " + t + " order by id")) {
                for (int id = 1; id <= 2; id++) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(id);
                    assertThat(sha256Hex(rs.getBytes(2))).isEqualTo(sha256Hex(blob));
                }
                assertThat(rs.next()).isFalse();
            }
            dropTable(c, t);
        }
    }

    /** COM_QUERY payloads (command byte + SQL) of exactly 0xFFFFFE, 0xFFFFFF and 0x1000000 bytes. */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void forwardsCommandsAtThePacketSizeBoundary(Driver driver) throws Exception {
        String prefix = "select length('";
        String suffix = "'), @@server_id";
        try (Connection c = turnout.connect(driver, "");
                Statement s = c.createStatement()) {
            for (int payload : EDGE_PAYLOADS) {
                int literal = payload - 1 - prefix.length() - suffix.length();
                String sql = prefix + "a".repeat(literal) + suffix;
                assertThat(sql.length() + 1).isEqualTo(payload);
                try (ResultSet rs = s.executeQuery(sql)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1))
                            .as("literal length seen by the server, payload %d", payload)
                            .isEqualTo(literal);
                    assertThat(rs.getLong(2)).isEqualTo(turnout.primaryServerId());
                }
                assertThat(ConnectorHarness.queryLong(c, "select 7")).isEqualTo(7);
            }
        }
    }

    /**
     * Rows of exactly 0xFFFFFE, 0xFFFFFF and 0x1000000 payload bytes, in the text protocol (a
     * 4-byte length prefix before the value) and the binary protocol (a 0x00 header, a one-byte
     * NULL bitmap, then the same length prefix).
     */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void forwardsRowsAtThePacketSizeBoundary(Driver driver) throws Exception {
        try (Connection c = turnout.connect(driver, "useServerPrepStmts=true")) {
            for (int payload : EDGE_PAYLOADS) {
                int textLength = payload - 4;
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("select repeat('b', " + textLength + ")")) {
                    assertThat(rs.next()).isTrue();
                    assertRepeated(rs.getString(1), 'b', textLength);
                    assertThat(rs.next()).isFalse();
                }
                int binaryLength = payload - 6;
                try (PreparedStatement p = c.prepareStatement("select repeat(?, ?)")) {
                    p.setString(1, "c");
                    p.setInt(2, binaryLength);
                    try (ResultSet rs = p.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertRepeated(rs.getString(1), 'c', binaryLength);
                        assertThat(rs.next()).isFalse();
                    }
                }
                assertThat(ConnectorHarness.queryLong(c, "select @@server_id")).isEqualTo(turnout.primaryServerId());
            }
        }
    }

    /**
     * A result of 100,000 rows (about 20 MiB), streamed by the driver and read with a pause, so the
     * connector's write side to the client stops being writable and forwarding must pause and resume.
     * MySQL Connector/J streams with fetch size {@code Integer.MIN_VALUE}, MariaDB Connector/J with any positive one.
     */
    @ParameterizedTest
    @EnumSource(Driver.class)
    void streamsALargeResultToASlowReader(Driver driver) throws Exception {
        String digits = "(select 0 n union all select 1 union all select 2 union all select 3 union all select 4"
                + " union all select 5 union all select 6 union all select 7 union all select 8 union all select 9)";
        String sql = "select a.n * 10000 + b.n * 1000 + c.n * 100 + d.n * 10 + e.n, repeat('r', 200)" + " from "
                + digits + " a, " + digits + " b, " + digits + " c, " + digits + " d, " + digits + " e";
        try (Connection c = turnout.connect(driver, "")) {
            long rows = 0;
            long sum = 0;
            try (Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                s.setFetchSize(driver == Driver.MYSQL ? Integer.MIN_VALUE : 100);
                try (ResultSet rs = s.executeQuery(sql)) {
                    while (rs.next()) {
                        if (rows == 0) {
                            Thread.sleep(1000);
                        }
                        rows++;
                        sum += rs.getLong(1);
                        assertThat(rs.getString(2)).hasSize(200);
                    }
                }
            }
            assertThat(rows).isEqualTo(100_000);
            assertThat(sum).isEqualTo(99_999L * 100_000 / 2);
            assertThat(ConnectorHarness.queryLong(c, "select @@server_id")).isEqualTo(turnout.primaryServerId());
        }
    }

    private static void assertRepeated(String value, char expected, int length) {
        assertThat(value).hasSize(length);
        int wrong = -1;
        for (int i = 0; i < value.length() && wrong < 0; i++) {
            if (value.charAt(i) != expected) {
                wrong = i;
            }
        }
        assertThat(wrong)
                .as("index of the first character that is not '%s'", expected)
                .isEqualTo(-1);
    }
}
