package dev.turnout.sandbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What {@link DbServer} delegates to: a local MariaDB process or a MySQL container.
 * Implementations serialise their lifecycle operations internally.
 */
sealed interface ServerNode permits MariaDbServer, MySqlContainerServer {

    String host();

    int port();

    /** The operating-system pid of the server process, or -1 where there is none to show. */
    long pid();

    boolean isRunning();

    /** The server's error log file, if it has one on this machine. */
    Optional<Path> errorLog();

    Connection connect(String user, String password) throws SQLException;

    Connection rootConnection() throws SQLException;

    void stop();

    void kill();

    void start();

    /** Stops the server for good as part of closing the cluster; never throws. */
    void destroy();
}
