package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The read/write splitting, session consistency, probe and replication credential settings. */
class ReadWriteSplittingConfigTest {

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
    void readsTheSettingsOfFollowingManagers() throws ConfigException {
        ConnectorConfig defaults = withDefaults("");
        assertThat(defaults.failover().managers()).isEmpty();
        assertThat(defaults.failover().offlineWithoutManagers()).isFalse();
        assertThat(defaults.failover().waitTime()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(defaults.failover().disconnectTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(defaults.restApi().address()).isEmpty();

        ConnectorConfig set = withDefaults("connector-managers=db1,db2:12000\nmanager-push-secret=0123456789abcdef\n"
                + "connector-without-managers=offline\n"
                + "connector-failover-wait=3s\nconnector-disconnect-timeout=500ms\nconnector-rest-api-address=127.0.0.1\n"
                + "rest-api-admin-user=admin\nrest-api-admin-password=pw\n");
        assertThat(set.failover().managers()).containsExactly(new HostPort("db1", 11999), new HostPort("db2", 12000));
        assertThat(set.failover().offlineWithoutManagers()).isTrue();
        assertThat(set.failover().waitTime()).isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(set.failover().disconnectTimeout()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(set.restApi().address()).contains(new HostPort("127.0.0.1", 8096));
        assertThat(set.restApi().user()).contains("admin");
        assertThat(set.restApi().password()).isEqualTo("pw".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(withDefaults("connector-without-managers=keep-routing\n")
                        .failover()
                        .offlineWithoutManagers())
                .isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> withDefaults("connector-without-managers=maybe\n"))
                .hasMessageContaining("connector-without-managers: \"maybe\" is not keep-routing or offline");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> withDefaults("connector-managers=db1,,db2\n"))
                .hasMessageContaining("connector-managers");
    }

    @Test
    void appliesTheDocumentedDefaults() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(MINIMAL, "tungsten.ini", null);

        assertThat(config.splitting().qos()).isEqualTo(QosSetting.RW_STRICT);
        assertThat(config.splitting().smartScale())
                .as("read-your-writes whenever reads are split")
                .isTrue();
        assertThat(config.splitting().smartScaleWait()).isZero();
        assertThat(config.splitting().maxSlaveLatencyMillis()).isEqualTo(-1);
        assertThat(config.splitting().loadBalancer()).isEqualTo(LoadBalancerSetting.ROUND_ROBIN);
        assertThat(config.splitting().affinity()).isEqualTo(AffinitySetting.NONE);
        assertThat(config.splitting().affinity().isNone()).isTrue();
        assertThat(config.userMapPath()).isEmpty();
        assertThat(config.userMap()).isEmpty();
        assertThat(config.probes().probeInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.probes().heartbeatInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.probes().replicationUser()).isEqualTo("app");
        assertThat(config.probes().replicationPassword()).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
        assertThat(config.acceptedUnusedKeys()).isEmpty();
    }

    @Test
    void readsEverySettingFromDefaults() throws ConfigException {
        ConnectorConfig config = withDefaults("""
                connector-qos=RO_RELAXED
                connector-smartscale=true
                connector-smartscale-wait=250ms
                connector-max-slave-latency=5
                connector-load-balancer=least-active
                connector-affinity=db2, -db3
                connector-probe-interval=1s
                connector-heartbeat-interval=50
                replication-user=tungsten
                replication-password=r#pl pass
                """);

        assertThat(config.splitting().qos()).isEqualTo(QosSetting.RO_RELAXED);
        assertThat(config.splitting().smartScale()).isTrue();
        assertThat(config.splitting().smartScaleWait()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.splitting().maxSlaveLatencyMillis()).isEqualTo(5000);
        assertThat(config.splitting().loadBalancer()).isEqualTo(LoadBalancerSetting.LEAST_ACTIVE);
        assertThat(config.splitting().affinity()).isEqualTo(new AffinitySetting(List.of("db2"), Set.of("db3")));
        assertThat(config.probes().probeInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.probes().heartbeatInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.probes().replicationUser()).isEqualTo("tungsten");
        assertThat(config.probes().replicationPassword()).isEqualTo("r#pl pass".getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource(textBlock = """
            5,       5000
            0,       0
            0.5,     500
            500ms,   500
            1.5s,    1500
            2s,      2000
            '2 s',   2000
            1m,      60000
            1.25m,   75000
            3600,    3600000
            """)
    void readsTheMaximumSlaveLatencyInSecondsUnlessAUnitSaysOtherwise(String value, long millis)
            throws ConfigException {
        assertThat(withDefaults("connector-max-slave-latency=" + value + "\n")
                        .splitting()
                        .maxSlaveLatencyMillis())
                .isEqualTo(millis);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            round-robin,    ROUND_ROBIN
            least-active,   LEAST_ACTIVE
            lowest-latency, LOWEST_LATENCY
            most-advanced,  MOST_ADVANCED
            Most-Advanced,  MOST_ADVANCED
            """)
    void readsEveryLoadBalancer(String value, LoadBalancerSetting expected) throws ConfigException {
        ConnectorConfig config = withDefaults("connector-load-balancer=" + value + "\n");

        assertThat(config.splitting().loadBalancer()).isEqualTo(expected);
        assertThat(config.splitting().loadBalancer().keyword()).isEqualTo(value.toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void readsQosAndBooleansInAnyCase() throws ConfigException {
        assertThat(withDefaults("connector-qos=ro_relaxed\n").splitting().qos()).isEqualTo(QosSetting.RO_RELAXED);
        assertThat(withDefaults("connector-qos=RW_STRICT\n").splitting().qos()).isEqualTo(QosSetting.RW_STRICT);
        assertThat(withDefaults("connector-smartscale=TRUE\n").splitting().smartScale())
                .isTrue();
        assertThat(withDefaults("connector-smartscale=false\n").splitting().smartScale())
                .isFalse();
    }

    @Test
    void keepsAffinityNamesInTheOrderWritten() throws ConfigException {
        AffinitySetting affinity = withDefaults("connector-affinity=db3,-db1,db2:13306,-[::1],beta\n")
                .splitting()
                .affinity();

        assertThat(affinity.preferred()).containsExactly("db3", "db2:13306", "beta");
        assertThat(affinity.excluded()).containsExactly("db1", "[::1]");
        assertThat(affinity).hasToString("db3,db2:13306,beta,-db1,-[::1]");
    }

    @Test
    void letsADataserviceSectionOverrideTheDefaultsForThatServiceOnly() throws ConfigException {
        String text = MINIMAL.replace("[alpha]", """
                connector-qos=RO_RELAXED
                connector-max-slave-latency=10
                connector-load-balancer=lowest-latency
                [alpha]""") + """
                connector-qos=RW_STRICT
                connector-max-slave-latency=500ms
                connector-affinity=-db1
                replication-user=alpha_probe
                [beta]
                master=db4
                members=db4,db5
                """;

        ConnectorConfig alpha = ConnectorConfig.parse(text, "tungsten.ini", "alpha");
        ConnectorConfig beta = ConnectorConfig.parse(text, "tungsten.ini", "beta");

        assertThat(alpha.splitting().qos()).isEqualTo(QosSetting.RW_STRICT);
        assertThat(alpha.splitting().maxSlaveLatencyMillis()).isEqualTo(500);
        assertThat(alpha.splitting().loadBalancer()).isEqualTo(LoadBalancerSetting.LOWEST_LATENCY);
        assertThat(alpha.splitting().affinity().excluded()).containsExactly("db1");
        assertThat(alpha.probes().replicationUser()).isEqualTo("alpha_probe");
        assertThat(alpha.probes().replicationPassword()).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
        assertThat(beta.splitting().qos()).isEqualTo(QosSetting.RO_RELAXED);
        assertThat(beta.splitting().maxSlaveLatencyMillis()).isEqualTo(10_000);
        assertThat(beta.splitting().affinity()).isEqualTo(AffinitySetting.NONE);
        assertThat(beta.probes().replicationUser()).isEqualTo("app");
    }

    @Test
    void handsOutACopyOfTheReplicationPasswordThatTheCallerMayWipe() throws ConfigException {
        ConnectorConfig config = withDefaults("replication-password=probe\n");

        java.util.Arrays.fill(config.probes().replicationPassword(), (byte) 0);

        assertThat(config.probes().replicationPassword()).isEqualTo("probe".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void showsTheSettingsButNoPasswordInToString() throws ConfigException {
        ConnectorConfig config = withDefaults("""
                connector-qos=RO_RELAXED
                connector-max-slave-latency=1.5
                connector-affinity=db2,-db3
                replication-password=Probe-Xy7
                """);

        assertThat(config.toString())
                .doesNotContain("Probe-Xy7")
                .contains(
                        "qos=RO_RELAXED",
                        "smartscale=true",
                        "smartscaleWait=0ms",
                        "maxSlaveLatency=1500ms",
                        "loadBalancer=round-robin",
                        "affinity=db2,-db3",
                        "userMap=none",
                        "probeInterval=200ms",
                        "heartbeatInterval=100ms",
                        "replicationUser=app",
                        "replicationPassword=***");
        assertThat(ConnectorConfig.parse(MINIMAL, "tungsten.ini", null).toString())
                .contains("maxSlaveLatency=unset", "affinity=none");
    }

    @Test
    void keepsTheSettingsInDerivedCopies() throws ConfigException {
        ConnectorConfig config = withDefaults("connector-qos=RO_RELAXED\nconnector-max-slave-latency=2s\n");

        ConnectorConfig derived = config.withApplicationPort(0).withConnectTimeout(Duration.ofMillis(100));

        assertThat(derived.splitting().qos()).isEqualTo(QosSetting.RO_RELAXED);
        assertThat(derived.splitting().maxSlaveLatencyMillis()).isEqualTo(2000);
    }
}
