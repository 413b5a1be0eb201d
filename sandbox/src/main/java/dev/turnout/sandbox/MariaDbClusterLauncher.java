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
 * server from the template in parallel, creates the application user and the manager's account on
 * the primary (so they reach the replicas as ordinary GTID events), attaches the replicas and waits
 * until they have caught up. The cluster's directory and each server's are readable by their owner
 * only (0700): a data directory holds the replication password in {@code master.info}.
 */
final class MariaDbClusterLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbClusterLauncher.class);
    private static final List<String> APP_USER_HOSTS = List.of("127.0.0.1", "localhost", "%");

    /**
     * What an application does with its schemas: data, DDL, temporary tables, locks, routines,
     * views, triggers, events. No global privilege but {@code SLAVE MONITOR}, which a connector
     * without managers needs to probe the replicas as the application user (its default
     * {@code replication-user}); no {@code SUPER}, {@code SHUTDOWN}, {@code READ_ONLY ADMIN} (which
     * would let it write to read-only replicas) or {@code CONNECTION ADMIN}: the connector kills only
     * the threads of its own backend sessions, which a user may do to its own threads.
     */
    static final String APP_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER,"
            + " CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE,"
            + " ALTER ROUTINE, EVENT, TRIGGER, REFERENCES";

    /**
     * The application schemas: {@code test}, any {@code test_*}, the heartbeat schema {@code turnout}
     * and any {@code turnout_*} (wildcards of the grant tables, {@code _} escaped).
     */
    static final List<String> APP_SCHEMAS = List.of("`test`", "`test\\_%`", "`turnout`", "`turnout\\_%`");

    /**
     * What the manager's statements need and nothing more: {@code SET GLOBAL read_only} (READ_ONLY
     * ADMIN), {@code STOP/START SLAVE}, {@code CHANGE MASTER} and {@code SET GLOBAL gtid_slave_pos}
     * (REPLICATION SLAVE ADMIN), {@code RESET SLAVE ALL} (RELOAD as well, in 11.4),
     * {@code SHOW ALL SLAVES STATUS} (SLAVE MONITOR); its heartbeat on {@code turnout}.
     */
    static final List<String> MANAGER_GRANTS = List.of(
            "READ_ONLY ADMIN, REPLICATION SLAVE ADMIN, RELOAD, SLAVE MONITOR ON *.*",
            "SELECT, INSERT, UPDATE, CREATE ON `turnout`.*");

    private MariaDbClusterLauncher() {}

    static SandboxCluster start(ClusterSettings settings) {
        long started = System.nanoTime();
        MariaDbDistribution distribution = MariaDbDistribution.prepare(settings.cacheDir());
        Path clusterDir;
        try {
            clusterDir = Files.createTempDirectory("turnout-sandbox-");
            Files.setPosixFilePermissions(clusterDir, SandboxCluster.OWNER_ONLY);
            for (int id = 1; id <= settings.replicas() + 1; id++) {
                Files.setPosixFilePermissions(
                        Files.createDirectory(clusterDir.resolve("db" + id)), SandboxCluster.OWNER_ONLY);
            }
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
                    settings.maxConnections(),
                    settings.tlsCertificate(),
                    settings.tlsKey());
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
            createUsers(primary, settings);
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

    private static void createUsers(MariaDbServer primary, ClusterSettings settings) {
        try (Connection connection = primary.rootConnection();
                Statement statement = connection.createStatement()) {
            for (String host : APP_USER_HOSTS) {
                String account = Replication.literal(settings.appUser()) + "@" + Replication.literal(host);
                statement.execute("CREATE USER " + account + " IDENTIFIED VIA mysql_native_password USING PASSWORD("
                        + Replication.literal(settings.appPassword()) + ")");
                for (String schema : APP_SCHEMAS) {
                    statement.execute("GRANT " + APP_PRIVILEGES + " ON " + schema + ".* TO " + account);
                }
                statement.execute("GRANT SLAVE MONITOR ON *.* TO " + account);
            }
            String manager = Replication.literal(SandboxCluster.MANAGER_USER) + "@'%'";
            statement.execute("CREATE USER " + manager + " IDENTIFIED VIA mysql_native_password USING PASSWORD("
                    + Replication.literal(SandboxCluster.MANAGER_PASSWORD) + ")");
            for (String grant : MANAGER_GRANTS) {
                statement.execute("GRANT " + grant + " TO " + manager);
            }
        } catch (SQLException e) {
            throw new SandboxException(primary.name() + ": cannot create the users: " + e.getMessage(), e);
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
