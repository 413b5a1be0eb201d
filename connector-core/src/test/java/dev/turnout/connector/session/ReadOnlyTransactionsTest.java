package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.session.ReadOnlyTransactions.Inside;
import dev.turnout.protocol.classify.StatementClassifier;
import dev.turnout.routing.policy.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where each kind of statement goes inside a read-only transaction on a replica, and which BEGIN may start one. */
class ReadOnlyTransactionsTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "SELECT * FROM t | READ",
                "SELECT * FROM t FOR UPDATE | REPLICA",
                "COMMIT | REPLICA",
                "ROLLBACK | REPLICA",
                "SAVEPOINT a | REPLICA",
                "START TRANSACTION READ ONLY | REPLICA",
                "SET sql_mode = 'ANSI' | PRIMARY",
                "USE shop | PRIMARY",
                "SELECT LAST_INSERT_ID() | PRIMARY",
                "SHOW PROCESSLIST | PRIMARY",
                "INSERT INTO t VALUES (1) | REFUSE",
                "CREATE TABLE u (a INT) | REFUSE",
                "START TRANSACTION | REFUSE",
                "BEGIN | REFUSE",
                "LOCK TABLES t READ | REFUSE",
                "CALL p() | REFUSE",
                "SELECT 1; SELECT 2 | REFUSE",
                "XA START 'x' | REFUSE"
            })
    void eachStatementGoesWhereTheTransactionAllows(String sql, Inside expected) {
        var c = StatementClassifier.classify(sql);

        assertThat(ReadOnlyTransactions.inside(ReadOnlyTransactions.reasonOf(c), c.type()))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "START TRANSACTION READ ONLY | READ_ONLY_TRANSACTION",
                "start transaction with consistent snapshot, read only | READ_ONLY_TRANSACTION",
                "/* TUNGSTEN USE qos=RO_RELAXED */ START TRANSACTION READ ONLY | READ_ONLY_TRANSACTION",
                "START TRANSACTION READ WRITE | TRANSACTION",
                "START TRANSACTION | TRANSACTION",
                "START TRANSACTION READ ONLY; INSERT INTO t VALUES (1) | TRANSACTION"
            })
    void onlyAReadOnlyStartOfItsOwnMayStartOnAReplica(String sql, Reason expected) {
        var c = StatementClassifier.classify(sql);

        assertThat(ReadOnlyTransactions.reasonOf(c)).isEqualTo(expected);
    }
}
