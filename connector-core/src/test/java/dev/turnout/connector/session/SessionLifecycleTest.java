package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A session from login to its end: authentication, pipelined commands, size limits, COM_QUIT and disconnects. */
class SessionLifecycleTest {

    /** ER_ACCESS_DENIED_ERROR. */
    private static final int ACCESS_DENIED = 1045;
    /** CR_CONN_HOST_ERROR, as the connector reports a primary it cannot reach. */
    private static final int NO_PRIMARY = 1218;
    /** ER_NET_PACKET_TOO_LARGE. */
    private static final int PACKET_TOO_LARGE = 1153;

    @Test
    void aClientLogsInAndThePrimaryConnectionLogsInWithTheConfiguredUserAndTheClientsDatabase() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2").start()) {
            ClientDriver client = harness.connect();

            assertThat(client.loginReply()).isInstanceOf(Reply.Ok.class);
            assertThat(harness.server("db1").connections()).hasSize(1);
            assertThat(harness.server("db1").lastConnection().login().username())
                    .isEqualTo(SessionHarness.USER);
            assertThat(harness.server("db1").lastConnection().login().database())
                    .isEqualTo(SessionHarness.DATABASE);
            assertThat(harness.server("db2").connections()).isEmpty();
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithAccessDeniedAndOpensNoBackend() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver client = harness.connect(SessionHarness.USER, "not-the-password", SessionHarness.DATABASE);

            Reply.Err denied = client.loginReply().asErr();
            assertThat(denied.code()).isEqualTo(ACCESS_DENIED);
            assertThat(denied.sqlState()).isEqualTo("28000");
            assertThat(client.isClosed()).isTrue();
            assertThat(harness.server("db1").connections()).isEmpty();
        }
    }

    @Test
    void aLoginWhileThePrimaryRefusesConnectionsIsAnsweredNoPrimaryAvailable() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2").start()) {
            harness.server("db1").goDown();

            ClientDriver client =
                    harness.connect(SessionHarness.USER, SessionHarness.PASSWORD, SessionHarness.DATABASE);

            Reply.Err refused = client.loginReply().asErr();
            assertThat(refused.code()).isEqualTo(NO_PRIMARY);
            assertThat(refused.message()).contains("no primary available", "db1");
            assertThat(client.isClosed()).isTrue();
            assertThat(harness.server("db2").connections()).isEmpty();
        }
    }

    @Test
    void aLoginWhosePrimaryConnectionFailsInsideTheDialIsAnsweredNoPrimaryAvailable() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2").start()) {
            harness.server("db1").unresolvable();

            ClientDriver client =
                    harness.connect(SessionHarness.USER, SessionHarness.PASSWORD, SessionHarness.DATABASE);

            assertThat(client.loginReply().asErr().code()).isEqualTo(NO_PRIMARY);
            assertThat(client.isClosed()).isTrue();
        }
    }

    @Test
    void comQuitClosesTheSessionAndQuitsEveryBackendConnection() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();
            client.query("SELECT name FROM t").asRows();
            client.query("INSERT INTO t VALUES (1)").asOk();

            client.quit();

            assertThat(client.isClosed()).isTrue();
            assertThat(client.takeReplies()).isEmpty();
            assertThat(harness.server("db1").commands()).containsExactly("INSERT INTO t VALUES (1)", "COM_QUIT");
            assertThat(harness.server("db2").commands()).containsExactly("SELECT name FROM t", "COM_QUIT");
            assertThat(harness.server("db1").openConnections()).isZero();
            assertThat(harness.server("db2").openConnections()).isZero();
        }
    }

    @Test
    void aClientThatDisconnectsWhileIdleHasItsBackendQuit() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver client = harness.connect();
            client.query("SET NAMES utf8mb4").asOk();

            harness.disconnect(client);

            assertThat(harness.server("db1").commands()).containsExactly("SET NAMES utf8mb4", "COM_QUIT");
            assertThat(harness.server("db1").openConnections()).isZero();
        }
    }

    @Test
    void aClientThatDisconnectsDuringAStatementHasItsBackendClosedWithoutComQuit() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver client = harness.connect();
            harness.server("db1").holdAnswers();
            client.sendQuery("UPDATE t SET v = v + 1");
            harness.settle();

            harness.disconnect(client);

            assertThat(harness.server("db1").commands()).containsExactly("UPDATE t SET v = v + 1");
            assertThat(harness.server("db1").openConnections()).isZero();
        }
    }

    @Test
    void aPipelinedBatchOnThePrimaryIsAnsweredInOrder() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver client = harness.connect();

            client.sendQuery("BEGIN");
            client.sendQuery("INSERT INTO t VALUES (1)");
            client.sendQuery("SELECT @@server_id");
            client.sendQuery("COMMIT");
            harness.settle();

            assertThat(client.takeReplies())
                    .satisfiesExactly(
                            begin -> assertThat(begin.asOk().affectedRows()).isZero(),
                            insert -> assertThat(insert.asOk().affectedRows()).isEqualTo(1),
                            select -> assertThat(select.asRows().values()).containsExactly("1"),
                            commit -> assertThat(commit.asOk().affectedRows()).isZero());
            assertThat(harness.server("db1").commands())
                    .containsExactly("BEGIN", "INSERT INTO t VALUES (1)", "SELECT @@server_id", "COMMIT");
        }
    }

    @Test
    void aPipelinedReadBehindAWriteWaitsForItAndRunsOnTheReplica() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();

            client.sendQuery("INSERT INTO t VALUES (1)");
            client.sendQuery("SELECT @@server_id");
            client.sendQuery("INSERT INTO t VALUES (2)");
            harness.settle();

            assertThat(client.takeReplies())
                    .satisfiesExactly(
                            insert -> assertThat(insert.asOk().affectedRows()).isEqualTo(1),
                            select -> assertThat(select.asRows().values()).containsExactly("2"),
                            insert -> assertThat(insert.asOk().affectedRows()).isEqualTo(1));
            assertThat(harness.server("db1").commands())
                    .containsExactly("INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)");
            assertThat(harness.server("db2").commands()).containsExactly("SELECT @@server_id");
        }
    }

    @Test
    void aCommandLargerThanTheMaxAllowedPacketIsRefusedAndReachesNoServer() {
        try (SessionHarness harness = SessionHarness.cluster("db1")
                .with("connector-max-allowed-packet=1K")
                .start()) {
            ClientDriver client = harness.connect();
            String fits = "SELECT '" + "x".repeat(1000) + "'";
            String tooLarge = "SELECT '" + "x".repeat(1100) + "'";

            client.query(fits).asRows();
            Reply.Err refused = client.query(tooLarge).asErr();

            assertThat(refused.code()).isEqualTo(PACKET_TOO_LARGE);
            assertThat(refused.message()).contains("max_allowed_packet");
            assertThat(harness.server("db1").commands()).containsExactly(fits, "COM_QUIT");
            assertThat(client.isClosed()).isTrue();
        }
    }

    @Test
    void anInlineConnectorCommandIsAnsweredByTheConnectorItself() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver client = harness.connect();

            assertThat(client.query("tungsten help").asRows().rows()).isNotEmpty();

            assertThat(harness.server("db1").commands()).isEmpty();
        }
    }
}
