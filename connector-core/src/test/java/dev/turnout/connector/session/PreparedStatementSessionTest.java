package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Server-side prepared statements across backends: the client knows a statement by an id of the
 * connector's own, every server that runs it prepares it on first use under its own id, and each
 * command carries the id of the server it goes to. The fake servers give ids 100 × server_id + n.
 */
class PreparedStatementSessionTest {

    private static final String SELECT = "SELECT name FROM t WHERE id = ?";
    /** MYSQL_TYPE_VAR_STRING, unsigned flag clear: what the test client declares for every parameter. */
    private static final String VAR_STRING = "fd00";
    /** MYSQL_TYPE_LONGLONG. */
    private static final int LONGLONG = 0x08;

    @Test
    void aStatementPreparedOnThePrimaryRunsOnAReplicaUnderTheReplicasOwnIdAndOnThePrimaryUnderThePrimarysId() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();

            Reply.Prepared prepared = client.prepare(SELECT);
            assertThat(prepared.parameters()).isEqualTo(1);
            assertThat(prepared.columns()).isEqualTo(1);
            assertThat(prepared.statementId()).isNotEqualTo(101);
            assertThat(harness.server("db1").commands()).containsExactly("COM_STMT_PREPARE " + SELECT);
            assertThat(harness.server("db2").connections()).isEmpty();

            assertThat(client.execute(prepared.statementId(), "1").asRows().values())
                    .containsExactly("db2");
            assertThat(harness.server("db2").commands())
                    .containsExactly("COM_STMT_PREPARE " + SELECT, "COM_STMT_EXECUTE 201");

            client.query("BEGIN").asOk();
            assertThat(client.execute(prepared.statementId(), "2").asRows().values())
                    .containsExactly("db1");
            client.query("COMMIT").asOk();
            assertThat(harness.server("db1").commands())
                    .containsExactly("COM_STMT_PREPARE " + SELECT, "BEGIN", "COM_STMT_EXECUTE 101", "COMMIT");

