package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.routing.topology.DatasourceState;
import org.junit.jupiter.api.Test;

/** Where a session's statements run: read/write splitting by quality of service, transaction and statement. */
class RoutingSessionTest {

    @Test
    void everyStatementRunsOnThePrimaryWithRwStrict() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2", "db3")
                .with("connector-qos=RW_STRICT")
                .start()) {
            ClientDriver client = harness.connect();

            client.query("SET NAMES utf8mb4").asOk();
            assertThat(client.query("SELECT name FROM t").asRows().values()).containsExactly("db1");
            assertThat(client.query("INSERT INTO t VALUES (1)").asOk().affectedRows())
                    .isEqualTo(1);
            assertThat(client.query("SELECT @@server_id").asRows().values()).containsExactly("1");

            assertThat(harness.server("db1").commands())
                    .containsExactly(
                            "SET NAMES utf8mb4",
                            "SELECT name FROM t",
                            "INSERT INTO t VALUES (1)",
                            "SELECT @@server_id");
            assertThat(harness.server("db2").connections()).isEmpty();
            assertThat(harness.server("db3").connections()).isEmpty();
        }
    }

    @Test
    void aPlainAutocommitSelectGoesToAReplicaWithRoRelaxed() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();

            assertThat(client.query("SELECT @@server_id").asRows().values()).containsExactly("2");

            assertThat(harness.server("db2").commands()).containsExactly("SELECT @@server_id");
            assertThat(harness.server("db1").commands()).isEmpty();
        }
    }

    @Test
    void readsAreSpreadOverTheReplicasAndNeverReachThePrimary() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2", "db3")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver first = harness.connect();
            ClientDriver second = harness.connect();

            String one = first.query("SELECT @@server_id").asRows().values().get(0);
            String two = second.query("SELECT @@server_id").asRows().values().get(0);

            assertThat(one).isIn("2", "3");
            assertThat(two).isIn("2", "3");
            assertThat(harness.server("db1").commands()).isEmpty();
        }
    }

    @Test
    void writesGoToThePrimaryWithRoRelaxed() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();

            client.query("INSERT INTO t VALUES (1)").asOk();
            client.query("UPDATE t SET v = 2 WHERE id = 1").asOk();
            client.query("DELETE FROM t WHERE id = 1").asOk();

            assertThat(harness.server("db1").commands())
                    .containsExactly(
                            "INSERT INTO t VALUES (1)",
                            "UPDATE t SET v = 2 WHERE id = 1",
                            "DELETE FROM t WHERE id = 1");
            assertThat(harness.server("db2").connections()).isEmpty();
        }
    }

    @Test
    void everyStatementOfATransactionRunsOnThePrimaryEvenItsReads() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();

            client.query("BEGIN").asOk();
            assertThat(client.query("SELECT name FROM t").asRows().values()).containsExactly("db1");
            client.query("UPDATE t SET v = 2 WHERE id = 1").asOk();
            client.query("COMMIT").asOk();
            assertThat(client.query("SELECT name FROM t").asRows().values()).containsExactly("db2");

            assertThat(harness.server("db1").commands())
                    .containsExactly("BEGIN", "SELECT name FROM t", "UPDATE t SET v = 2 WHERE id = 1", "COMMIT");
            assertThat(harness.server("db2").commands()).containsExactly("SELECT name FROM t");
        }
    }

    @Test
    void readsStayOnThePrimaryWhileAutocommitIsOff() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();

            client.query("SET autocommit=0").asOk();
            client.query("SELECT name FROM t").asRows();
            client.query("COMMIT").asOk();
            client.query("SELECT name FROM t").asRows();

            assertThat(harness.server("db1").commands())
                    .containsExactly("SET autocommit=0", "SELECT name FROM t", "COMMIT", "SELECT name FROM t");
            assertThat(harness.server("db2").connections()).isEmpty();
        }
    }

    @Test
    void aLockingReadGoesToThePrimary() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();

            client.query("SELECT name FROM t WHERE id = 1 FOR UPDATE").asRows();
            client.query("SELECT name FROM t WHERE id = 1 LOCK IN SHARE MODE").asRows();

            assertThat(harness.server("db1").commands())
                    .containsExactly(
                            "SELECT name FROM t WHERE id = 1 FOR UPDATE",
                            "SELECT name FROM t WHERE id = 1 LOCK IN SHARE MODE");
            assertThat(harness.server("db2").connections()).isEmpty();
        }
    }

    @Test
    void sessionCommandsRunOnThePrimaryAndAreReplayedInOrderOnTheReplicaBeforeItsFirstRead() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();

            client.query("SET NAMES utf8mb4").asOk();
            client.query("USE shop").asOk();
            client.query("SET sql_mode = 'ANSI'").asOk();
            client.initDb("shop2").asOk();
            assertThat(harness.server("db2").connections()).isEmpty();
            client.query("SELECT name FROM t").asRows();

            assertThat(harness.server("db1").commands())
                    .containsExactly("SET NAMES utf8mb4", "USE shop", "SET sql_mode = 'ANSI'", "COM_INIT_DB shop2");
            assertThat(harness.server("db2").commands())
                    .containsExactly(
                            "SET NAMES utf8mb4",
                            "USE shop",
                            "SET sql_mode = 'ANSI'",
                            "COM_INIT_DB shop2",
                            "SELECT name FROM t");
        }
    }

    @Test
    void aReplicaReplaysOnlyTheSessionCommandsItHasNotSeen() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();

            client.query("SET NAMES utf8mb4").asOk();
            client.query("SELECT name FROM t").asRows();
            client.query("SET time_zone = '+00:00'").asOk();
            client.query("SELECT name FROM t").asRows();
            client.query("SELECT name FROM t").asRows();

            assertThat(harness.server("db2").commands())
                    .containsExactly(
                            "SET NAMES utf8mb4",
                            "SELECT name FROM t",
                            "SET time_zone = '+00:00'",
                            "SELECT name FROM t",
                            "SELECT name FROM t");
        }
    }

    @Test
    void readsLeaveAReplicaTheTopologyTakesOutOfServiceAndComeBackWhenItIsOnlineAgain() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();
            assertThat(client.query("SELECT name FROM t").asRows().values()).containsExactly("db2");

            harness.setState("db2", DatasourceState.OFFLINE);
            assertThat(client.query("SELECT name FROM t").asRows().values()).containsExactly("db1");

            harness.setState("db2", DatasourceState.ONLINE);
            assertThat(client.query("SELECT name FROM t").asRows().values()).containsExactly("db2");
            assertThat(harness.server("db2").commands()).containsExactly("SELECT name FROM t", "SELECT name FROM t");
        }
    }

    @Test
    void aReplicaThatRefusesTheSessionStateServesNoReadsAndThePrimaryAnswers() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            harness.server("db2").failWith("SET sql_mode = 'ANSI'", 1231, "42000", "Variable 'sql_mode' can't be set");
            ClientDriver client = harness.connect();

            client.query("SET sql_mode = 'ANSI'").asOk();
            assertThat(client.query("SELECT name FROM t").asRows().values()).containsExactly("db1");

            assertThat(harness.server("db2").commands()).containsExactly("SET sql_mode = 'ANSI'", "COM_QUIT");
            assertThat(harness.server("db2").openConnections()).isZero();
            assertThat(harness.server("db1").commands()).containsExactly("SET sql_mode = 'ANSI'", "SELECT name FROM t");
        }
    }
}
