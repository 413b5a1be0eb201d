package dev.turnout.sandbox;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local {@code mariadbd} process with its own directory ({@code my.cnf}, data directory,
 * socket, pid file, error log) inside the cluster's temporary directory.
 *
 * <p>The JVM is the parent of {@code mariadbd} (so it reaps it and sees its exit at once); a
 * {@link ProcessWatchdog} per running process covers the JVM dying without cleaning up.
 *
 * <p>Thread-safe: lifecycle methods run under one lock per server; {@link #port()},
 * {@link #pid()} and {@link #isRunning()} read volatile state without it.
 */
final class MariaDbServer implements ServerNode {

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbServer.class);
    static final String HOST = "127.0.0.1";
    static final String ROOT_USER = "root";
    static final String ROOT_PASSWORD = "";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 4;
    /** {@code max_connections} unless {@link SandboxCluster.Builder#maxConnections} says otherwise. */
    static final int DEFAULT_MAX_CONNECTIONS = 500;

    private final MariaDbDistribution distribution;
    private final String name;
    private final int serverId;
    private final boolean replica;
    private final boolean semiSync;
    private final Duration startupTimeout;
    private final int maxConnections;
    /** The TLS certificate and key; null: the server runs with skip-ssl. */
    private final @Nullable Path tlsCertificate;

    private final @Nullable Path tlsKey;
    private final Path dir;
    private final ReentrantLock lifecycle = new ReentrantLock();

    private volatile int port;
    /** The running (or last) mariadbd; null until the first start. */
    private volatile @Nullable Process process;
    /** The watchdog of the running process; null before a start and after a stop or kill. */
    private @Nullable ProcessWatchdog watchdog;

    MariaDbServer(
            MariaDbDistribution distribution,
            Path clusterDir,
            String name,
            int serverId,
            boolean replica,
            boolean semiSync,
            Duration startupTimeout,
            int maxConnections,
            @Nullable Path tlsCertificate,
            @Nullable Path tlsKey) {
        this.distribution = distribution;
        this.name = name;
        this.serverId = serverId;
        this.replica = replica;
        this.semiSync = semiSync;
        this.startupTimeout = startupTimeout;
        this.maxConnections = maxConnections;
        this.tlsCertificate = tlsCertificate;
        this.tlsKey = tlsKey;
        this.dir = clusterDir.resolve(name);
    }

    /**
     * First start: copies the template data directory, picks a free loopback port and starts.
     * Another process may take the port between the probe and the server's bind; then it retries
     * with a new port.
     */
    void create() {
        lifecycle.lock();
        try {
            Files.createDirectories(dir);
            distribution.copyTemplateTo(dir.resolve("data"));
            for (int attempt = 1; ; attempt++) {
                port = freeLoopbackPort();
                writeConfig();
                try {
                    launchAndAwaitReady();
                    return;
                } catch (PortTakenException e) {
                    if (attempt == PORT_ATTEMPTS) {
                        throw new SandboxException(name + ": no free port after " + attempt + " attempts", e);
                    }
                    LOG.debug("{}: port {} was taken, retrying with another", name, port);
                }
            }
        } catch (IOException e) {
            throw new SandboxException(name + ": cannot prepare " + dir + ": " + e, e);
        } finally {
            lifecycle.unlock();
        }
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public long pid() {
        Process current = process;
        return current == null ? -1 : current.pid();
    }

    @Override
    public boolean isRunning() {
        Process current = process;
        return current != null && current.isAlive();
    }

    @Override
    public Optional<Path> errorLog() {
        return Optional.of(dir.resolve("mariadbd.err"));
    }

    String name() {
        return name;
    }

    Path dir() {
        return dir;
    }

    @Override
    public Connection connect(String user, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + HOST + ":" + port + "/test", user, password);
    }

    @Override
    public Connection rootConnection() throws SQLException {
        return connect(ROOT_USER, ROOT_PASSWORD);
    }

    @Override
    public void start() {
        lifecycle.lock();
        try {
            if (isRunning()) {
                return;
            }
            launchAndAwaitReady();
        } catch (PortTakenException e) {
            throw new SandboxException(name + ": port " + port + " was taken while the server was down", e);
        } finally {
            lifecycle.unlock();
        }
    }

    @Override
    public void stop() {
        lifecycle.lock();
        try {
            Process current = process;
            if (current != null && current.isAlive()) {
                LOG.debug("{}: stopping pid {}", name, current.pid());
                current.destroy(); // SIGTERM: mariadbd shuts down cleanly
                if (!waitFor(current, STOP_TIMEOUT)) {
                    LOG.warn("{}: pid {} ignored SIGTERM for {}, sending SIGKILL", name, current.pid(), STOP_TIMEOUT);
                    current.destroyForcibly();
                    waitFor(current, STOP_TIMEOUT);
                }
            }
            detachWatchdog();
        } finally {
            lifecycle.unlock();
        }
    }

    @Override
    public void kill() {
        lifecycle.lock();
        try {
            Process current = process;
            if (current != null && current.isAlive()) {
                LOG.debug("{}: killing pid {}", name, current.pid());
                current.destroyForcibly(); // SIGKILL
                waitFor(current, STOP_TIMEOUT);
            }
            detachWatchdog();
        } finally {
            lifecycle.unlock();
        }
    }

    @Override
    public void destroy() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("{}: stopping failed: {}", name, e.toString());
        }
    }

    private void launchAndAwaitReady() throws PortTakenException {
        Path errorLog = dir.resolve("mariadbd.err");
        long logOffset = size(errorLog);
        detachWatchdog(); // left over if the previous process died on its own
        Process started;
        try {
            Files.deleteIfExists(dir.resolve("mariadbd.sock"));
            started = new ProcessBuilder(
                            distribution.mariadbd().toString(),
                            "--defaults-file=" + dir.resolve("my.cnf"),
                            "--user=root")
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("console.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new SandboxException(name + ": cannot start " + distribution.mariadbd() + ": " + e, e);
        }
        process = started;
        try {
            watchdog = ProcessWatchdog.watch(started.pid(), dir);
        } catch (IOException e) {
            started.destroyForcibly();
            waitFor(started, STOP_TIMEOUT);
            throw new SandboxException(name + ": cannot start the watchdog: " + e, e);
        }
        LOG.debug("{}: started mariadbd pid {} on port {}", name, started.pid(), port);
        try {
            awaitReady(started, errorLog, logOffset);
        } catch (RuntimeException | PortTakenException e) {
            started.destroyForcibly();
            waitFor(started, STOP_TIMEOUT);
            detachWatchdog();
            throw e;
        }
    }

    private void awaitReady(Process started, Path errorLog, long logOffset) throws PortTakenException {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        Properties props = new Properties();
        props.setProperty("user", ROOT_USER);
        props.setProperty("password", ROOT_PASSWORD);
        props.setProperty("connectTimeout", "1000");
        String url = "jdbc:mariadb://" + HOST + ":" + port + "/test";
        SQLException last = null;
        while (true) {
            if (!started.isAlive()) {
                String log = readFrom(errorLog, logOffset);
                if (log.contains("Address already in use")
                        || log.contains("Do you already have another server running on port")) {
                    throw new PortTakenException();
                }
                throw new SandboxException(name + " (" + dir + "): mariadbd exited with code " + started.exitValue()
                        + " during start-up. Error log:\n" + log + consoleLog());
            }
            try {
                DriverManager.getConnection(url, props).close();
                return;
            } catch (SQLException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new SandboxException(
                        name + " (" + dir + "): not accepting connections on " + HOST + ":" + port
                                + " after " + startupTimeout + " (last error: " + last.getMessage() + "). Error log:\n"
                                + readFrom(errorLog, logOffset) + consoleLog(),
                        last);
            }
            sleep(50);
        }
    }

    private void writeConfig() throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "[mariadbd]",
                "user=root",
                "basedir=" + distribution.baseDir(),
                "plugin-dir=" + distribution.pluginDir(),
                "datadir=" + dir.resolve("data"),
                "port=" + port,
                "bind-address=" + HOST,
                "socket=" + dir.resolve("mariadbd.sock"),
                "pid-file=" + dir.resolve("mariadbd.pid"),
                "log-error=" + dir.resolve("mariadbd.err"),
                "skip-name-resolve",
                // 11.4 generates a TLS certificate at every start when none is configured; that RSA
                // key generation costs 2 to 8 seconds of CPU, so sandbox servers speak plain TCP
                // unless the cluster was given a certificate.
                tlsCertificate == null || tlsKey == null
                        ? "skip-ssl"
                        : "ssl-cert=" + tlsCertificate + "\nssl-key=" + tlsKey,
                "server_id=" + serverId,
                "log-bin=" + name + "-bin",
                "relay-log=" + name + "-relay-bin",
                "binlog_format=ROW",
                "log_slave_updates=ON",
                "gtid_strict_mode=ON",
                "slave_net_timeout=10",
                // On for performance_schema.session_connect_attrs (the tests check that connection
                // attributes reach the server); no instrument is enabled, so it costs little.
                "performance_schema=ON",
                "performance_schema_instrument='%=OFF'",
                "max_allowed_packet=1G",
                "local_infile=ON",
                "character-set-server=utf8mb4",
                // Small footprint: several developers share the machine.
                "innodb_use_native_aio=OFF",
                "innodb_flush_log_at_trx_commit=2",
                "aria_pagecache_buffer_size=8M",
                "key_buffer_size=8M"));
        lines.addAll(connectionOptions(maxConnections));
        lines.addAll(MariaDbDistribution.INNODB_FILE_OPTIONS);
        if (replica) {
            lines.add("read_only=ON");
        }
        if (semiSync) {
            // Both sides on every server, so any of them can be promoted. Without a connected
            // replica the primary commits asynchronously instead of waiting for the timeout.
            lines.add("rpl_semi_sync_master_enabled=ON");
            lines.add("rpl_semi_sync_slave_enabled=ON");
            lines.add("rpl_semi_sync_master_wait_no_slave=OFF");
        }
        lines.add("");
        Files.writeString(dir.resolve("my.cnf"), String.join("\n", lines), StandardCharsets.UTF_8);
    }

    /**
     * The option-file lines for {@code maxConnections}: {@code max_connections} alone up to
     * {@link #DEFAULT_MAX_CONNECTIONS}; above it also MariaDB's thread pool, so that thousands of
     * idle connections do not cost a thread each, and {@code open_files_limit} = 5 × connections,
     * what {@code mariadbd} computes as its need for that many (it raises its own limit at start).
     */
    static List<String> connectionOptions(int maxConnections) {
        if (maxConnections <= DEFAULT_MAX_CONNECTIONS) {
            return List.of("max_connections=" + maxConnections);
        }
        return List.of(
                "max_connections=" + maxConnections,
                "thread_handling=pool-of-threads",
                "open_files_limit=" + 5L * maxConnections);
    }

    private void detachWatchdog() {
        if (watchdog != null) {
            watchdog.detach();
            watchdog = null;
        }
    }

    private String consoleLog() {
        String console = readFrom(dir.resolve("console.log"), 0).strip();
        return console.isEmpty() ? "" : "\nConsole output:\n" + console;
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String readFrom(Path file, long offset) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file.getFileName() + ")";
            }
            byte[] bytes = Files.readAllBytes(file);
            int from = (int) Math.min(offset, bytes.length);
            from = Math.max(from, bytes.length - 8000);
            return new String(bytes, from, bytes.length - from, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while waiting for a server", e);
        }
    }

    @Override
    public String toString() {
        return name + "@" + HOST + ":" + port;
    }

    /** The server could not bind its port: another process took it after the probe. */
    private static final class PortTakenException extends Exception {
        private static final long serialVersionUID = 1L;

        PortTakenException() {
            super(null, null, false, false);
        }
    }
}