            client.closeStatement(prepared.statementId());
            assertThat(harness.server("db1").commands()).endsWith("COM_STMT_CLOSE 101");
            assertThat(harness.server("db2").commands()).endsWith("COM_STMT_CLOSE 201");
        }
    }

    /** A {@code TUNGSTEN USE qos=RO_RELAXED} hint in a prepared read lets its executes go to a replica, as a query's does. */
    @Test
    void aPreparedReadWithAnRoRelaxedHintRunsOnAReplicaInAnRwStrictSession() {
        String hinted = "/* TUNGSTEN USE qos=RO_RELAXED */ " + SELECT;
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2").start()) {
            ClientDriver client = harness.connect();
            int relaxed = client.prepare(hinted).statementId();
            int strict = client.prepare(SELECT).statementId();

            client.execute(relaxed, "1"); // the fake answers a statement led by a comment with an OK
            assertThat(client.execute(strict, "1").asRows().values()).containsExactly("db1");

            assertThat(harness.server("db2").commands())
                    .containsExactly("COM_STMT_PREPARE " + hinted, "COM_STMT_EXECUTE 201");
            assertThat(harness.server("db1").commands()).doesNotContain("COM_STMT_EXECUTE 101");
        }
    }

    @Test
    void twoStatementsKeepTheirIdsApartOnEveryServer() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();
            int first = client.prepare(SELECT).statementId();
            int second = client.prepare("SELECT name FROM t WHERE v = ?").statementId();
            assertThat(first).isNotEqualTo(second);

            client.execute(second, "b").asRows();
            client.execute(first, "a").asRows();

            assertThat(harness.server("db1").commands())
                    .containsExactly("COM_STMT_PREPARE " + SELECT, "COM_STMT_PREPARE SELECT name FROM t WHERE v = ?");
            assertThat(harness.server("db2").commands())
                    .containsExactly(
                            "COM_STMT_PREPARE SELECT name FROM t WHERE v = ?",
                            "COM_STMT_EXECUTE 201",
                            "COM_STMT_PREPARE " + SELECT,
                            "COM_STMT_EXECUTE 202");
        }
    }

    @Test
    void anExecuteWithoutParameterTypesGetsTheTypesTheClientSentBeforeWhenItGoesToAServerThatNeverSawThem() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();
            int id = client.prepare(SELECT).statementId();
            client.query("BEGIN").asOk();
            client.execute(id, "1").asRows();
            client.query("COMMIT").asOk();

            assertThat(client.executeWithoutTypes(id, "2").asRows().values()).containsExactly("db2");

            ReceivedCommand onReplica = harness.server("db2").received().get(1);
            assertThat(onReplica).hasToString("COM_STMT_EXECUTE 201");
            assertThat(onReplica.typesBound()).isTrue();
            assertThat(onReplica.parameterTypes()).isEqualTo(VAR_STRING);
        }
    }

    @Test
    void anExecuteWithoutParameterTypesGoesAsItIsToAServerThatWasToldThem() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();
            int id = client.prepare(SELECT).statementId();
            client.execute(id, "1").asRows();

            assertThat(client.executeWithoutTypes(id, "2").asRows().values()).containsExactly("db2");

            assertThat(harness.server("db2").received())
                    .extracting(ReceivedCommand::typesBound)
                    .containsExactly(false, true, false);
        }
    }

    /**
     * MariaDB Connector/J binding a stream to a statement it has not prepared yet pipelines PREPARE,
     * SEND_LONG_DATA(-1) and EXECUTE(-1). The long data gets no response: counting one for it made
     * the session give the next PREPARE_OK's id to a statement it never registered, so a later
     * execute by that id reached the server untranslated (ERR 1243 "Unknown prepared statement handler").
     */
    @Test
    void aStatementPreparedAfterPipelinedLongDataIsKnownByItsId() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2").start()) {
            ClientDriver client = harness.connect();
            client.sendPrepare("INSERT INTO t VALUES (?)");
            client.sendLongData(-1, 0, new byte[] {1, 2, 3});
            client.sendExecute(-1, true, "blob");
            harness.settle();
            List<Reply> replies = client.takeReplies();
            assertThat(replies).hasSize(2);
            replies.get(0).asPrepared();
            replies.get(1).asOk();

            int next = client.prepare(SELECT).statementId();
            assertThat(client.execute(next, "1").asRows().values()).containsExactly("db1");
            assertThat(client.execute(next, "2").asRows().values()).containsExactly("db1");

            assertThat(harness.server("db1").commands())
                    .containsExactly(
                            "COM_STMT_PREPARE INSERT INTO t VALUES (?)",
                            "COM_STMT_SEND_LONG_DATA -1",
                            "COM_STMT_EXECUTE -1",
                            "COM_STMT_PREPARE " + SELECT,
                            "COM_STMT_EXECUTE 102",
                            "COM_STMT_EXECUTE 102");
        }
    }

    /** The same after a close sent behind a response (no response either). */
    @Test
    void aStatementPreparedAfterAPipelinedCloseOfAnUnknownStatementIsKnownByItsId() {
        try (SessionHarness harness = SessionHarness.cluster("db1").start()) {
            ClientDriver client = harness.connect();
            client.sendQuery("DO 1");
            client.closeStatement(77);
            client.takeReply().asOk();

            int id = client.prepare(SELECT).statementId();
            assertThat(client.execute(id, "1").asRows().values()).containsExactly("db1");
            assertThat(harness.server("db1").commands()).endsWith("COM_STMT_EXECUTE 101");
        }
    }

    /**
     * MySQL Connector/J sends parameter types only when they change. A replica told the old types
     * must be told the new ones with the next execute that goes there without types, or it decodes the
     * values with the old ones.
     */
    @Test
    void anExecuteWithoutTypesBringsAReplicaTheTypesTheClientChangedToOnAnotherServer() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();
            int id = client.prepare(SELECT).statementId();
            client.execute(id, "1").asRows(); // VAR_STRING, on the replica
            client.query("BEGIN").asOk();
            client.executeTyped(id, LONGLONG, "2").asRows(); // new types, on the primary
            client.query("COMMIT").asOk();

            assertThat(client.executeWithoutTypes(id, "3").asRows().values()).containsExactly("db2");

            List<ReceivedCommand> onReplica = harness.server("db2").received();
            ReceivedCommand last = onReplica.get(onReplica.size() - 1);
            assertThat(last).hasToString("COM_STMT_EXECUTE 201");
            assertThat(last.typesBound()).isTrue();
            assertThat(last.parameterTypes()).isEqualTo("0800");
        }
    }

    @Test
    void aPreparedWriteRunsOnThePrimary() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2")
                .with("connector-qos=RO_RELAXED")
                .start()) {
            ClientDriver client = harness.connect();
            int id = client.prepare("INSERT INTO t VALUES (?)").statementId();

            assertThat(client.execute(id, "7").asOk().affectedRows()).isEqualTo(1);

            assertThat(harness.server("db1").commands())
                    .containsExactly("COM_STMT_PREPARE INSERT INTO t VALUES (?)", "COM_STMT_EXECUTE 101");
            assertThat(harness.server("db2").connections()).isEmpty();
        }
    }

    @Test
    void afterASwitchAStatementIsPreparedAgainOnTheNewMasterAtItsFirstExecute() {
        try (SessionHarness harness = SessionHarness.cluster("db1", "db2").start()) {
            ClientDriver client = harness.connect();
            int id = client.prepare(SELECT).statementId();
            client.execute(id, "1").asRows();

            harness.promote("db2");

            assertThat(client.executeWithoutTypes(id, "2").asRows().values()).containsExactly("db2");
            assertThat(harness.server("db2").commands())
                    .containsExactly("COM_STMT_PREPARE " + SELECT, "COM_STMT_EXECUTE 201");
            assertThat(harness.server("db2").received().get(1).parameterTypes()).isEqualTo(VAR_STRING);
        }
    }
}
