package dev.turnout.connector.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.config.ClientLimits;
import org.junit.jupiter.api.Test;

/** The client connections against connector-max-connections and connector-max-user-connections. */
class ConnectionCountsTest {

    @Test
    void connectionsBeyondTheTotalAreRefusedUntilOneCloses() {
        ConnectionCounts counts = new ConnectionCounts(new ClientLimits(2, false, 0));

        assertThat(counts.opened()).isTrue();
        assertThat(counts.opened()).isTrue();
        assertThat(counts.opened()).isFalse();
        assertThat(counts.open()).isEqualTo(2);
        counts.closed();
        assertThat(counts.opened()).isTrue();
    }

    @Test
    void zeroMeansNoLimit() {
        ConnectionCounts counts = new ConnectionCounts(new ClientLimits(0, false, 0));

        for (int i = 0; i < 1000; i++) {
            assertThat(counts.opened()).isTrue();
            assertThat(counts.loggedIn("app")).isTrue();
        }
    }

    @Test
    void eachUserHasItsOwnLimitAndAChangeOfUserMovesTheSessionsPlace() {
        ConnectionCounts counts = new ConnectionCounts(new ClientLimits(0, false, 1));

        assertThat(counts.loggedIn("app")).isTrue();
        assertThat(counts.loggedIn("app")).isFalse();
        assertThat(counts.loggedIn("reporting")).isTrue();
        counts.loggedOut("app");
        assertThat(counts.loggedIn("app")).isTrue();
        counts.loggedOut("app");
        counts.loggedOut("app"); // one too many: nothing below zero
        assertThat(counts.loggedIn("app")).isTrue();
        assertThat(counts.loggedIn("app")).isFalse();
    }
}
