package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A manager pushes a new master (a switch): sessions follow it at their next statement boundary. */
class MasterSwitchSessionTest {

    @Test
    void theNextStatementRunsOnTheNewMasterAfterTheSessionStateIsReplayedThereAndTheOldPrimaryIsQuit() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2").start()) {
            ClientDriver client = harness.connect();
            client.query("SET NAMES utf8mb4").asOk();
            client.query("USE shop").asOk();

            harness.promote("db2");
            assertThat(harness.server("db2").connections()).isEmpty();

            assertThat(client.query("SELECT @@server_id").asRows().values()).containsExactly("2");

            assertThat(harness.server("db2").commands())
                    .containsExactly("SET NAMES utf8mb4", "USE shop", "SELECT @@server_id");
            assertThat(harness.server("db1").commands()).containsExactly("SET NAMES utf8mb4", "USE shop", "COM_QUIT");
            assertThat(harness.server("db1").openConnections()).isZero();
            assertThat(client.query("INSERT INTO t VALUES (1)").asOk().affectedRows())
                    .isEqualTo(1);
            assertThat(harness.server("db2").commands()).endsWith("INSERT INTO t VALUES (1)");
        }
    }

    @Test
    void aSessionInsideATransactionFinishesItOnTheOldPrimaryAndMovesAfterwards() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2").start()) {
            ClientDriver client = harness.connect();
            client.query("BEGIN").asOk();

            harness.promote("db2");
            client.query("INSERT INTO t VALUES (1)").asOk();
            client.query("COMMIT").asOk();

            assertThat(harness.server("db1").commands()).containsExactly("BEGIN", "INSERT INTO t VALUES (1)", "COMMIT");
            assertThat(harness.server("db2").connections()).isEmpty();

            assertThat(client.query("SELECT @@server_id").asRows().values()).containsExactly("2");
            assertThat(harness.server("db1").commands()).endsWith("COMMIT", "COM_QUIT");
        }
    }

    @Test
    void aSessionPinnedByATemporaryTableStaysOnItsPrimary() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2").start()) {
            ClientDriver client = harness.connect();
            client.query("CREATE TEMPORARY TABLE scratch (id INT)").asOk();

            harness.promote("db2");

            assertThat(client.query("SELECT @@server_id").asRows().values()).containsExactly("1");
            assertThat(harness.server("db2").connections()).isEmpty();
            assertThat(harness.server("db1").openConnections()).isEqualTo(1);
        }
    }

    @Test
    void sessionsWaitingForTheReleaseOfASwitchRunOnTheNewMaster() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2").start()) {
            ClientDriver client = harness.connect();
            client.query("SET NAMES utf8mb4").asOk();

            harness.hold();
            client.sendQuery("INSERT INTO t VALUES (1)");
            harness.settle();
            harness.promote("db2");
            assertThat(client.takeReplies()).isEmpty();
            harness.release();

            assertThat(client.takeReply().asOk().affectedRows()).isEqualTo(1);
            assertThat(harness.server("db2").commands())
                    .containsExactly("SET NAMES utf8mb4", "INSERT INTO t VALUES (1)");
            assertThat(harness.server("db1").commands()).containsExactly("SET NAMES utf8mb4", "COM_QUIT");
        }
    }
}
