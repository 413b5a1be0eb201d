package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The settings of a session's backend connections: how long a replica that failed it is left
 * out, how often a statement waiting for a lost primary tries again, and how long a pooled
 * connection may stay idle. Bad values are in {@link ConfigErrorsTest}.
 */
class BackendConnectionConfigTest {

    private static final String MINIMAL = """
            [defaults]
            application-user=app
            application-password=secret
            [alpha]
            master=db1
            members=db1,db2,db3
            """;

    private static ConnectorConfig withDefaults(String lines) throws ConfigException {
        return ConnectorConfig.parse(MINIMAL.replace("[alpha]", lines + "[alpha]"), "tungsten.ini", null);
    }

    @Test
    void appliesTheDocumentedDefaults() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(MINIMAL, "tungsten.ini", null);

        assertThat(config.backends().replicaBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.failover().retryInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.backends().poolIdle()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void readsEverySettingFromDefaults() throws ConfigException {
        ConnectorConfig config = withDefaults("""
                connector-replica-backoff=30s
                connector-failover-retry=50
                connector-backend-pool=4
                connector-backend-pool-idle=5m
                """);

        assertThat(config.backends().replicaBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.failover().retryInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.backends().pool()).isEqualTo(4);
        assertThat(config.backends().poolIdle()).isEqualTo(Duration.ofMinutes(5));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(textBlock = """
            connector-replica-backoff,   0,     0
            connector-replica-backoff,   10m,   600000
            connector-failover-retry,    10ms,  10
            connector-failover-retry,    10s,   10000
            connector-backend-pool-idle, 1s,    1000
            connector-backend-pool-idle, 480m,  28800000
            """)
    void acceptsBothEndsOfTheDocumentedRange(String key, String value, long millis) throws ConfigException {
        ConnectorConfig config = withDefaults(key + "=" + value + "\n");

        Duration read = switch (key) {
            case "connector-replica-backoff" -> config.backends().replicaBackoff();
            case "connector-failover-retry" -> config.failover().retryInterval();
            case "connector-backend-pool-idle" -> config.backends().poolIdle();
            default -> throw new IllegalArgumentException(key);
        };
        assertThat(read).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void letsADataserviceSectionOverrideTheDefaultsForThatServiceOnly() throws ConfigException {
        String text = MINIMAL.replace("[alpha]", """
                connector-replica-backoff=1s
                connector-backend-pool-idle=10s
                [alpha]""") + """
                connector-replica-backoff=0
                connector-failover-retry=1s
                [beta]
                master=db4
                members=db4,db5
                """;

        ConnectorConfig alpha = ConnectorConfig.parse(text, "tungsten.ini", "alpha");
        ConnectorConfig beta = ConnectorConfig.parse(text, "tungsten.ini", "beta");

        assertThat(alpha.backends().replicaBackoff()).isZero();
        assertThat(alpha.failover().retryInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(alpha.backends().poolIdle()).isEqualTo(Duration.ofSeconds(10));
        assertThat(beta.backends().replicaBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(beta.failover().retryInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(beta.backends().poolIdle()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void keepsTheSettingsInCopiesWithAnotherPort() throws ConfigException {
        ConnectorConfig copy = withDefaults("connector-replica-backoff=2s\n").withApplicationPort(0);

        assertThat(copy.backends().replicaBackoff()).isEqualTo(Duration.ofSeconds(2));
    }
}
