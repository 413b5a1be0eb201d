package dev.turnout.sandbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * One database server of a {@link SandboxCluster}: where it listens, how to reach it as an
 * administrator, and its process lifecycle for failover tests.
 *
 * <p>Servers are named {@code db1}, {@code db2}, ... in start order; {@code db1} starts as the
 * primary with {@code server_id = 1}, replica {@code dbN} has {@code server_id = N}. Every server
 * listens on a loopback port that stays the same across {@link #stop()} / {@link #start()}.
 *
 * <p>Thread-safe; lifecycle calls on one server are serialised.
 */
public final class DbServer {

    private final String name;
    private final int serverId;
    private final ServerNode node;

    DbServer(String name, int serverId, ServerNode node) {
        this.name = name;
        this.serverId = serverId;
        this.node = node;
    }

    /** {@code db1}, {@code db2}, ... */
    public String name() {
        return name;
    }

    /** The address the server listens on, {@code 127.0.0.1} for local servers. */
    public String host() {
        return node.host();
    }

    public int port() {
        return node.port();
    }

    /** The configured {@code @@server_id}. */
    public int serverId() {
        return serverId;
    }

    /**
     * The pid of the server process ({@code mariadbd}); the last one after it stopped, or -1 for
     * a containerised server.
     */
    public long pid() {
        return node.pid();
    }

    public boolean isRunning() {
        return node.isRunning();
    }

    /**
     * The server's error log ({@code mariadbd.err} in its temporary directory), for diagnosing a
     * failed test; empty for a containerised server. The file is deleted when the cluster closes.
     */
    public Optional<Path> errorLog() {
        return node.errorLog();
    }

    /** {@code host:port}, e.g. {@code 127.0.0.1:40123}. */
    public String hostPort() {
        return host() + ":" + port();
    }

    /** A MariaDB Connector/J URL for the {@code test} schema, e.g. {@code jdbc:mariadb://127.0.0.1:40123/test}. */
    public String jdbcUrl() {
        return "jdbc:mariadb://" + hostPort() + "/test";
    }

    /** A new administrator connection (user {@code root}) to the {@code test} schema; the caller closes it. */
    public Connection rootConnection() throws SQLException {
        return node.rootConnection();
    }

    /** A new connection with the given credentials to the {@code test} schema; the caller closes it. */
    public Connection connect(String user, String password) throws SQLException {
        return node.connect(user, password);
    }

    /** Shuts the server down cleanly (SIGTERM, SIGKILL only after a bound) and waits until it has exited. */
    public void stop() {
        node.stop();
    }

    /** Kills the server with SIGKILL, as a crash would, and waits until it has exited. */
    public void kill() {
        node.kill();
    }

    /**
     * Starts the stopped or killed server again with the same data directory and port, and waits
     * until it accepts connections. A replica resumes replicating on its own. Does nothing if the
     * server is running.
     */
    public void start() {
        node.start();
    }

    ServerNode node() {
        return node;
    }

    @Override
    public String toString() {
        return name + "(server_id=" + serverId + ", " + hostPort() + (isRunning() ? "" : ", stopped") + ")";
    }
}
