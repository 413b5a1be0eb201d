package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * How an OFFLINE connector refuses logins so that every client can read the refusal: as a server
 * refusing a connection (too many connections, host not allowed), in place of its greeting — one
 * ERR with sequence id 0 and no SQL state, then the connection closes — and, for a client that was
 * greeted before the connector went OFFLINE, as the answer to its next packet, with the sequence
 * id it expects (an ERR out of turn is, to libmariadb, a malformed packet).
 */
class OfflineLoginTest {

    @Test
    void aConnectionToAnOfflineConnectorIsRefusedInPlaceOfTheGreeting() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            harness.offline();

            ClientDriver late = harness.connect(SessionHarness.USER, SessionHarness.PASSWORD, SessionHarness.DATABASE);

            assertThat(late.greeted()).isFalse();
            assertThat(late.loginReplySequence()).isZero();
            assertThat(late.loginReply()).isInstanceOfSatisfying(Reply.Err.class, err -> {
                assertThat(err.code()).isEqualTo(1218);
                assertThat(err.sqlState())
                        .as("no SQL state before capabilities are agreed")
                        .isEqualTo("HY000");
                assertThat(err.message()).startsWith("connector is OFFLINE");
            });
            assertThat(late.isClosed()).isTrue();
            assertThat(harness.server("db1").commands()).isEmpty();
        }
    }

    @Test
    void aClientGreetedBeforeTheConnectorWentOfflineGetsTheRefusalAsTheAnswerToItsLogin() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver slow = harness.connectHoldingLogin();
            assertThat(slow.greeted()).isTrue();

            harness.offline();
            assertThat(slow.loginReply()).as("nothing out of turn").isNull();
            assertThat(slow.isClosed()).isFalse();
            slow.sendHeldLogin();

            assertThat(slow.loginReplySequence())
                    .as("the answer to the login, sequence 1")
                    .isEqualTo(2);
            assertThat(slow.loginReply()).isInstanceOfSatisfying(Reply.Err.class, err -> {
                assertThat(err.code()).isEqualTo(1218);
                assertThat(err.sqlState()).isEqualTo("08001");
                assertThat(err.message()).startsWith("connector is OFFLINE");
            });
            assertThat(slow.isClosed()).isTrue();
            assertThat(harness.server("db1").commands()).isEmpty();
        }
    }
}
