package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.constant.Command;
import dev.turnout.testkit.RawClient;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Server-side prepared statements under the drivers' prepare caches, the pattern of driver test
 * suites: on one connection, again and again, {@code START TRANSACTION}; prepare {@code INSERT INTO t
 * VALUES (?)}; bind the one parameter with another setter each time (so its type changes between
 * executes of the statement the driver caches), a blob from a stream among them (sent with
 * COM_STMT_SEND_LONG_DATA); execute; close; read the table; roll back — on several tables. Each run
 * through the connector must give what the same run gives direct, and leave no transaction open on
 * the server.
 */
@Timeout(120)
class PreparedStatementCacheIT {

    @RegisterExtension
    static final ConnectorExtension strict = new ConnectorExtension();

    @RegisterExtension
    static final ConnectorExtension split =
            new ConnectorExtension("connector-qos=RO_RELAXED\nconnector-backend-pool=4\n");

    private static final int ROUNDS = 3;
    private static final List<String> COLUMNS = List.of("int", "bigint", "varbinary(20)", "blob", "tinyint");

    static Stream<Arguments> modes() {
        List<Arguments> modes = new ArrayList<>();
        for (String connector : List.of("strict", "split")) {
            modes.add(Arguments.of(connector, Driver.MARIADB, "useServerPrepStmts=true"));
            modes.add(Arguments.of(connector, Driver.MARIADB, "useServerPrepStmts=true&cachePrepStmts=false"));
            modes.add(Arguments.of(connector, Driver.MARIADB, "useServerPrepStmts=true&disablePipeline=true"));
            modes.add(Arguments.of(connector, Driver.MYSQL, "useServerPrepStmts=true&cachePrepStmts=true"));
            modes.add(Arguments.of(connector, Driver.MYSQL, "useServerPrepStmts=true"));
        }
        return modes.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("modes")
    void insertsWithChangingParameterTypesInRolledBackTransactionsAsDirect(
            String connector, Driver driver, String options) throws Exception {
        ConnectorExtension turnout = connector.equals("strict") ? strict : split;
        String prefix = "pscit_" + driver.name().toLowerCase(Locale.ROOT) + "_";
        List<String> direct;
        try (Connection c = DriverManager.getConnection(
                driver.url(turnout.cluster().primary().port(), options),
                turnout.cluster().appUser(),
                turnout.cluster().appPassword())) {
            direct = run(c, prefix);
        }
        List<String> through;
        try (Connection c = turnout.connect(driver, options)) {
            through = run(c, prefix);
            assertThat(ConnectorHarness.queryLong(c, "select @@in_transaction")).isZero();
        }
        assertThat(direct).as("outcomes on a direct connection").hasSizeGreaterThan(ROUNDS);
        assertThat(through).as("outcomes through the connector").isEqualTo(direct);
        // Nobody holds a metadata lock on the tables: another session can drop them at once.
        try (Connection root = turnout.cluster().primary().rootConnection();
                Statement s = root.createStatement()) {
            s.execute("set session lock_wait_timeout = 5");
            for (int i = 0; i < COLUMNS.size(); i++) {
                s.execute("drop table if exists test." + prefix + i);
            }
        }
    }

    /**
     * A session that ends inside a transaction — its client goes away without a word, or breaks the
     * protocol and the connector ends it — leaves no transaction (and no metadata lock) on the
     * primary: another session's DROP TABLE does not wait for it.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endings")
    void aSessionThatEndsInsideATransactionLeavesNoLockOnThePrimary(String connector, String ending) throws Exception {
        ConnectorExtension turnout = connector.equals("strict") ? strict : split;
        String t = "pscit_end_" + connector + "_" + ending.replace('-', '_');
        try (Connection root = turnout.cluster().primary().rootConnection();
                Statement s = root.createStatement()) {
            s.execute("create or replace table test." + t + " (v int) engine=InnoDB");
        }
        long backendThread;
        try (RawClient client = RawClient.connect(turnout.port())) {
            client.login(
                    turnout.cluster().appUser(), turnout.cluster().appPassword(), AuthPlugins.MYSQL_NATIVE_PASSWORD);
            backendThread = client.queryLong("select connection_id()");
            client.query("start transaction");
            client.query("insert into " + t + " values (1)");
            if (ending.equals("client-vanishes")) {
                client.abort();
            } else {
                client.writePacket(7, new byte[] {(byte) Command.COM_PING}); // a command must start at 0
                assertThat(client.awaitClosedByPeer(Duration.ofSeconds(10))).isTrue();
            }
        }
        try (Connection root = turnout.cluster().primary().rootConnection();
                Statement s = root.createStatement()) {
            s.execute("set session lock_wait_timeout = 10");
            long started = System.nanoTime();
            s.execute("drop table test." + t);
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("DROP TABLE waited for the ended session's transaction")
                    .isLessThan(Duration.ofSeconds(5));
            try (ResultSet rs = s.executeQuery("select count(*) from information_schema.innodb_trx"
                    + " where trx_mysql_thread_id = " + backendThread)) {
                rs.next();
                assertThat(rs.getLong(1))
                        .as("open transactions of the ended session")
                        .isZero();
            }
        }
    }

    static Stream<Arguments> endings() {
        List<Arguments> endings = new ArrayList<>();
        for (String connector : List.of("strict", "split")) {
            endings.add(Arguments.of(connector, "client-vanishes"));
            endings.add(Arguments.of(connector, "protocol-violation"));
        }
        return endings.stream();
    }

    private static List<String> run(Connection c, String prefix) throws SQLException {
        List<String> outcomes = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            for (int i = 0; i < COLUMNS.size(); i++) {
                s.execute("drop table if exists " + prefix + i);
                s.execute("create table " + prefix + i + " (v " + COLUMNS.get(i) + ") engine=InnoDB");
            }
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (int table = 0; table < COLUMNS.size(); table++) {
                String t = prefix + table;
                for (int step = 0; step < 7; step++) {
                    // Each table starts with another setter: some statements are first prepared for a blob.
                    int setter = (step + 5 * table + round) % 7;
                    try (Statement s = c.createStatement()) {
                        s.execute("START TRANSACTION");
                    }
                    try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + t + " VALUES (?)")) {
                        bind(insert, setter);
                        outcomes.add("insert " + insert.executeUpdate());
                    } catch (SQLException e) {
                        outcomes.add("error " + e.getErrorCode() + " " + e.getSQLState());
                    }
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT * FROM " + t)) {
                        int rows = 0;
                        while (rs.next()) {
                            rows++;
                        }
                        outcomes.add("rows " + rows);
                    }
                    try (Statement s = c.createStatement()) {
                        s.execute("ROLLBACK");
                    }
                }
            }
        }
        return outcomes;
    }

    /** One of seven setters for the statement's one parameter. */
    private static void bind(PreparedStatement insert, int setter) throws SQLException {
        switch (setter) {
            case 0 -> insert.setBoolean(1, true);
            case 1 -> insert.setByte(1, (byte) 7);
            case 2 -> insert.setShort(1, (short) 300);
            case 3 -> insert.setInt(1, 70_000);
            case 4 -> insert.setLong(1, 5_000_000_000L);
            case 5 -> insert.setBlob(1, new ByteArrayInputStream(new byte[] {1, 2, 3, 4}));
            default -> insert.setNull(1, Types.INTEGER);
        }
    }
}
