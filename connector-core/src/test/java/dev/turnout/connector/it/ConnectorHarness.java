package dev.turnout.connector.it;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** Starts connectors in front of a sandbox cluster for the integration tests. */
final class ConnectorHarness {

    private ConnectorHarness() {}

    /**
     * The configuration text of a connector in front of {@code cluster}'s primary; its port is a
     * placeholder ({@link #start} listens on a free port instead, as a file cannot say 0).
     */
    static String configuration(SandboxCluster cluster, String extraDefaults) {
        String members = cluster.servers().stream().map(DbServer::hostPort).collect(Collectors.joining(","));
        return """
                [defaults]
                application-user=%s
                application-password=%s
                application-port=3306
                connector-listen-address=127.0.0.1
                connector-connect-timeout=2s
                connector-shutdown-timeout=2s
                connector-worker-threads=2
                %s
                [alpha]
                master=%s
                members=%s
                """.formatted(
                        cluster.appUser(),
                        cluster.appPassword(),
                        extraDefaults,
                        cluster.primary().hostPort(),
                        members);
    }

    static ConnectorServer start(SandboxCluster cluster) throws Exception {
        return start(cluster, "");
    }

    static ConnectorServer start(SandboxCluster cluster, String extraDefaults) throws Exception {
        return ConnectorServer.start(ConnectorConfig.parse(configuration(cluster, extraDefaults), "it.ini", "alpha")
                .withApplicationPort(0));
    }

    /**
     * A connector with {@code extraDefaults} whose parsed configuration {@code adjust} changes
     * first (e.g. {@code c -> c.withReadOnlyPort(0)}, which a file cannot say); on a free port.
     */
    static ConnectorServer start(SandboxCluster cluster, String extraDefaults, UnaryOperator<ConnectorConfig> adjust)
            throws Exception {
        return ConnectorServer.start(
                adjust.apply(ConnectorConfig.parse(configuration(cluster, extraDefaults), "it.ini", "alpha")
                        .withApplicationPort(0)));
    }

    /** The client drivers the tests run with, and their URLs to a connector. */
    enum Driver {
        MYSQL(
                "jdbc:mysql://127.0.0.1:%d/test?sslMode=DISABLED&allowPublicKeyRetrieval=true&connectTimeout=5000&socketTimeout=60000"),
        MARIADB("jdbc:mariadb://127.0.0.1:%d/test?connectTimeout=5000&socketTimeout=60000");

        private final String url;

        Driver(String url) {
            this.url = url;
        }

        String url(int port, String options) {
            String base = url.formatted(port);
            return options.isEmpty() ? base : base + "&" + options;
        }

        Connection connect(int port, String user, String password, String options) throws SQLException {
            return DriverManager.getConnection(url(port, options), user, password);
        }
    }

    static long queryLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row from " + sql);
            }
            return rs.getLong(1);
        }
    }

    /** The {@code @@server_id}s of the cluster's replicas. */
    static java.util.Set<Long> replicaIds(SandboxCluster cluster) {
        return cluster.replicas().stream()
                .map(server -> (long) server.serverId())
                .collect(Collectors.toSet());
    }

    /** Waits (at most 10 s) until {@code SELECT @@server_id} on {@code connection} is answered by one of {@code serverIds}. */
    static void awaitReadFrom(Connection connection, java.util.Set<Long> serverIds) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (serverIds.contains(queryLong(connection, "SELECT @@server_id"))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no read reached one of " + serverIds + " within 10 s");
    }

    /** Runs {@code sql} on {@code server} as root. */
    static void executeAsRoot(DbServer server, String sql) throws SQLException {
        try (Connection root = server.rootConnection();
                Statement statement = root.createStatement()) {
            statement.execute(sql);
        }
    }
}
