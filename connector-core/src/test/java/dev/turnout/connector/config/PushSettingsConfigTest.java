package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The settings of the managers' push channel and of backend logins that could leak the password. */
class PushSettingsConfigTest {

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
    void theSecretHoldExpiryAndKeyRetrievalHaveSafeDefaults() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(MINIMAL, "tungsten.ini", null);

        assertThat(config.failover().pushSecret()).isNull();
        assertThat(config.failover().holdExpiry()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.backends().allowPublicKeyRetrieval()).isFalse();
    }

    @Test
    void readsTheSecretWithoutEverShowingIt() throws ConfigException {
        ConnectorConfig config = withDefaults("connector-managers=db1\nmanager-push-secret=s3cret-s3cret-s3cret\n"
                + "connector-hold-expiry=45s\nconnector-allow-public-key-retrieval=true\n");

        assertThat(config.failover().pushSecret()).isEqualTo("s3cret-s3cret-s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(config.failover().holdExpiry()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.backends().allowPublicKeyRetrieval()).isTrue();
        assertThat(config.failover().toString()).doesNotContain("s3cret").contains("pushSecret=***");
        assertThat(config.toString()).doesNotContain("s3cret");
    }

    @Test
    void aShortSecretIsAnErrorThatDoesNotShowIt() {
        assertThatThrownBy(() -> withDefaults("manager-push-secret=tooshort\n"))
                .hasMessageContaining("manager-push-secret")
                .hasMessageContaining("too short (8 characters, at least 16")
                .hasMessageNotContaining("tooshort");
    }

    @Test
    void managersOffThisHostNeedTheSecret() {
        assertThatThrownBy(() -> withDefaults("connector-managers=127.0.0.1,db2:12000\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tungsten.ini:4:")
                .hasMessageContaining("connector-managers")
                .hasMessageContaining("names db2:12000, not on this host, but manager-push-secret is not set");
    }

    @Test
    void managersOnThisHostMayGoWithoutTheSecret() throws ConfigException {
        ConnectorConfig config = withDefaults("connector-managers=127.0.0.1,localhost:12000,[::1]:12001\n");

        assertThat(config.failover().managers()).hasSize(3);
        assertThat(config.failover().pushSecret()).isNull();
    }

    @Test
    void theHoldExpiryIsBounded() {
        assertThatThrownBy(() -> withDefaults("connector-hold-expiry=10ms\n"))
                .hasMessageContaining("connector-hold-expiry");
    }
}
