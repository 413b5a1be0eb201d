package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A login the primary authenticates itself (an account whose plugin the connector cannot verify):
 * the primary's auth switch reaches the client, the client's answer the primary; the session keeps
 * that one connection for everything, and ends with 1927 when it would need another.
 */
class RelayedLoginSessionTest {

    private static final int CANNOT_REAUTHENTICATE = 1927;

    @Test
    void theClientAnswersThePrimarysOwnPluginAndEveryStatementRunsThereEvenReadsThatWouldBeSplit() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .withRelayedAccount()
                .start()) {
            ClientDriver client =
                    harness.connect(SessionHarness.RELAYED_USER, SessionHarness.PASSWORD, SessionHarness.DATABASE);
            assertThat(client.loginReply()).isInstanceOf(Reply.Ok.class);

            assertThat(client.query("SELECT @@server_id").asRows().values()).containsExactly("1");
            assertThat(client.query("SELECT 1").asRows().values()).hasSize(1);
            assertThat(harness.server("db2").connections()).isEmpty();
            assertThat(harness.server("db1").connections()).hasSize(1);

            // The application user's read on the same connector does go to the replica.
            ClientDriver app = harness.connect();
            assertThat(app.query("SELECT @@server_id").asRows().values()).containsExactly("2");
        }
    }

    @Test
    void aWrongAnswerGetsThePrimarysRefusalAs1045() {
        try (SessionHarness harness =
                SessionHarness.cluster("db1", "db2").withRelayedAccount().start()) {
            ClientDriver client = harness.connect(SessionHarness.RELAYED_USER, "wrong", SessionHarness.DATABASE);

            assertThat(client.loginReply())
                    .isInstanceOfSatisfying(
                            Reply.Err.class, err -> assertThat(err.code()).isEqualTo(1045));
            assertThat(harness.server("db1").openConnections()).isZero();
        }
    }

    @Test
    void whenThePrimaryMovesTheSessionEndsWith1927AndIsNotLoggedInElsewhereWithoutTheClient() {
        try (SessionHarness harness =
                SessionHarness.cluster("db1", "db2").withRelayedAccount().start()) {
            ClientDriver client =
                    harness.connect(SessionHarness.RELAYED_USER, SessionHarness.PASSWORD, SessionHarness.DATABASE);
            assertThat(client.loginReply()).isInstanceOf(Reply.Ok.class);
            client.query("SET NAMES utf8mb4").asOk();

            harness.promote("db2");
            Reply.Err ended = client.query("INSERT INTO t VALUES (1)").asErr();

            assertThat(ended.code()).isEqualTo(CANNOT_REAUTHENTICATE);
            assertThat(ended.message()).contains("reconnect");
            assertThat(client.isClosed()).isTrue();
            assertThat(harness.server("db2").commands()).isEmpty();
            assertThat(harness.server("db2").openConnections()).isZero();
            assertThat(harness.server("db1").openConnections()).isZero();
        }
    }

    @Test
    void aClientThatNeverAnswersThePrimarysAuthSwitchIsClosedAfterTheHandshakeTimeout() {
        try (SessionHarness harness = SessionHarness.cluster("db1")
                .with("connector-handshake-timeout=2s")
                .withRelayedAccount()
                .start()) {
            ClientDriver client = harness.connect(
                    SessionHarness.RELAYED_USER, SessionHarness.PASSWORD, SessionHarness.DATABASE, true);
            assertThat(client.isClosed()).isFalse();
            assertThat(harness.server("db1").openConnections()).isEqualTo(1);

            harness.advance(Duration.ofSeconds(2));

            assertThat(client.isClosed()).isTrue();
            assertThat(harness.server("db1").openConnections()).isZero();
        }
    }
}
