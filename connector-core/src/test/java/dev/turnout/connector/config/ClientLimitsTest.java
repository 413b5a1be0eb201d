package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code connector-max-connections} (default from the descriptor limit) and {@code connector-max-user-connections}. */
class ClientLimitsTest {

    private static final String MINIMAL = """
            [defaults]
            application-user=app
            application-password=secret
            %s
            [alpha]
            master=db1
            members=db1,db2
            """;

    private static ConnectorConfig withDefaults(String lines) throws ConfigException {
        return ConnectorConfig.parse(MINIMAL.formatted(lines), "tungsten.ini", null);
    }

    @Test
    void theTotalDefaultsToWhatTheDescriptorLimitAllowsAndThePerUserLimitToNone() throws ConfigException {
        ClientLimits limits = withDefaults("").limits();

        assertThat(limits.derived()).isTrue();
        assertThat(limits.maxConnections())
                .isEqualTo(ClientLimits.fromDescriptors(ClientLimits.descriptorLimit(), false))
                .isPositive();
        assertThat(limits.maxUserConnections()).isZero();
        assertThat(withDefaults("connector-qos=RO_RELAXED").limits().maxConnections())
                .isEqualTo(ClientLimits.fromDescriptors(ClientLimits.descriptorLimit(), true));
    }

    @Test
    void eachSessionIsGivenTwoDescriptorsOrThreeWhenReadsAreSplitAfterAReserve() {
        assertThat(ClientLimits.fromDescriptors(1024, false)).isEqualTo((1024 - 256) / 2);
        assertThat(ClientLimits.fromDescriptors(20_000, true)).isEqualTo((20_000 - 256) / 3);
        assertThat(ClientLimits.fromDescriptors(100, true)).isEqualTo(1);
        assertThat(ClientLimits.fromDescriptors(-1, true)).isEqualTo(ClientLimits.MAX_DERIVED);
        assertThat(ClientLimits.fromDescriptors(Long.MAX_VALUE, false)).isEqualTo(ClientLimits.MAX_DERIVED);
    }

    @Test
    void setLimitsAreTakenAsTheyAreAndZeroMeansNoLimit() throws ConfigException {
        ClientLimits limits = withDefaults("connector-max-connections=500\nconnector-max-user-connections=20")
                .limits();

        assertThat(limits.maxConnections()).isEqualTo(500);
        assertThat(limits.derived()).isFalse();
        assertThat(limits.maxUserConnections()).isEqualTo(20);
        assertThat(withDefaults("connector-max-connections=0").limits().maxConnections())
                .isZero();
    }

    @Test
    void aLimitThatIsNotAWholeNumberInRangeIsRefusedWithItsLine() {
        assertThatThrownBy(() -> withDefaults("connector-max-connections=-1"))
                .hasMessageContaining("tungsten.ini:4: connector-max-connections: \"-1\" is not a whole number");
        assertThatThrownBy(() -> withDefaults("connector-max-user-connections=2000000"))
                .hasMessageContaining(
                        "tungsten.ini:4: connector-max-user-connections: \"2000000\" is out of range (0-1000000)");
    }
}
