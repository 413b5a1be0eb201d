// The two Java sides of benchmarks/idle-sessions.sh, which measures the connector's memory per idle
// client session (see benchmarks/README.md, "Memory per idle session"). Run as a single source file
// with the distribution's jars (the sandbox) and benchmarks.jar (MySQL Connector/J) on the class path:
//
//   java -cp "distribution/target/turnout/lib/*:benchmarks/target/benchmarks.jar" benchmarks/IdleSessions.java \
//       server MAX_CONNECTIONS
//     starts a sandbox primary (no replica) allowing MAX_CONNECTIONS connections, prints
//     "primary PORT PID" and "free PORT" (a free loopback port for the connector), and runs until
//     SIGTERM, which stops the server through the sandbox's shutdown hook.
//
//   java -cp ... benchmarks/IdleSessions.java clients PORT N DIR DEADLINE_SECONDS
//     through the connector on 127.0.0.1:PORT: opens and closes 50 warm-up sessions, prints "warm"
//     and waits for the file DIR/open; opens N sessions and prints "open N"; waits for DIR/check,
//     runs SELECT 1 on every session, asks the connector for its session count ("tungsten
//     connection count" on one more session) and prints "alive OK/N connector-sessions M"; waits
//     for DIR/close, closes every session and exits. Exits 1 on any failure or when a step
//     exceeds DEADLINE_SECONDS.
import dev.turnout.sandbox.SandboxCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

public final class IdleSessions {

    private static final int WARM_UP = 50;

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("server")) {
            server(Integer.parseInt(args[1]));
        } else if (args.length == 5 && args[0].equals("clients")) {
            long deadlineNanos = Long.parseLong(args[4]) * 1_000_000_000L;
            try {
                clients(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Path.of(args[3]), deadlineNanos);
            } catch (SQLException | IllegalStateException e) {
                System.out.println("failed: " + e);
                System.out.flush();
                System.exit(1);
            }
        } else {
            System.err.println("usage: IdleSessions server MAX_CONNECTIONS | clients PORT N DIR DEADLINE_SECONDS");
            System.exit(2);
        }
    }

    private static void server(int maxConnections) throws Exception {
        SandboxCluster cluster = SandboxCluster.builder().replicas(0).maxConnections(maxConnections).start();
        System.out.println("primary " + cluster.primary().port() + " " + cluster.primary().pid());
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            System.out.println("free " + socket.getLocalPort());
        }
        System.out.flush();
        Thread.currentThread().join(); // until SIGTERM; the sandbox's shutdown hook stops the server
    }

    private static void clients(int port, int n, Path dir, long deadlineNanos) throws Exception {
        String url = "jdbc:mysql://127.0.0.1:" + port + "/test";
        Properties props = new Properties();
        props.setProperty("user", "app");
        props.setProperty("password", "secret");
        props.setProperty("sslMode", "DISABLED");
        props.setProperty("allowPublicKeyRetrieval", "true");
        props.setProperty("connectTimeout", "10000");
        props.setProperty("socketTimeout", "60000");

        long start = System.nanoTime();
        for (int i = 0; i < WARM_UP; i++) {
            try (Connection c = DriverManager.getConnection(url, props)) {
                selectOne(c);
            }
        }
        say("warm");
        await(dir.resolve("open"), deadlineNanos);

        List<Connection> open = new ArrayList<>(n);
        start = System.nanoTime();
        try {
            for (int i = 0; i < n; i++) {
                if (System.nanoTime() - start > deadlineNanos) {
                    throw new IllegalStateException("only " + i + " of " + n + " sessions open after the deadline");
                }
                open.add(DriverManager.getConnection(url, props));
                if ((i + 1) % 1000 == 0) {
                    say("opened " + (i + 1));
                }
            }
            say("open " + open.size() + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
            await(dir.resolve("check"), deadlineNanos);

            int alive = 0;
            for (Connection c : open) {
                try {
                    selectOne(c);
                    alive++;
                } catch (SQLException e) {
                    System.out.println("dead session: " + e.getMessage());
                }
            }
            int reported;
            // execute, not executeQuery: Connector/J accepts only statements it knows to return rows there.
            try (Connection c = DriverManager.getConnection(url, props); Statement s = c.createStatement()) {
                if (!s.execute("tungsten connection count")) {
                    throw new IllegalStateException("tungsten connection count: no result set");
                }
                try (ResultSet rs = s.getResultSet()) {
                    if (!rs.next() || !"*".equals(rs.getString(1))) {
                        throw new IllegalStateException("tungsten connection count: no '*' row first");
                    }
                    reported = rs.getInt(2) - 1; // without the session that asks
                }
            }
            say("alive " + alive + "/" + n + " connector-sessions " + reported);
            await(dir.resolve("close"), deadlineNanos);
        } finally {
            for (Connection c : open) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // already broken: nothing to close
                }
            }
        }
        say("closed");
    }

    private static void selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            if (!rs.next() || rs.getInt(1) != 1) {
                throw new SQLException("SELECT 1 returned no 1");
            }
        }
    }

    private static void await(Path file, long deadlineNanos) throws InterruptedException, IOException {
        long start = System.nanoTime();
        while (!Files.exists(file)) {
            if (System.nanoTime() - start > deadlineNanos) {
                throw new IllegalStateException("no " + file + " within the deadline");
            }
            Thread.sleep(50);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
