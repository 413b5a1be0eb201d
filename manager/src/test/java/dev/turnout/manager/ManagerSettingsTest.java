package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.push.PushSecret;
import dev.turnout.routing.topology.Policy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagerSettingsTest {

    @Test
    void readsMembersMasterCredentialsAndTheRestApiFromTheConfigurationFile(@TempDir Path dir) throws Exception {
        Path ini = dir.resolve("tungsten.ini");
        Files.writeString(ini, """
                [defaults]
                application-user=app
                application-password=secret
                replication-user=tungsten
                replication-password=t0p
                rest-api-admin-user=ops
                rest-api-admin-password=pw
                manager-rest-api-address=127.0.0.1:8091
                manager-push-secret=0123456789abcdef-push

                [alpha]
                topology=clustered
                master=db2
                members=db1,db2,db3:13306
                """);

        ManagerSettings s = ManagerSettings.fromConfig(
                ini, "alpha", new InetSocketAddress(11999), Duration.ofMillis(250), Policy.MAINTENANCE);

        assertThat(s.service()).isEqualTo("alpha");
        assertThat(s.datasources())
                .containsExactly(
                        new DatasourceAddress("db1", "db1", 3306),
                        new DatasourceAddress("db2", "db2", 3306),
                        new DatasourceAddress("db3", "db3", 13306));
        assertThat(s.configuredMaster()).isEqualTo("db2");
        assertThat(s.dbUser()).isEqualTo("tungsten");
        assertThat(s.replicationPassword()).isEqualTo("t0p");
        assertThat(s.restAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 8091));
        assertThat(s.restUser()).isEqualTo("ops");
        assertThat(s.restPassword()).isEqualTo("pw");
        assertThat(s.policy()).isEqualTo(Policy.MAINTENANCE);
        assertThat(s.pushSecret()).isEqualTo(PushSecret.of("0123456789abcdef-push"));
        assertThat(s.holdTimeout()).isEqualTo(ManagerSettings.DEFAULT_HOLD_TIMEOUT);
        assertThat(s.toString()).doesNotContain("t0p").doesNotContain("pw,").doesNotContain("0123456789abcdef");
    }

    @Test
    void datasourcesOfOneHostAreNamedByHostAndPort(@TempDir Path dir) throws Exception {
        Path ini = dir.resolve("tungsten.ini");
        Files.writeString(ini, """
                [defaults]
                application-user=app
                application-password=secret

                [alpha]
                topology=clustered
                master=127.0.0.1:3307
                members=127.0.0.1:3307,127.0.0.1:3308
                """);

        ManagerSettings s = ManagerSettings.fromConfig(
                ini, null, new InetSocketAddress("127.0.0.1", 11999), Duration.ofMillis(500), Policy.AUTOMATIC);

        assertThat(s.datasources())
                .extracting(DatasourceAddress::name)
                .containsExactly("127.0.0.1:3307", "127.0.0.1:3308");
        assertThat(s.configuredMaster()).isEqualTo("127.0.0.1:3307");
        assertThat(s.restAddress()).isNull();
        assertThat(s.dbUser()).isEqualTo("app");
        assertThat(s.pushSecret().isNone()).isTrue();
    }

    @Test
    void withoutAPushSecretTheManagerRefusesToListenBeyondLoopback(@TempDir Path dir) throws Exception {
        Path ini = dir.resolve("tungsten.ini");
        Files.writeString(ini, """
                [defaults]
                application-user=app
                application-password=secret

                [alpha]
                topology=clustered
                master=db1
                members=db1,db2
                """);

        assertThatThrownBy(() -> ManagerSettings.fromConfig(
                        ini, "alpha", new InetSocketAddress(11999), Duration.ofMillis(500), Policy.AUTOMATIC))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("manager-push-secret is not set")
                .hasMessageContaining("0.0.0.0");
    }

    @Test
    void theManagerUsesItsOwnAccountWhenConfigured(@TempDir Path dir) throws Exception {
        Path ini = dir.resolve("tungsten.ini");
        Files.writeString(ini, """
                [defaults]
                application-user=app
                application-password=secret
                replication-user=repl
                replication-password=r
                manager-user=turnout_manager
                manager-password=m

                [alpha]
                master=db1
                members=db1,db2
                """);

        ManagerSettings s = ManagerSettings.fromConfig(
                ini, "alpha", new InetSocketAddress("127.0.0.1", 11999), Duration.ofMillis(250), Policy.AUTOMATIC);

        assertThat(s.dbUser()).isEqualTo("turnout_manager");
        assertThat(s.dbPassword()).isEqualTo("m");
        assertThat(s.replicationUser()).isEqualTo("repl");
        assertThat(s.replicationPassword()).isEqualTo("r");
        assertThat(s.toString()).doesNotContain("=m,").doesNotContain("=r,");
    }
}
