package dev.turnout.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MonitorSettingsTest {

    @Test
    void defaultsProbeEvery200MsBeatEvery100MsAndTimeOutAfterOneSecond() {
        MonitorSettings settings = MonitorSettings.defaults("monitor", "s3cret", "connector@host[1]");

        assertThat(settings.probeInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.heartbeatSchema()).isEqualTo("turnout");
        assertThat(settings.heartbeatSource()).isEqualTo("connector@host[1]");
    }

    @Test
    void moreDriverPropertiesReachTheMonitoringConnections() {
        MonitorSettings plain = MonitorSettings.defaults("monitor", "s3cret", "c");
        MonitorSettings tls = new MonitorSettings(
                "monitor",
                "s3cret",
                Duration.ofMillis(200),
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                "turnout",
                "c",
                java.util.Map.of("sslMode", "verify-full", "serverSslCert", "/etc/db ca&more.pem"));

        assertThat(plain.driverProperties()).isEmpty();
        assertThat(MonitorConnections.properties(plain)).containsOnlyKeys("user", "password");
        assertThat(MonitorConnections.properties(tls))
                .containsEntry("user", "monitor")
                .containsEntry("sslMode", "verify-full")
                .containsEntry("serverSslCert", "/etc/db ca&more.pem");
        assertThat(tls.toString()).contains("sslMode=verify-full");
        assertThatThrownBy(() -> new MonitorSettings(
                        "u",
                        "p",
                        Duration.ofMillis(200),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(1),
                        "t",
                        "c",
                        java.util.Map.of("password", "other")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("driverProperties");
    }

    @Test
    void toStringNeverShowsThePassword() {
        assertThat(MonitorSettings.defaults("monitor", "s3cret", "c").toString())
                .contains("user=monitor")
                .contains("<redacted>")
                .doesNotContain("s3cret");
    }

    @Test
    void rejectsASchemaThatIsNotAPlainIdentifierNamingTheKey() {
        assertThatThrownBy(() -> new MonitorSettings(
                        "u",
                        "p",
                        Duration.ofMillis(200),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(1),
                        "turnout`; drop",
                        "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("heartbeatSchema:");
    }

    @Test
    void rejectsDurationsBelowOneMillisecondNamingTheKey() {
        assertThatThrownBy(() -> new MonitorSettings(
                        "u", "p", Duration.ofMillis(200), Duration.ZERO, Duration.ofSeconds(1), "turnout", "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("heartbeatInterval:");
        assertThatThrownBy(() -> new MonitorSettings(
                        "u", "p", Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofNanos(10), "turnout", "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("timeout:");
    }

    @Test
    void rejectsAnEmptyOrOverlongHeartbeatSource() {
        assertThatThrownBy(() -> MonitorSettings.defaults("u", "p", "")).hasMessageStartingWith("heartbeatSource:");
        assertThatThrownBy(() -> MonitorSettings.defaults("u", "p", "x".repeat(256)))
                .hasMessageStartingWith("heartbeatSource:");
    }
}
