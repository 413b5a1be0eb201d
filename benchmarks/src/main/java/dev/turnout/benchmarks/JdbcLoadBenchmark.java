package dev.turnout.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * End-to-end load through MySQL Connector/J and a HikariCP pool against any MySQL-protocol
 * endpoint: a server directly, the connector, or anything else in between. The workload is
 * sysbench's, on sysbench's table {@code sbtest1(id INT PRIMARY KEY, k INT, c CHAR(120),
 * pad CHAR(60))}:
 *
 * <ul>
 * <li>{@link #pointSelect}: {@code SELECT c FROM sbtest1 WHERE id=?} with a random id (one
 * statement per operation); {@link #pointSelectLatency} is the same in {@code SampleTime} mode,
 * for percentiles (run it with {@code -t 1}).
 * <li>{@link #readOnlyMix}: ten point selects, a range select of 100 rows and the sum of a
 * range's {@code k} (twelve statements, autocommit).
 * <li>{@link #readWriteMix}: one transaction of two point selects, an update of {@code k}, a
 * delete and an insert of the same id, and the commit (six statements). A transaction that the
 * server rolls back (a deadlock, a lock wait timeout) is rolled back and counted in
 * {@code rolledBack}, as sysbench counts its "ignored errors".
 * <li>{@link #newConnection}: a fresh {@link DriverManager} connection, {@code SELECT 1}, close:
 * the connection rate, login included.
 * </ul>
 *
 * <p>The target comes from JMH parameters: {@code -p url=jdbc:mysql://127.0.0.1:3306/test
 * -p user=app -p password=secret}; the thread count from {@code -t}, and the pool holds one
 * connection per thread. A trial's setup creates and fills {@code sbtest1} with {@code rows} rows
 * (ids 1 to {@code rows}) unless it already holds exactly those ids, so a table that sysbench
 * prepared with the same size is reused. Prepared statements are client-side by default as in
 * Connector/J, {@code -p serverPrepStmts=true} for server-side ones; TLS is off unless the URL
 * names {@code sslMode} or {@code useSSL}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 1, time = 20)
@Fork(1)
public class JdbcLoadBenchmark {

    private static final String POINT_SELECT = "SELECT c FROM sbtest1 WHERE id=?";
    private static final String RANGE_SELECT = "SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ?";
    private static final String SUM_RANGE = "SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN ? AND ?";
    private static final String UPDATE_K = "UPDATE sbtest1 SET k=k+1 WHERE id=?";
    private static final String DELETE = "DELETE FROM sbtest1 WHERE id=?";
    private static final String INSERT = "INSERT INTO sbtest1 (id, k, c, pad) VALUES (?, ?, ?, ?)";
    private static final int RANGE_SIZE = 100;
    private static final String C_VALUE = "68487932199-96439406143-93774651418-41631865787-96406072701-"
            + "20604855487-25459966574-28203206787-41238978918-19503783441";
    private static final String PAD_VALUE = "22195207048-70116052123-74140395089-76317954521-98694025897";

    /** The JDBC URL of the target, e.g. {@code jdbc:mysql://127.0.0.1:3306/test} (no commas: JMH splits on them). */
    @Param("jdbc:mysql://127.0.0.1:3306/test")
    public String url;

    /** The user to log in as. */
    @Param("app")
    public String user;

    /** That user's password. */
    @Param("secret")
    public String password;

    /** The rows of {@code sbtest1}, ids 1 to rows. */
    @Param("10000")
    public int rows;

    /** Server-side prepared statements ({@code useServerPrepStmts}) instead of client-side ones. */
    @Param("false")
    public boolean serverPrepStmts;

    private Properties connectionProperties;
    /** The pool of every benchmark but newConnection (which opens its own connections); null after tearDown. */
    private @Nullable HikariDataSource pool;

    /**
     * Outcomes of {@link #readWriteMix} besides committed transactions, reported by JMH next to
     * the score as a rate.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Outcomes {
        /** Transactions that the server rolled back (deadlock, lock wait timeout). */
        public long rolledBack;
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws SQLException {
        connectionProperties = connectionProperties();
        if (params.getBenchmark().endsWith(".newConnection")) {
            try (Connection connection = DriverManager.getConnection(url, connectionProperties)) {
                connection.isValid(5);
            }
            return;
        }
        prepareTable();
        HikariConfig config = new HikariConfig();
        config.setPoolName("jmh");
        config.setJdbcUrl(url);
        config.setDataSourceProperties(connectionProperties);
        config.setMaximumPoolSize(params.getThreads());
        config.setMinimumIdle(params.getThreads());
        config.setConnectionTimeout(10_000);
        // The read-write transaction uses connections that stay out of autocommit, so that the
        // pool does not switch autocommit off and on around each transaction.
        config.setAutoCommit(!params.getBenchmark().endsWith(".readWriteMix"));
        pool = new HikariDataSource(config);
    }

    /** The pool, for the benchmarks that have one (all but newConnection). */
    private HikariDataSource pool() {
        return Objects.requireNonNull(pool, "setUp makes a pool for every benchmark but newConnection");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    /** One point select; returns the row's {@code c}. */
    @Benchmark
    public @Nullable String pointSelect() throws SQLException {
        try (Connection connection = pool().getConnection()) {
            return pointSelect(connection, randomId());
        }
    }

    /** One point select, timed one by one: run with {@code -t 1} for the latency percentiles. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public @Nullable String pointSelectLatency() throws SQLException {
        return pointSelect();
    }

    /** Ten point selects, a range select and a range sum; returns the sum. */
    @Benchmark
    public long readOnlyMix() throws SQLException {
        try (Connection connection = pool().getConnection()) {
            for (int i = 0; i < 10; i++) {
                pointSelect(connection, randomId());
            }
            int from = randomRangeStart();
            try (PreparedStatement range = connection.prepareStatement(RANGE_SELECT)) {
                range.setInt(1, from);
                range.setInt(2, from + RANGE_SIZE - 1);
                try (ResultSet rs = range.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(1);
                    }
                }
            }
            try (PreparedStatement sum = connection.prepareStatement(SUM_RANGE)) {
                sum.setInt(1, from);
                sum.setInt(2, from + RANGE_SIZE - 1);
                try (ResultSet rs = sum.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0;
                }
            }
        }
    }

    /**
     * One transaction: two point selects, an update, a delete and an insert of one id, commit.
     * Returns whether it committed.
     */
    @Benchmark
    public boolean readWriteMix(Outcomes outcomes) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (Connection connection = pool().getConnection()) {
            try {
                pointSelect(connection, randomId());
                pointSelect(connection, randomId());
                executeUpdate(connection, UPDATE_K, randomId());
                int id = randomId();
                executeUpdate(connection, DELETE, id);
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    insert.setInt(1, id);
                    insert.setInt(2, random.nextInt(rows));
                    insert.setString(3, C_VALUE);
                    insert.setString(4, PAD_VALUE);
                    insert.executeUpdate();
                }
                connection.commit();
                return true;
            } catch (SQLTransactionRollbackException rolledBack) {
                connection.rollback();
                outcomes.rolledBack++;
                return false;
            } catch (SQLException | RuntimeException failure) {
                connection.rollback();
                throw failure;
            }
        }
    }

    /** A new connection, {@code SELECT 1}, close; returns the selected value. */
    @Benchmark
    public int newConnection() throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, connectionProperties);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private Properties connectionProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("useServerPrepStmts", Boolean.toString(serverPrepStmts));
        properties.setProperty("cachePrepStmts", "true");
        properties.setProperty("prepStmtCacheSize", "64");
        // A MySQL 8 server's caching_sha2_password over a plain connection needs the key.
        properties.setProperty("allowPublicKeyRetrieval", "true");
        if (!url.contains("sslMode") && !url.contains("useSSL")) {
            properties.setProperty("sslMode", "DISABLED");
        }
        return properties;
    }

    /**
     * Creates {@code sbtest1} with ids 1 to {@link #rows}, unless it already holds exactly those;
     * a table of another size is dropped and created anew.
     */
    private void prepareTable() throws SQLException {
        Properties properties = new Properties();
        properties.putAll(connectionProperties);
        properties.setProperty("rewriteBatchedStatements", "true");
        try (Connection connection = DriverManager.getConnection(url, properties);
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE IF NOT EXISTS sbtest1 (id INT NOT NULL, k INT NOT NULL DEFAULT 0,"
                            + " c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', PRIMARY KEY (id), KEY k_1 (k))");
            try (ResultSet rs = statement.executeQuery(
                    "SELECT COUNT(*), COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM sbtest1")) {
                rs.next();
                if (rs.getLong(1) == rows && rs.getLong(2) == 1 && rs.getLong(3) == rows) {
                    return;
                }
            }
            statement.execute("TRUNCATE TABLE sbtest1");
            ThreadLocalRandom random = ThreadLocalRandom.current();
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (int id = 1; id <= rows; id++) {
                    insert.setInt(1, id);
                    insert.setInt(2, random.nextInt(rows));
                    insert.setString(3, C_VALUE);
                    insert.setString(4, PAD_VALUE);
                    insert.addBatch();
                    if (id % 1000 == 0 || id == rows) {
                        insert.executeBatch();
                    }
                }
            }
        }
    }

    /** The row's {@code c}; null when there is no such row. */
    private static @Nullable String pointSelect(Connection connection, int id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(POINT_SELECT)) {
            select.setInt(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static void executeUpdate(Connection connection, String sql, int id) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            update.setInt(1, id);
            update.executeUpdate();
        }
    }

    private int randomId() {
        return ThreadLocalRandom.current().nextInt(rows) + 1;
    }

    private int randomRangeStart() {
        return ThreadLocalRandom.current().nextInt(Math.max(1, rows - RANGE_SIZE + 1)) + 1;
    }
}
