package dev.turnout.sandbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import org.testcontainers.containers.MySQLContainer;

/**
 * One MySQL 8.4 container of a {@link SandboxCluster.Flavor#MYSQL_TESTCONTAINERS} cluster.
 * Process control ({@code stop}, {@code kill}, {@code start}) is not offered: a restarted
 * container may come back on another mapped port, so failover tests use the MariaDB flavor.
 *
 * <p>Thread-safe: Testcontainers serialises its own container state.
 */
final class MySqlContainerServer implements ServerNode {

    static final int INTERNAL_PORT = 3306;

    private final String name;
    private final MySQLContainer<?> container;
    private final String rootPassword;

    MySqlContainerServer(String name, MySQLContainer<?> container, String rootPassword) {
        this.name = name;
        this.container = container;
        this.rootPassword = rootPassword;
    }

    MySQLContainer<?> container() {
        return container;
    }

    String name() {
        return name;
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(INTERNAL_PORT);
    }

    @Override
    public long pid() {
        return -1;
    }

    @Override
    public boolean isRunning() {
        return container.isRunning();
    }

    @Override
    public Optional<Path> errorLog() {
        return Optional.empty(); // the container's log goes to Docker, see GenericContainer.getLogs()
    }

    @Override
    public Connection connect(String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        // caching_sha2_password without TLS needs the server's RSA key (root keeps that plugin).
        props.setProperty("allowPublicKeyRetrieval", "true");
        return DriverManager.getConnection("jdbc:mariadb://" + host() + ":" + port() + "/test", props);
    }

    @Override
    public Connection rootConnection() throws SQLException {
        return connect("root", rootPassword);
    }

    @Override
    public void stop() {
        throw unsupported();
    }

    @Override
    public void kill() {
        throw unsupported();
    }

    @Override
    public void start() {
        throw unsupported();
    }

    @Override
    public void destroy() {
        try {
            container.stop();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(MySqlContainerServer.class)
                    .warn("{}: stopping the container failed: {}", name, e.toString());
        }
    }

    private UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException(name + ": process control is only available with the MariaDB sandbox");
    }

    @Override
    public String toString() {
        return name + "(container)";
    }
}
