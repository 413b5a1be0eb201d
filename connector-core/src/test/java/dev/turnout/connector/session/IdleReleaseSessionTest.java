package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * connector-idle-release: a session idle between one and two intervals lets its backend connections
 * go when its state can be rebuilt from its history, and reconnects at its next statement.
 */
class IdleReleaseSessionTest {

    private static final String ONE_SECOND = "connector-idle-release=1s";

    @Test
    void anIdleSessionQuitsItsConnectionAndItsNextStatementReconnectsToThePrimaryWithItsStateReplayed() {
        try (SessionHarness harness =
                SessionHarness.cluster("db1", "db2").with(ONE_SECOND).start()) {
            ClientDriver client = harness.connect();
            client.query("SET NAMES utf8mb4").asOk();
            client.query("USE shop").asOk();
            FakeConnection first = harness.server("db1").lastConnection();

            harness.advance(Duration.ofMillis(1500));
            assertThat(first.isOpen()).isTrue();

            harness.advance(Duration.ofMillis(1000));
            assertThat(first.isOpen()).isFalse();
            assertThat(first.commands()).containsExactly("SET NAMES utf8mb4", "USE shop", "COM_QUIT");
            assertThat(client.isClosed()).isFalse();
            assertThat(client.takeReplies()).isEmpty();

            assertThat(client.query("SELECT @@server_id").asRows().values()).containsExactly("1");

            assertThat(harness.server("db1").connections()).hasSize(2);
            assertThat(harness.server("db1").lastConnection().commands())
                    .containsExactly("SET NAMES utf8mb4", "USE shop", "SELECT @@server_id");
            assertThat(harness.server("db2").connections()).isEmpty();
        }
    }

    @Test
    void anIdleSessionAlsoQuitsItsReplicaConnection() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with(ONE_SECOND)
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();
            client.query("SET NAMES utf8mb4").asOk();
            client.query("SELECT name FROM t").asRows();

            harness.advance(Duration.ofMillis(2500));

            assertThat(harness.server("db1").openConnections()).isZero();
            assertThat(harness.server("db2").openConnections()).isZero();
            assertThat(harness.server("db2").commands()).endsWith("COM_QUIT");

            assertThat(client.query("SELECT name FROM t").asRows().values()).containsExactly("db2");
            assertThat(harness.server("db2").lastConnection().commands())
                    .containsExactly("SET NAMES utf8mb4", "SELECT name FROM t");
        }
    }

    @Test
    void aSessionThatKeepsRunningStatementsIsNotReleased() {
        try (SessionHarness harness =
                SessionHarness.cluster("db1").with(ONE_SECOND).start()) {
            ClientDriver client = harness.connect();

            for (int i = 0; i < 5; i++) {
                harness.advance(Duration.ofMillis(900));
                client.query("SELECT @@server_id").asRows();
            }

            assertThat(harness.server("db1").connections()).hasSize(1);
            assertThat(harness.server("db1").openConnections()).isEqualTo(1);
        }
    }

    @Test
    void aSessionInsideATransactionIsNotReleased() {
        try (SessionHarness harness =
                SessionHarness.cluster("db1").with(ONE_SECOND).start()) {
            ClientDriver client = harness.connect();
            client.query("BEGIN").asOk();

            harness.advance(Duration.ofSeconds(5));

            assertThat(harness.server("db1").openConnections()).isEqualTo(1);
            client.query("COMMIT").asOk();
            assertThat(harness.server("db1").connections()).hasSize(1);
            assertThat(harness.server("db1").commands()).containsExactly("BEGIN", "COMMIT");
        }
    }

    @Test
    void aSessionThatAssignedAUserVariableInASelectIsNotReleased() {
        try (SessionHarness harness =
                SessionHarness.cluster("db1").with(ONE_SECOND).start()) {
            ClientDriver client = harness.connect();
            client.query("SELECT @v := 1").asRows();

            harness.advance(Duration.ofSeconds(5));

            assertThat(harness.server("db1").openConnections()).isEqualTo(1);
            assertThat(harness.server("db1").commands()).containsExactly("SELECT @v := 1");
        }
    }

    @Test
    void aKillQueryOfAReleasedSessionIsAnsweredOkAndAKillEndsIt() {
        try (SessionHarness harness =
                SessionHarness.cluster("db1").with(ONE_SECOND).start()) {
            ClientDriver idle = harness.connect();
            harness.advance(Duration.ofMillis(2500));
            ClientDriver killer = harness.connect();
            assertThat(harness.server("db1").openConnections()).isEqualTo(1);

            killer.query("KILL QUERY " + idle.connectionId()).asOk();
            assertThat(idle.isClosed()).isFalse();

            killer.query("KILL " + idle.connectionId()).asOk();
            assertThat(idle.isClosed()).isTrue();
            assertThat(harness.server("db1").commands()).containsExactly("COM_QUIT"); // the release; no KILL reached it
        }
    }

    @Test
    void aSessionWhoseHeldCommandTheConnectorAnsweredItselfIsReleasedWhenIdle() {
        try (SessionHarness harness =
                SessionHarness.cluster("db1", "db2").with(ONE_SECOND).start()) {
            ClientDriver client = harness.connect();
            FakeConnection primary = harness.server("db1").lastConnection();
            harness.hold();
            client.sendQuery("tungsten help");
            harness.settle();
            harness.release();
            assertThat(client.takeReply()).isInstanceOf(Reply.Rows.class);

            harness.advance(Duration.ofMillis(2500));

            assertThat(primary.isOpen()).isFalse();
            assertThat(primary.commands()).containsExactly("COM_QUIT");
        }
    }
}
