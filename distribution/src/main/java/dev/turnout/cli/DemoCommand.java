package dev.turnout.cli;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.ConnectorStartException;
import dev.turnout.connector.config.BackendTlsSettings;
import dev.turnout.connector.config.ConfigException;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.manager.Manager;
import dev.turnout.manager.ManagerSettings;
import dev.turnout.manager.group.GroupMember;
import dev.turnout.manager.group.GroupSettings;
import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.push.PushSecret;
import dev.turnout.push.PushServer;
import dev.turnout.routing.topology.Policy;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code turnout demo}: a local MariaDB cluster (a primary and two replicas with GTID replication)
 * with a connector in front of it on 127.0.0.1, until Ctrl-C, which stops everything it started.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Start a local MariaDB cluster (primary + 2 replicas) and a connector in front of it.")
public final class DemoCommand implements Callable<Integer> {

    static final String USER = "app";
    static final String PASSWORD = "secret";
    static final String REST_USER = "admin";
    static final String REST_PASSWORD = "admin-secret";

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "the connector's port (default: 3306, or the next free one)")
    @Nullable
    Integer port;

    @Option(
            names = "--replicas",
            paramLabel = "N",
            defaultValue = "2",
            description = "number of replicas (default: ${DEFAULT-VALUE})")
    int replicas;

    @Override
    public Integer call() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        System.out.println("Starting a MariaDB cluster: 1 primary + " + replicas + " replicas ...");
        try (SandboxCluster cluster = SandboxCluster.builder()
                .replicas(replicas)
                .appUser(USER, PASSWORD)
                .start()) {
            int connectorPort = port != null ? port : firstFreePort(3306);
            int readOnlyPort = firstFreePort(connectorPort + 1);
            // Three datasources: three managers in a group, each with its embedded ZooKeeper peer,
            // as the seeds install them; otherwise one manager that decides alone.
            int managerCount = cluster.servers().size() == 3 ? 3 : 1;
            List<Integer> pushPorts = freePorts(PushServer.DEFAULT_PORT, managerCount);
            List<Integer> restPorts = freePorts(8090, managerCount);
            String pushSecret = newPushSecret();
            Path ini = writeConfiguration(
                    configuration(cluster, connectorPort, readOnlyPort, pushPorts, restPorts.get(0), pushSecret));
            Path dir = java.util.Objects.requireNonNull(ini.getParent(), "written in a directory of its own");
            List<Manager> managers = new ArrayList<>();
            try {
                List<GroupMember> members = managerCount == 1 ? List.of() : groupMembers(cluster);
                for (int i = 0; i < managerCount; i++) {
                    ManagerSettings settings = managerSettings(cluster, pushPorts.get(i), restPorts.get(i), pushSecret);
                    GroupSettings group = members.isEmpty()
                            ? null
                            : new GroupSettings(
                                    "alpha",
                                    members.get(i).name(),
                                    members,
                                    List.of(),
                                    GroupSettings.WitnessCheck.ECHO,
                                    GroupSettings.DEFAULT_WITNESS_PORT,
                                    null,
                                    dir.resolve("zookeeper-" + (i + 1)),
                                    GroupSettings.DEFAULT_SESSION_TIMEOUT);
                    managers.add(Manager.start(settings, group));
                }
                ConnectorServer server;
                try {
                    server = ConnectorServer.start(ConnectorConfig.load(ini, "alpha"));
                } catch (ConfigException | ConnectorStartException e) {
                    System.err.println("turnout: " + e.getMessage());
                    return 1;
                }
                try {
                    printBanner(cluster, connectorPort, readOnlyPort, restPorts, ini);
                    stop.await();
                    System.out.println("\nStopping the connector, the managers and the cluster ...");
                } finally {
                    server.shutdown(Duration.ofSeconds(2));
                }
            } finally {
                for (Manager m : managers) {
                    m.close();
                }
                deleteTree(dir);
            }
        }
        System.out.println("Stopped.");
        return 0;
    }

    /**
     * Writes the demo's configuration, which holds passwords, as {@code tungsten.ini} in a new
     * temporary directory: the directory 0700 and the file 0600 from the moment they exist, so no
     * other user of the host reads them (a file written with the default umask would be 0644).
     *
     * @return the file
     */
    static Path writeConfiguration(String text) throws IOException {
        Path dir = Files.createTempDirectory(
                "turnout-demo-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path ini = Files.createFile(
                dir.resolve("tungsten.ini"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(ini, text, StandardCharsets.UTF_8);
        return ini;
    }

    /**
     * The demo's manager: AUTOMATIC policy, probes every 500 ms, the sandbox's manager account for
     * the statements of a switch or failover (READ_ONLY ADMIN, REPLICATION SLAVE ADMIN, SLAVE
     * MONITOR; no SUPER) and its replication account.
     */
    static ManagerSettings managerSettings(SandboxCluster cluster, int pushPort, int restPort, String pushSecret) {
        List<DatasourceAddress> datasources = new ArrayList<>();
        for (DbServer server : cluster.servers()) {
            datasources.add(new DatasourceAddress(server.hostPort(), server.host(), server.port()));
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        return new ManagerSettings(
                "alpha",
                datasources,
                cluster.primary().hostPort(),
                cluster.managerUser(),
                cluster.managerPassword(),
                "repl",
                "repl",
                BackendTlsSettings.preferred(),
                Duration.ofMillis(500),
                Policy.AUTOMATIC,
                new InetSocketAddress(loopback, pushPort),
                new InetSocketAddress(loopback, restPort),
                REST_USER,
                REST_PASSWORD,
                null,
                Duration.ofSeconds(30),
                3,
                PushSecret.of(pushSecret),
                ManagerSettings.DEFAULT_HOLD_TIMEOUT);
    }

    /** The demo's manager group: one member per datasource, ZooKeeper on free ports of 127.0.0.1. */
    static List<GroupMember> groupMembers(SandboxCluster cluster) throws IOException {
        List<DbServer> servers = cluster.servers();
        List<Integer> clients = freePorts(GroupSettings.DEFAULT_CLIENT_PORT, servers.size());
        List<Integer> peers = freePorts(GroupSettings.DEFAULT_PEER_PORT, servers.size());
        List<Integer> elections = freePorts(GroupSettings.DEFAULT_ELECTION_PORT, servers.size());
        List<GroupMember> members = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            members.add(new GroupMember(
                    servers.get(i).hostPort(), "127.0.0.1", false, clients.get(i), peers.get(i), elections.get(i)));
        }
        return members;
    }

    /** {@code count} distinct free ports from {@code from} on. */
    static List<Integer> freePorts(int from, int count) throws IOException {
        List<Integer> out = new ArrayList<>();
        int next = from;
        for (int i = 0; i < count; i++) {
            int p = firstFreePort(next);
            out.add(p);
            next = p + 1;
        }
        return out;
    }

    /** Deletes {@code dir} and everything in it (the demo's configuration and ZooKeeper data). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A random push secret for this run of the demo: its manager and connector share it, nobody else. */
    static String newPushSecret() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }

    static String configuration(
            SandboxCluster cluster,
            int connectorPort,
            int readOnlyPort,
            List<Integer> pushPorts,
            int restPort,
            String pushSecret) {
        String members = cluster.servers().stream().map(DbServer::hostPort).collect(Collectors.joining(","));
        String managers = pushPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        return """
                # Written by 'turnout demo' for its local cluster.
                [defaults]
                application-user=%s
                application-password=%s
                application-port=%d
                application-readonly-port=%d
                connector-listen-address=127.0.0.1
                connector-managers=%s
                manager-push-secret=%s
                manager-rest-api-address=127.0.0.1:%d
                manager-user=%s
                manager-password=%s
                rest-api-admin-user=%s
                rest-api-admin-password=%s

                [alpha]
                topology=clustered
                master=%s
                members=%s
                """.formatted(
                        USER,
                        PASSWORD,
                        connectorPort,
                        readOnlyPort,
                        managers,
                        pushSecret,
                        restPort,
                        cluster.managerUser(),
                        cluster.managerPassword(),
                        REST_USER,
                        REST_PASSWORD,
                        cluster.primary().hostPort(),
                        members);
    }

    private static void printBanner(
            SandboxCluster cluster, int connectorPort, int readOnlyPort, List<Integer> restPorts, Path ini) {
        StringBuilder servers = new StringBuilder();
        for (DbServer server : cluster.servers()) {
            servers.append(String.format(
                    "  %-4s %-16s server_id=%d %s%n",
                    server.name(),
                    server.hostPort(),
                    server.serverId(),
                    server == cluster.primary() ? "(primary)" : "(replica)"));
        }
        System.out.printf(
                """

                Turnout demo is running.
                %s
                Connector for dataservice 'alpha' on 127.0.0.1:%2$d (configuration: %3$s)

                Connect with:
                  mariadb -h127.0.0.1 -P%2$d -u%4$s -p%5$s test
                  mysql   -h127.0.0.1 -P%2$d -u%4$s -p%5$s test
                  JDBC:   jdbc:mysql://127.0.0.1:%2$d/test?user=%4$s&password=%5$s
                          jdbc:mariadb://127.0.0.1:%2$d/test?user=%4$s&password=%5$s
                Try:      mariadb -h127.0.0.1 -P%2$d -u%4$s -p%5$s -e 'select @@server_id'

                Read-only port 127.0.0.1:%6$d (autocommit reads go to the replicas):
                          mariadb -h127.0.0.1 -P%6$d -u%4$s -p%5$s -e 'select @@server_id'
                          mariadb -h127.0.0.1 -P%6$d -u%4$s -p%5$s -e 'tungsten explain select * from t'
                          mariadb -h127.0.0.1 -P%6$d -u%4$s -p%5$s -e 'tungsten cluster status'

                %9$s (policy AUTOMATIC), REST API on 127.0.0.1:%7$s; the connector follows them:
                          bin/turnout cctrl -c %3$s -e ls
                          bin/turnout cctrl -c %3$s -e switch           # a planned switch
                          kill -9 %8$d                                 # db1 dies: automatic failover%10$s

                Press Ctrl-C to stop the connector and the cluster.
                """,
                servers,
                connectorPort,
                ini,
                USER,
                PASSWORD,
                readOnlyPort,
                restPorts.stream().map(String::valueOf).collect(Collectors.joining(", ")),
                cluster.primary().pid(),
                restPorts.size() == 1 ? "One manager" : restPorts.size() + " managers in a group (ZooKeeper embedded)",
                restPorts.size() == 1
                        ? ""
                        : "\n                                                               "
                                + "# decided by the managers' majority");
        System.out.flush();
    }

    /** The first port from {@code from} on that is free on 127.0.0.1. */
    static int firstFreePort(int from) throws IOException {
        for (int candidate = from; candidate < from + 100; candidate++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate));
                return candidate;
            } catch (IOException busy) {
                // taken: try the next one
            }
        }
        throw new IOException("no free port in " + from + ".." + (from + 99) + " on 127.0.0.1");
    }
}
