package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The primary's connection closes under a session: a dead server (new connections refused) fails
 * only the statement in flight and the session waits for a primary; a live server (the connection
 * was killed) ends the session.
 */
class PrimaryFailureSessionTest {

    /** ER_UNKNOWN_ERROR with SQLSTATE HY000: the driver keeps the connection (ErrorCode.PRIMARY_FAILED). */
    private static final int PRIMARY_FAILED = 1105;
    /** ER_CONNECTION_KILLED, what the connector answers when it lost the backend during a command. */
    private static final int SERVER_LOST = 1927;

    @Test
    void aPrimaryThatDiesDuringAStatementFailsThatStatementAloneAndTheNextStatementWaitsForTheNewMaster() {
        try (SessionHarness harness =
                SessionHarness.cluster("db1", "db2", "db3").start()) {
            ClientDriver client = harness.connect();
            client.query("SET NAMES utf8mb4").asOk();
            harness.server("db1").holdAnswers();
            client.sendQuery("INSERT INTO t VALUES (1)");
            harness.settle();
            assertThat(harness.server("db1").commands()).endsWith("INSERT INTO t VALUES (1)");

            harness.server("db1").crash();
            harness.settle();

            Reply.Err failed = client.takeReply().asErr();
            assertThat(failed.code()).isEqualTo(PRIMARY_FAILED);
            assertThat(failed.sqlState()).isEqualTo("HY000");
            assertThat(failed.message()).contains("db1", "failed during the statement");
            assertThat(client.isClosed()).isFalse();

            client.sendQuery("SELECT @@server_id");
            harness.settle();
            assertThat(client.takeReplies()).isEmpty();
            assertThat(harness.server("db2").connections()).isEmpty();
            assertThat(harness.server("db3").connections()).isEmpty();

            harness.promote("db2");

            assertThat(client.takeReply().asRows().values()).containsExactly("2");
            assertThat(harness.server("db2").commands()).containsExactly("SET NAMES utf8mb4", "SELECT @@server_id");
            assertThat(harness.server("db3").connections()).isEmpty();
        }
    }

    @Test
    void aStatementThatFindsNoPrimaryWithinTheFailoverWaitGetsAnErrorAndTheNextOneRunsWhenThePrimaryIsBack() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-failover-wait=2s")
                .start()) {
            ClientDriver client = harness.connect();
            client.query("SET NAMES utf8mb4").asOk();
            harness.server("db1").crash();
            harness.settle();
            assertThat(client.takeReplies()).isEmpty(); // nothing was in flight
            assertThat(client.isClosed()).isFalse();

            client.sendQuery("SELECT @@server_id");
            harness.advance(Duration.ofMillis(1900));
            assertThat(client.takeReplies()).isEmpty();

            harness.advance(Duration.ofMillis(300));

            Reply.Err timedOut = client.takeReply().asErr();
            assertThat(timedOut.code()).isEqualTo(PRIMARY_FAILED);
            assertThat(timedOut.message()).contains("no primary available", "within 2000 ms");
            assertThat(client.isClosed()).isFalse();

            harness.server("db1").comeBack();
            assertThat(client.query("SELECT @@server_id").asRows().values()).containsExactly("1");
            assertThat(harness.server("db1").lastConnection().commands())
                    .containsExactly("SET NAMES utf8mb4", "SELECT @@server_id");
            assertThat(harness.server("db2").connections()).isEmpty();
        }
    }

    @Test
    void aPrimaryConnectionClosedWhileTheServerIsUpEndsAnIdleSessionAsAKilledConnectionDoes() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2").start()) {
            ClientDriver client = harness.connect();
            client.query("SET NAMES utf8mb4").asOk();

            harness.server("db1").closeConnections();
            harness.settle();

            assertThat(client.isClosed()).isTrue();
            assertThat(client.takeReplies()).isEmpty();
            assertThat(harness.server("db1").openConnections()).isZero();
            assertThat(harness.server("db2").connections()).isEmpty();
        }
    }

    @Test
    void aPrimaryConnectionClosedDuringAStatementWhileTheServerIsUpEndsTheSessionWithServerLost() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver client = harness.connect();
            harness.server("db1").holdAnswers();
            client.sendQuery("UPDATE t SET v = 2");
            harness.settle();

            harness.server("db1").closeConnections();
            harness.settle();

            assertThat(client.takeReply().asErr().code()).isEqualTo(SERVER_LOST);
            assertThat(client.isClosed()).isTrue();
        }
    }

    @Test
    void aReplicaThatDiesDuringAReadEndsTheSessionWithServerLost() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();
            client.query("SELECT name FROM t").asRows();
            harness.server("db2").holdAnswers();
            client.sendQuery("SELECT name FROM t");
            harness.settle();

            harness.server("db2").crash();
            harness.settle();

            assertThat(client.takeReply().asErr().code()).isEqualTo(SERVER_LOST);
            assertThat(client.isClosed()).isTrue();
        }
    }

    @Test
    void readsLeaveAReplicaThatDiedWhileIdleAndGoToThePrimary() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();
            assertThat(client.query("SELECT name FROM t").asRows().values()).containsExactly("db2");
            client.query("INSERT INTO t VALUES (1)").asOk();

            harness.server("db2").crash();
            harness.settle();

            assertThat(client.isClosed()).isFalse();
            assertThat(client.takeReplies()).isEmpty();
            assertThat(client.query("SELECT name FROM t").asRows().values()).containsExactly("db1");
        }
    }

    @Test
    void aSessionGoesOnWhenTheReplicaItsLastReadRanOnDiesWhileIdle() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();
            assertThat(client.query("SELECT name FROM t").asRows().values()).containsExactly("db2");

            harness.server("db2").crash();
            harness.settle();

            assertThat(client.isClosed()).isFalse();
            assertThat(client.takeReplies()).isEmpty();
            assertThat(client.query("SELECT name FROM t").asRows().values()).containsExactly("db1");
        }
    }
}
