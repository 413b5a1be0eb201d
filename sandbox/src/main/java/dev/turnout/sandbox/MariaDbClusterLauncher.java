package dev.turnout.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a {@link SandboxCluster.Flavor#MARIADB} cluster: prepares the binaries, starts every
 * server from the template in parallel, creates the application user on the primary (so it
 * reaches the replicas as ordinary GTID events), attaches the replicas and waits until they have
 * caught up.
 */
final class MariaDbClusterLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbClusterLauncher.class);
    private static final List<String> APP_USER_HOSTS = List.of("127.0.0.1", "localhost", "%");

    private MariaDbClusterLauncher() {}

    static SandboxCluster start(ClusterSettings settings) {
        long started = System.nanoTime();
        MariaDbDistribution distribution = MariaDbDistribution.prepare(settings.cacheDir());
        Path clusterDir;
        try {
            clusterDir = Files.createTempDirectory("turnout-sandbox-");
        } catch (IOException e) {
            throw new SandboxException("cannot create a temporary directory: " + e, e);
        }
        List<MariaDbServer> nodes = new ArrayList<>();
        List<DbServer> servers = new ArrayList<>();
        for (int id = 1; id <= settings.replicas() + 1; id++) {
            MariaDbServer node = new MariaDbServer(
                    distribution,
                    clusterDir,
                    "db" + id,
                    id,
                    id > 1,
                    settings.semiSync(),
                    settings.startupTimeout(),
                    settings.maxConnections());
            nodes.add(node);
            servers.add(new DbServer(node.name(), id, node));
        }
        SandboxCluster cluster = new SandboxCluster(
                SandboxCluster.Flavor.MARIADB,
                servers,
                settings.appUser(),
                settings.appPassword(),
                MariaDbServer.ROOT_PASSWORD,
                () -> MariaDbDistribution.deleteRecursively(clusterDir));
        LiveClusters.register(cluster);
        try {
            Parallel.forEach(nodes, MariaDbServer::create);
            MariaDbServer primary = nodes.get(0);
            List<MariaDbServer> replicas = nodes.subList(1, nodes.size());
            createAppUser(primary, settings);
            Parallel.forEach(replicas, replica -> attach(replica, primary, settings.startupTimeout()));
            if (settings.semiSync() && !replicas.isEmpty()) {
                awaitSemiSyncClients(primary, replicas.size(), settings.startupTimeout());
            }
            cluster.awaitReplication(settings.startupTimeout());
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info(
                "sandbox cluster {} started in {} ms ({})",
                cluster.servers(),
                (System.nanoTime() - started) / 1_000_000,
                clusterDir);
        return cluster;
    }

    private static void createAppUser(MariaDbServer primary, ClusterSettings settings) {
        try (Connection connection = primary.rootConnection();
                Statement statement = connection.createStatement()) {
            for (String host : APP_USER_HOSTS) {
                String account = Replication.literal(settings.appUser()) + "@" + Replication.literal(host);
                statement.execute("CREATE USER " + account + " IDENTIFIED VIA mysql_native_password USING PASSWORD("
                        + Replication.literal(settings.appPassword()) + ")");
                statement.execute("GRANT ALL PRIVILEGES ON *.* TO " + account);
                // ALL includes READ_ONLY ADMIN, which would let the application write to replicas.
                statement.execute("REVOKE READ_ONLY ADMIN ON *.* FROM " + account);
            }
        } catch (SQLException e) {
            throw new SandboxException(primary.name() + ": cannot create the application user: " + e.getMessage(), e);
        }
    }

    private static void attach(MariaDbServer replica, MariaDbServer primary, Duration timeout) {
        try (Connection connection = replica.rootConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CHANGE MASTER TO MASTER_HOST=" + Replication.literal(primary.host())
                    + ", MASTER_PORT=" + primary.port()
                    + ", MASTER_USER=" + Replication.literal(MariaDbDistribution.REPLICATION_USER)
                    + ", MASTER_PASSWORD=" + Replication.literal(MariaDbDistribution.REPLICATION_PASSWORD)
                    + ", MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1"
                    // 11.4 replicas default to MASTER_SSL=1; sandbox servers run without TLS.
                    + ", MASTER_SSL=0");
            statement.execute("START SLAVE");
            Replication.awaitRunning(SandboxCluster.Flavor.MARIADB, replica.name(), connection, timeout);
        } catch (SQLException e) {
            throw new SandboxException(
                    replica.name() + ": cannot attach to " + primary.name() + ": " + e.getMessage(), e);
        }
    }

    private static void awaitSemiSyncClients(MariaDbServer primary, int expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection connection = primary.rootConnection();
                Statement statement = connection.createStatement()) {
            while (true) {
                int clients;
                try (ResultSet rs = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_clients'")) {
                    clients = rs.next() ? rs.getInt(2) : 0;
                }
                if (clients >= expected) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new SandboxException(primary.name() + ": " + clients + " of " + expected
                            + " semi-synchronous replicas connected after " + timeout);
                }
                Thread.sleep(50);
            }
        } catch (SQLException e) {
            throw new SandboxException(primary.name() + ": cannot read the semi-sync status: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while waiting for semi-sync replicas", e);
        }
    }
}
