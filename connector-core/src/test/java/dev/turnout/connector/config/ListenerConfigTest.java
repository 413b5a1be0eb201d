package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code application-readonly-port} and {@code connector-bridge-mode}: values, defaults, overrides and errors. */
class ListenerConfigTest {

    /** Lines 1-3; a test appends its own lines from line 4 on. */
    private static final String DEFAULTS = """
            [defaults]
            application-user=app
            application-password=secret
            """;

    private static final String ALPHA = """
            [alpha]
            master=db1
            members=db1,db2,db3
            """;

    @Test
    void neitherIsSetByDefault() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(DEFAULTS + ALPHA, "tungsten.ini", null);

        assertThat(config.readOnlyPort()).isEmpty();
        assertThat(config.bridgeMode()).isFalse();
        assertThat(config.toString()).doesNotContain("readOnlyPort").doesNotContain("bridgeMode");
    }

    @Test
    void readsBothFromDefaults() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(
                DEFAULTS + "application-readonly-port=3307\nconnector-bridge-mode=true\n" + ALPHA,
                "tungsten.ini",
                null);

        assertThat(config.readOnlyPort()).hasValue(3307);
        assertThat(config.bridgeMode()).isTrue();
        assertThat(config.acceptedUnusedKeys()).isEmpty();
        assertThat(config.toString()).contains("readOnlyPort=3307", "bridgeMode=true");
    }

    @Test
    void aDataserviceSectionOverridesTheDefaults() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(
                DEFAULTS + "application-readonly-port=3307\nconnector-bridge-mode=true\n" + ALPHA
                        + "application-readonly-port=4407\nconnector-bridge-mode=false\n",
                "tungsten.ini",
                null);

        assertThat(config.readOnlyPort()).hasValue(4407);
        assertThat(config.bridgeMode()).isFalse();
    }

    @Test
    void theDerivedCopiesChangeOnlyTheirSetting() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(DEFAULTS + ALPHA, "tungsten.ini", null);

        ConnectorConfig derived = config.withReadOnlyPort(0).withBridgeMode(true);

        assertThat(derived.readOnlyPort()).hasValue(0);
        assertThat(derived.bridgeMode()).isTrue();
        assertThat(derived.applicationPort()).isEqualTo(config.applicationPort());
        assertThat(derived.withReadOnlyPort(-1).readOnlyPort()).isEmpty();
        assertThat(config.readOnlyPort()).isEmpty();
        assertThatThrownBy(() -> config.withReadOnlyPort(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withReadOnlyPort(-2)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "application-readonly-port=70000 | tungsten.ini:4: application-readonly-port: \"70000\" is not a port (1-65535)",
                "application-readonly-port=ro    | tungsten.ini:4: application-readonly-port: \"ro\" is not a port (1-65535)",
                "application-readonly-port=3306  | tungsten.ini:4: application-readonly-port: \"3306\" is application-port too (the read-only port must be another port)",
                "connector-bridge-mode=yes       | tungsten.ini:4: connector-bridge-mode: \"yes\" is not true or false",
            })
    void aBadValueIsAnErrorNamingTheKey(String line, String message) {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> ConnectorConfig.parse(DEFAULTS + line + "\n" + ALPHA, "tungsten.ini", null));

        assertThat(e).isNotNull();
        assertThat(e.problems()).containsExactly(message);
    }

    @Test
    void theReadOnlyPortMayNotEqualAnApplicationPortSetInTheSection() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> ConnectorConfig.parse(
                        DEFAULTS + "application-readonly-port=3307\n" + ALPHA + "application-port=3307\n",
                        "tungsten.ini",
                        null));

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .containsExactly("tungsten.ini:4: application-readonly-port: \"3307\" is application-port"
                        + " too (the read-only port must be another port)");
    }
}
