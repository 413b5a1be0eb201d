package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mysql.cj.jdbc.JdbcConnection;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many client sessions open at once through one connector (two event loops): each gets its own
 * backend connection on the primary, and they all work concurrently.
 */
class ConcurrencyIT {

    private static final int CLIENTS = 200;
    private static final long OPEN_WAIT_SECONDS = 60;

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    /** What one client saw: the server it ran on, its backend thread id, and the connector's id for it. */
    private record Session(long serverId, long backendConnectionId, long clientConnectionId) {}

    private static long clientConnectionId(Driver driver, Connection c) throws SQLException {
        return switch (driver) {
            case MYSQL -> c.unwrap(JdbcConnection.class).getId();
            case MARIADB -> c.unwrap(org.mariadb.jdbc.Connection.class).getThreadId();
        };
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    @Timeout(120)
    void servesTwoHundredConcurrentSessions(Driver driver) throws Exception {
        String t = "ccit_" + driver.name().toLowerCase(Locale.ROOT);
        try (Connection c = turnout.connect(driver, "");
                Statement s = c.createStatement()) {
            s.execute("drop table if exists " + t);
            s.execute("create table " + t + " (client int primary key, backend_id bigint not null)");
        }
        CountDownLatch allOpen = new CountDownLatch(CLIENTS);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Session>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                futures.add(pool.submit(() -> {
                    try (Connection c = turnout.connect(driver, "")) {
                        Session session;
                        try (Statement s = c.createStatement();
                                ResultSet rs = s.executeQuery("select @@server_id, connection_id()")) {
                            rs.next();
                            session = new Session(rs.getLong(1), rs.getLong(2), clientConnectionId(driver, c));
                        }
                        try (PreparedStatement insert = c.prepareStatement("insert into " + t + " values (?, ?)")) {
                            insert.setInt(1, client);
                            insert.setLong(2, session.backendConnectionId());
                            insert.executeUpdate();
                        }
                        allOpen.countDown();
                        if (!allOpen.await(OPEN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("only " + (CLIENTS - allOpen.getCount())
                                    + " sessions were open together after " + OPEN_WAIT_SECONDS + " s");
                        }
                        // Still usable while every other session is open too.
                        assertThat(ConnectorHarness.queryLong(c, "select connection_id()"))
                                .isEqualTo(session.backendConnectionId());
                        return session;
                    }
                }));
            }
            List<Session> sessions = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (Future<Session> future : futures) {
                try {
                    sessions.add(future.get(OPEN_WAIT_SECONDS + 30, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    failures.add(String.valueOf(e.getCause()));
                }
            }
            assertThat(failures).as("clients that failed").isEmpty();
            assertThat(sessions)
                    .hasSize(CLIENTS)
                    .allSatisfy(session -> assertThat(session.serverId()).isEqualTo(turnout.primaryServerId()));
            Set<Long> backendIds = new HashSet<>();
            Set<Long> clientIds = new HashSet<>();
            sessions.forEach(session -> {
                backendIds.add(session.backendConnectionId());
                clientIds.add(session.clientConnectionId());
            });
            assertThat(backendIds).as("distinct backend connection ids").hasSize(CLIENTS);
            assertThat(clientIds)
                    .as("distinct connection ids given by the connector")
                    .hasSize(CLIENTS);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS))
                    .as("client threads ended")
                    .isTrue();
        }
        // Every closed client session is gone from the connector (with its backend connection).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (turnout.server().activeSessions() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(turnout.server().activeSessions())
                .as("sessions still open on the connector")
                .isZero();
        try (Connection c = turnout.connect(driver, "");
                Statement s = c.createStatement()) {
            assertThat(ConnectorHarness.queryLong(c, "select count(*) from " + t))
                    .isEqualTo(CLIENTS);
            assertThat(ConnectorHarness.queryLong(c, "select count(distinct backend_id) from " + t))
                    .isEqualTo(CLIENTS);
            s.execute("drop table " + t);
        }
    }
}
