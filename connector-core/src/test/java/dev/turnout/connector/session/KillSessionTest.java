package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code KILL} by connector connection id: a client names a session by the id the connector's
 * greeting gave it, and the connector names the server thread of that session's primary connection.
 */
class KillSessionTest {

    /** ER_NO_SUCH_THREAD. */
    private static final int UNKNOWN_THREAD = 1094;

    @Test
    void aKillOfAnotherSessionReachesTheKillersPrimaryAsAKillOfThatSessionsServerThread() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver killer = harness.connect();
            FakeConnection killersBackend = harness.server("db1").lastConnection();
            ClientDriver victim = harness.connect();
            long victimThread = harness.server("db1").lastConnection().threadId();

            killer.query("KILL " + victim.connectionId()).asOk();

            assertThat(killersBackend.commands()).containsExactly("KILL " + victimThread);
            assertThat(victim.isClosed()).isTrue(); // the server killed its connection: the session ends
            assertThat(killer.isClosed()).isFalse();
        }
    }

    @Test
    void aKillQueryIsRewrittenTheSameWayAndLeavesTheSessionOpen() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver killer = harness.connect();
            FakeConnection killersBackend = harness.server("db1").lastConnection();
            ClientDriver victim = harness.connect();
            long victimThread = harness.server("db1").lastConnection().threadId();

            killer.query("KILL QUERY " + victim.connectionId()).asOk();

            assertThat(killersBackend.commands()).containsExactly("KILL QUERY " + victimThread);
            assertThat(victim.isClosed()).isFalse();
            assertThat(victim.query("SELECT @@server_id").asRows().values()).containsExactly("1");
        }
    }

    @Test
    void aKillOfAnIdNoSessionHasIsAnsweredUnknownThreadWithoutReachingAnyServer() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver client = harness.connect();
            long nobody = client.connectionId() + 100;

            Reply.Err unknown = client.query("KILL " + nobody).asErr();
            Reply.Err unknownQuery = client.processKill(nobody).asErr();

            assertThat(unknown.code()).isEqualTo(UNKNOWN_THREAD);
            assertThat(unknown.message()).contains(String.valueOf(nobody));
            assertThat(unknownQuery.code()).isEqualTo(UNKNOWN_THREAD);
            assertThat(harness.server("db1").commands()).isEmpty();
            assertThat(client.query("SELECT 1").asRows().values()).containsExactly("db1");
        }
    }

    @Test
    void comProcessKillIsRewrittenInPlaceWithTheServerThreadId() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver killer = harness.connect();
            FakeConnection killersBackend = harness.server("db1").lastConnection();
            ClientDriver victim = harness.connect();
            long victimThread = harness.server("db1").lastConnection().threadId();

            killer.processKill(victim.connectionId()).asOk();

            assertThat(killersBackend.commands()).containsExactly("COM_PROCESS_KILL " + victimThread);
            assertThat(victim.isClosed()).isTrue();
        }
    }

    /** node mysql2's pool tests: {@code KILL id; SELECT SLEEP(0.05)} as one query. */
    @Test
    void everyKillOfAMultiStatementNamesTheServerThreadOfItsSession() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver killer = harness.connect();
            FakeConnection killersBackend = harness.server("db1").lastConnection();
            ClientDriver victim = harness.connect();
            long victimThread = harness.server("db1").lastConnection().threadId();
            long nobody = victim.connectionId() + 100;

            killer.query("KILL QUERY " + victim.connectionId() + "; SELECT SLEEP(0.05); /* KILL 1 */ kill "
                            + victim.connectionId() + "; KILL 4242; KILL " + nobody)
                    .asOk(); // the fake answers a multi-statement with one OK

            assertThat(killersBackend.commands())
                    .containsExactly("KILL QUERY " + victimThread + "; SELECT SLEEP(0.05); /* KILL 1 */ kill "
                            + victimThread + "; KILL 4242; KILL 0");
        }
    }

    /** A KILL the connector answers waits for the responses to the commands pipelined before it. */
    @Test
    void aKillAnsweredHereComesAfterTheResponsesBeforeIt() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver client = harness.connect();
            long nobody = client.connectionId() + 100;
            harness.server("db1").holdAnswers();
            client.sendQuery("DO 1");
            client.sendQuery("KILL " + nobody);
            client.sendQuery("DO 2");
            harness.settle();
            harness.server("db1").answerHeld();
            harness.settle();

            List<Reply> replies = client.takeReplies();
            assertThat(replies).hasSize(3);
            replies.get(0).asOk();
            assertThat(replies.get(1).asErr().code()).isEqualTo(UNKNOWN_THREAD);
            replies.get(2).asOk();
            assertThat(harness.server("db1").commands()).containsExactly("DO 1", "DO 2");
        }
    }

    /** Statement.cancel() of a read running on a replica: the KILL QUERY goes to that replica. */
    @Test
    void aKillQueryOfAReadOnAReplicaStopsItOnThatReplica() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver victim = harness.connect();
            assertThat(victim.query("SELECT 1").asRows().values()).containsExactly("db2");
            long victimReplicaThread = harness.server("db2").lastConnection().threadId();
            ClientDriver killer = harness.connect();

            killer.query("KILL QUERY " + victim.connectionId()).asOk();

            FakeConnection killersReplicaConnection = harness.server("db2").lastConnection();
            assertThat(killersReplicaConnection.threadId()).isNotEqualTo(victimReplicaThread);
            assertThat(killersReplicaConnection.commands()).containsExactly("KILL QUERY " + victimReplicaThread);
            assertThat(victim.isClosed()).isFalse();

            // Once its commands go to the primary again, a KILL QUERY names its primary thread there.
            victim.query("BEGIN").asOk();
            long victimPrimaryThread =
                    harness.server("db1").connections().get(0).threadId();
            killer.query("KILL QUERY " + victim.connectionId()).asOk();
            assertThat(harness.server("db1").commands()).endsWith("KILL QUERY " + victimPrimaryThread);
        }
    }

    /**
     * In a multi-statement (which runs on the killer's primary) a KILL QUERY of a read running on a
     * replica names the victim's primary thread: the replica's thread id would be some other thread
     * of the primary.
     */
    @Test
    void aKillQueryInAMultiStatementNeverNamesAReplicasThreadOnThePrimary() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver victim = harness.connect();
            long victimPrimaryThread = harness.server("db1").lastConnection().threadId();
            assertThat(victim.query("SELECT 1").asRows().values()).containsExactly("db2");
            ClientDriver killer = harness.connect();
            FakeConnection killersPrimary = harness.server("db1").lastConnection();

            killer.query("KILL QUERY " + victim.connectionId() + "; DO 1").asOk();

            assertThat(killersPrimary.commands()).containsExactly("KILL QUERY " + victimPrimaryThread + "; DO 1");
            assertThat(victim.isClosed()).isFalse();
        }
    }

    @Test
    void aKillOfAServerThreadIdGoesToThePrimaryUnchanged() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver client = harness.connect();

            client.query("KILL 4242").asOk();

            assertThat(harness.server("db1").commands()).containsExactly("KILL 4242");
        }
    }
}
