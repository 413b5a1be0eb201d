package dev.turnout.sandbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts a {@link SandboxCluster.Flavor#MYSQL_TESTCONTAINERS} cluster: MySQL 8.4 containers on a
 * private network, GTID auto-positioning, the same users as the MariaDB flavor created on every
 * server with {@code sql_log_bin=0} (so no server has GTIDs the others lack), and
 * {@code super_read_only} on the replicas. Deliberately small: the MariaDB flavor is the one
 * the project's own tests run on.
 */
final class MySqlContainerLauncher {

    static final String IMAGE = "mysql:8.4";
    private static final List<String> APP_USER_HOSTS = List.of("127.0.0.1", "localhost", "%");

    private MySqlContainerLauncher() {}

    /** Why no container can be started here, or empty if a Docker engine answers. */
    static Optional<String> dockerProblem() {
        try {
            DockerClientFactory.instance().client();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    static SandboxCluster start(ClusterSettings settings) {
        Optional<String> problem = dockerProblem();
        if (problem.isPresent()) {
            throw new SandboxException("no Docker engine: " + problem.get());
        }
        Network network = Network.newNetwork();
        List<MySqlContainerServer> nodes = new ArrayList<>();
        List<DbServer> servers = new ArrayList<>();
        for (int id = 1; id <= settings.replicas() + 1; id++) {
            String name = "db" + id;
            MySQLContainer<?> container = new MySQLContainer<>(DockerImageName.parse(IMAGE));
            container
                    .withDatabaseName("test")
                    .withUsername(settings.appUser())
                    .withPassword(settings.appPassword())
                    .withNetwork(network)
                    .withNetworkAliases(name)
                    .withStartupTimeout(settings.startupTimeout())
                    .withCommand(
                            "--server-id=" + id,
                            "--log-bin=" + name + "-bin",
                            "--gtid-mode=ON",
                            "--enforce-gtid-consistency=ON",
                            "--mysql-native-password=ON",
                            "--max-allowed-packet=1073741824",
                            "--local-infile=ON",
                            "--character-set-server=utf8mb4",
                            "--max-connections=" + settings.maxConnections());
            // MySQLContainer gives root the application user's password.
            MySqlContainerServer node = new MySqlContainerServer(name, container, settings.appPassword());
            nodes.add(node);
            servers.add(new DbServer(name, id, node));
        }
        SandboxCluster cluster = new SandboxCluster(
                SandboxCluster.Flavor.MYSQL_TESTCONTAINERS,
                servers,
                settings.appUser(),
                settings.appPassword(),
                settings.appPassword(),
                network::close);
        LiveClusters.register(cluster);
        try {
            Parallel.forEach(nodes, node -> node.container().start());
            Parallel.forEach(nodes, node -> createUsers(node, settings));
            String primaryGtids = executedGtids(nodes.get(0));
            if (settings.semiSync()) {
                execute(
                        nodes.get(0),
                        "INSTALL PLUGIN rpl_semi_sync_source SONAME 'semisync_source.so'",
                        "SET GLOBAL rpl_semi_sync_source_enabled = ON");
            }
            Parallel.forEach(nodes.subList(1, nodes.size()), replica -> attach(replica, primaryGtids, settings));
            cluster.awaitReplication(settings.startupTimeout());
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static void createUsers(MySqlContainerServer node, ClusterSettings settings) {
        List<String> sql = new ArrayList<>(List.of("SET SESSION sql_log_bin = 0"));
        String password = Replication.literal(settings.appPassword());
        for (String host : APP_USER_HOSTS) {
            String account = Replication.literal(settings.appUser()) + "@" + Replication.literal(host);
            sql.add("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED WITH mysql_native_password BY " + password);
            sql.add("ALTER USER " + account + " IDENTIFIED WITH mysql_native_password BY " + password);
            for (String schema : MariaDbClusterLauncher.APP_SCHEMAS) {
                sql.add("GRANT " + MariaDbClusterLauncher.APP_PRIVILEGES + " ON " + schema + ".* TO " + account);
            }
            sql.add("GRANT REPLICATION CLIENT ON *.* TO " + account);
        }
        String manager = Replication.literal(SandboxCluster.MANAGER_USER) + "@'%'";
        sql.add("CREATE USER IF NOT EXISTS " + manager + " IDENTIFIED WITH mysql_native_password BY "
                + Replication.literal(SandboxCluster.MANAGER_PASSWORD));
        sql.add("GRANT SYSTEM_VARIABLES_ADMIN, REPLICATION_SLAVE_ADMIN, RELOAD, REPLICATION CLIENT ON *.* TO "
                + manager);
        sql.add("GRANT SELECT, INSERT, UPDATE, CREATE ON `turnout`.* TO " + manager);
        String repl = Replication.literal(MariaDbDistribution.REPLICATION_USER) + "@'%'";
        sql.add("CREATE USER IF NOT EXISTS " + repl + " IDENTIFIED WITH mysql_native_password BY "
                + Replication.literal(MariaDbDistribution.REPLICATION_PASSWORD));
        sql.add("GRANT REPLICATION SLAVE ON *.* TO " + repl);
        execute(node, sql.toArray(String[]::new));
    }

    private static void attach(MySqlContainerServer replica, String primaryGtids, ClusterSettings settings) {
        try (Connection connection = replica.rootConnection();
                Statement statement = connection.createStatement()) {
            // Whatever the image's entrypoint wrote exists on every server already: skip it.
            statement.execute("RESET BINARY LOGS AND GTIDS");
            if (!primaryGtids.isEmpty()) {
                try (PreparedStatement purge = connection.prepareStatement("SET GLOBAL gtid_purged = ?")) {
                    purge.setString(1, primaryGtids);
                    purge.execute();
                }
            }
            if (settings.semiSync()) {
                statement.execute("INSTALL PLUGIN rpl_semi_sync_replica SONAME 'semisync_replica.so'");
                statement.execute("SET GLOBAL rpl_semi_sync_replica_enabled = ON");
            }
            statement.execute("CHANGE REPLICATION SOURCE TO SOURCE_HOST='db1', SOURCE_PORT="
                    + MySqlContainerServer.INTERNAL_PORT
                    + ", SOURCE_USER=" + Replication.literal(MariaDbDistribution.REPLICATION_USER)
                    + ", SOURCE_PASSWORD=" + Replication.literal(MariaDbDistribution.REPLICATION_PASSWORD)
                    + ", SOURCE_AUTO_POSITION=1, SOURCE_CONNECT_RETRY=1");
            statement.execute("START REPLICA");
            // super_read_only: nothing but root may write to a replica, whatever it was granted.
            statement.execute("SET GLOBAL super_read_only = ON");
            Replication.awaitRunning(
                    SandboxCluster.Flavor.MYSQL_TESTCONTAINERS, replica.name(), connection, settings.startupTimeout());
        } catch (SQLException e) {
            throw new SandboxException(replica.name() + ": cannot attach to db1: " + e.getMessage(), e);
        }
    }

    private static String executedGtids(MySqlContainerServer node) {
        try (Connection connection = node.rootConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT @@GLOBAL.gtid_executed")) {
            rs.next();
            return rs.getString(1).replace("\n", "");
        } catch (SQLException e) {
            throw new SandboxException(node.name() + ": cannot read gtid_executed: " + e.getMessage(), e);
        }
    }

    private static void execute(MySqlContainerServer node, String... sql) {
        try (Connection connection = node.rootConnection();
                Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        } catch (SQLException e) {
            throw new SandboxException(node.name() + ": setup failed: " + e.getMessage(), e);
        }
    }
}
