package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * OFFLINE, as a manager's {@code state} message sets it: idle sessions are closed, a statement that
 * is running finishes and is answered before its session closes, and new logins are refused.
 */
class OfflineSessionTest {

    @Test
    void anIdleSessionIsClosedAtOnce() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver idle = harness.connect();
            idle.query("SET NAMES utf8mb4").asOk();

            harness.offline();

            assertThat(idle.isClosed()).isTrue();
            assertThat(harness.server("db1").commands()).containsExactly("SET NAMES utf8mb4", "COM_QUIT");
        }
    }

    @Test
    void aRunningStatementFinishesAndIsAnsweredBeforeItsSessionCloses() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver busy = harness.connect();
            harness.server("db1").holdAnswers();
            busy.sendQuery("UPDATE t SET v = v + 1");
            harness.settle();

            harness.offline();

            assertThat(busy.isClosed()).as("open while its statement runs").isFalse();
            assertThat(busy.takeReplies()).isEmpty();
            harness.server("db1").answerHeld();
            harness.settle();
            assertThat(busy.takeReply().asOk().affectedRows()).isEqualTo(1);
            assertThat(busy.isClosed()).as("closed once answered").isTrue();
            assertThat(harness.server("db1").commands()).containsExactly("UPDATE t SET v = v + 1", "COM_QUIT");
        }
    }

    @Test
    void aNewLoginIsRefusedWithTheOfflineError() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            harness.offline();

            ClientDriver late = harness.connect(SessionHarness.USER, SessionHarness.PASSWORD, SessionHarness.DATABASE);

            assertThat(late.loginReply())
                    .isInstanceOfSatisfying(
                            Reply.Err.class, err -> assertThat(err.message()).contains("connector is OFFLINE"));
        }
    }
}
