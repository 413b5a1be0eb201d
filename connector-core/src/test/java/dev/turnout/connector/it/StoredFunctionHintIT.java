package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11, item 6 (docs/routing.md, "Stored functions that write"): with reads split, {@code
 * SELECT f()} of a function that writes is a read to the classifier and goes to a (read-only)
 * replica, where it fails; with {@code /* TUNGSTEN USE qos=RW_STRICT *}{@code /} it runs on the
 * primary, plain and as a server-side prepared statement, with both drivers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StoredFunctionHintIT {

    private static final String HINT = "/* TUNGSTEN USE qos=RW_STRICT */ ";

    // Relaxed reads: read-your-writes would send reads after the function's write to the primary anyway.
    @RegisterExtension
    static final ConnectorExtension turnout =
            new ConnectorExtension("connector-qos=RO_RELAXED\nconnector-smartscale=false\n");

    private static Set<Long> replicaIds;

    @BeforeAll
    static void function() throws Exception {
        replicaIds = ConnectorHarness.replicaIds(turnout.cluster());
        ConnectorHarness.executeAsRoot(
                turnout.cluster().primary(),
                "CREATE TABLE IF NOT EXISTS test.hint_log (id INT AUTO_INCREMENT PRIMARY KEY)");
        ConnectorHarness.executeAsRoot(
                turnout.cluster().primary(),
                "CREATE OR REPLACE FUNCTION test.hint_bump() RETURNS INT DETERMINISTIC MODIFIES SQL DATA"
                        // (DETERMINISTIC only so that a binlogging server accepts it from a non-SUPER definer)
                        + " BEGIN INSERT INTO test.hint_log VALUES (NULL); RETURN LAST_INSERT_ID(); END");
        turnout.cluster().awaitReplication(Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aFunctionThatWritesRunsOnThePrimaryWithTheHintPlainAndPrepared(Driver driver) throws Exception {
        try (Connection c = turnout.connect(driver, "useServerPrepStmts=true")) {
            ConnectorHarness.awaitReadFrom(c, replicaIds);
            SQLException onReplica = SqlErrors.thrownBy(() -> ConnectorHarness.queryLong(c, "SELECT test.hint_bump()"));
            assertThat(onReplica.getErrorCode())
                    .as("unhinted, the replica runs it and refuses the write (read_only)")
                    .isEqualTo(1290);

            assertThat(ConnectorHarness.queryLong(c, HINT + "SELECT test.hint_bump()"))
                    .isPositive();
            try (PreparedStatement bump = c.prepareStatement(HINT + "SELECT test.hint_bump(), @@server_id")) {
                for (int i = 0; i < 4; i++) {
                    try (ResultSet rs = bump.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(2))
                                .as("execute %d of the hinted prepared statement", i)
                                .isEqualTo(turnout.primaryServerId());
                    }
                }
            }
        }
    }
}
