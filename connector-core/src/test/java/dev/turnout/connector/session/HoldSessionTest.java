package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ON-HOLD, as a manager sets it before a planned switch: new transactions wait, open ones finish. */
class HoldSessionTest {

    @Test
    void aStatementOutsideATransactionWaitsWhileOnHoldAndRunsAfterTheRelease() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();
            client.query("SET NAMES utf8mb4").asOk();

            harness.hold();
            client.sendQuery("INSERT INTO t VALUES (1)");
            client.sendQuery("SELECT name FROM t");
            harness.settle();

            assertThat(client.takeReplies()).isEmpty();
            assertThat(harness.server("db1").commands()).containsExactly("SET NAMES utf8mb4");
            assertThat(harness.server("db2").connections()).isEmpty();

            harness.release();

            assertThat(client.takeReplies())
                    .hasSize(2)
                    .satisfiesExactly(
                            insert -> assertThat(insert.asOk().affectedRows()).isEqualTo(1),
                            select -> assertThat(select.asRows().values()).containsExactly("db2"));
            assertThat(harness.server("db1").commands())
                    .containsExactly("SET NAMES utf8mb4", "INSERT INTO t VALUES (1)");
            assertThat(harness.server("db2").commands()).containsExactly("SET NAMES utf8mb4", "SELECT name FROM t");
        }
    }

    @Test
    void aSessionInsideATransactionGoesOnWhileOnHoldUntilTheTransactionEnds() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver client = harness.connect();
            client.query("BEGIN").asOk();

            harness.hold();
            client.query("INSERT INTO t VALUES (1)").asOk();
            client.query("COMMIT").asOk();
            client.sendQuery("SELECT name FROM t");
            harness.settle();

            assertThat(client.takeReplies()).isEmpty();
            assertThat(harness.server("db1").commands()).containsExactly("BEGIN", "INSERT INTO t VALUES (1)", "COMMIT");

            harness.release();

            assertThat(client.takeReply().asRows().values()).containsExactly("db1");
            assertThat(harness.server("db1").commands()).endsWith("SELECT name FROM t");
        }
    }

    @Test
    void everyHeldSessionGoesOnAtTheRelease() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver first = harness.connect();
            ClientDriver second = harness.connect();

            harness.hold();
            first.sendQuery("SELECT @@server_id");
            second.sendQuery("SELECT @@server_id");
            harness.settle();
            assertThat(first.takeReplies()).isEmpty();
            assertThat(second.takeReplies()).isEmpty();

            harness.release();

            assertThat(first.takeReply().asRows().values()).containsExactly("1");
            assertThat(second.takeReply().asRows().values()).containsExactly("1");
        }
    }
}
