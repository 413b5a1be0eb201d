package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code KILL} by connector connection id: a client names a session by the id the connector's
 * greeting gave it, and the connector names the server thread of that session's primary connection.
 */
class KillSessionTest {

    /** ER_NO_SUCH_THREAD. */
    private static final int UNKNOWN_THREAD = 1094;

    @Test
    void aKillOfAnotherSessionReachesTheKillersPrimaryAsKillConnectionOfThatSessionsServerThread() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver killer = harness.connect();
            FakeConnection killersBackend = harness.server("db1").lastConnection();
            ClientDriver victim = harness.connect();
            long victimThread = harness.server("db1").lastConnection().threadId();

            killer.query("KILL " + victim.connectionId()).asOk();

            assertThat(killersBackend.commands()).containsExactly("KILL CONNECTION " + victimThread);
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

    @Test
    void aKillOfAServerThreadIdGoesToThePrimaryUnchanged() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver client = harness.connect();

            client.query("KILL 4242").asOk();

            assertThat(harness.server("db1").commands()).containsExactly("KILL 4242");
        }
    }
}
