package dev.turnout.manager.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class QuorumRulesTest {

    @Test
    void acceptsTheSeedsLayouts() {
        assertThatCode(() -> QuorumRules.check(List.of("db1", "db2", "db3"), List.of(), List.of()))
                .doesNotThrowAnyException();
        assertThatCode(() -> QuorumRules.check(List.of("db1", "db2", "db3"), List.of(), List.of("w1", "w2")))
                .as("passive witnesses do not vote: three managers")
                .doesNotThrowAnyException();
        assertThatCode(() -> QuorumRules.check(List.of("db1", "db2"), List.of("w1"), List.of()))
                .doesNotThrowAnyException();
        assertThatCode(() -> QuorumRules.check(List.of("db1", "db2", "db3", "db4"), List.of("w1"), List.of()))
                .doesNotThrowAnyException();
    }

    @Test
    void needsThreeManagers() {
        assertThatThrownBy(() -> QuorumRules.check(List.of("db1"), List.of(), List.of()))
                .hasMessageContaining("quorum rule 1 (at least three managers, active witnesses included)")
                .hasMessageContaining("there are 1 (db1)");
    }

    @Test
    void needsAnOddNumber() {
        assertThatThrownBy(() -> QuorumRules.check(List.of("db1", "db2", "db3", "db4"), List.of(), List.of()))
                .hasMessageContaining("quorum rule 2 (an odd number of managers")
                .hasMessageContaining("4 (db1, db2, db3, db4)");
        assertThatThrownBy(() -> QuorumRules.check(List.of("db1", "db2", "db3"), List.of("w1"), List.of()))
                .hasMessageContaining("quorum rule 2")
                .hasMessageContaining("db1, db2, db3, w1");
    }

    @Test
    void twoDatasourcesNeedAnActiveWitness() {
        assertThatThrownBy(() -> QuorumRules.check(List.of("db1", "db2"), List.of(), List.of("w1")))
                .hasMessageContaining("quorum rule 3 (a dataservice of two datasources needs an active witness):"
                        + " db1, db2 have none")
                .hasMessageContaining("quorum rule 1");
    }

    @Test
    void passiveOrActiveWitnessesNotBoth() {
        assertThatThrownBy(() -> QuorumRules.check(List.of("db1", "db2"), List.of("w1"), List.of("w2")))
                .hasMessageContaining("quorum rule 4 (passive or active witnesses, not both): active witnesses w1"
                        + " and passive witnesses w2");
    }

    @Test
    void majorityOfTheVoters() {
        assertThat(QuorumRules.majority(3)).isEqualTo(2);
        assertThat(QuorumRules.majority(5)).isEqualTo(3);
    }
}
