package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorConfigTest {

    /** The example tungsten.ini of Tungsten's installation guide: an active site, a passive site, a composite. */
    private static final String TUNGSTEN_EXAMPLE = """
            [defaults]
            user=tungsten
            install-directory=/opt/continuent
            profile-script=~/.bash_profile
            replication-user=tungsten
            replication-password=secret
            replication-port=13306
            application-user=app_user
            application-password=secret
            application-port=3306
            rest-api-admin-user=apiuser
            rest-api-admin-password=secret
            connector-rest-api-address=0.0.0.0
            manager-rest-api-address=0.0.0.0
            replicator-rest-api-address=0.0.0.0

            [alpha]
            topology=clustered
            master=host1.alpha
            members=host1.alpha,host2.alpha,host3.alpha
            connectors=host1.alpha,host2.alpha,host3.alpha

            [beta]
            topology=clustered
            relay=host1.beta
            members=host1.beta,host2.beta,host3.beta
            connectors=host1.beta,host2.beta,host3.beta
            relay-source=alpha

            [gamma]
            composite-datasources=alpha,beta
            """;

    private static final String MINIMAL = """
            [defaults]
            application-user=app
            application-password=secret
            [alpha]
            master=db1
            members=db1,db2,db3
            """;

    @Test
    void readsTungstensExampleFileForEachOfItsServices() throws ConfigException {
        ConnectorConfig alpha = ConnectorConfig.parse(TUNGSTEN_EXAMPLE, "tungsten.ini", "alpha");
        ConnectorConfig beta = ConnectorConfig.parse(TUNGSTEN_EXAMPLE, "tungsten.ini", "beta");
        ConnectorConfig gamma = ConnectorConfig.parse(TUNGSTEN_EXAMPLE, "tungsten.ini", "gamma");

        assertThat(alpha.serviceName()).isEqualTo("alpha");
        assertThat(alpha.dataservice())
                .isEqualTo(new DataserviceConfig(
                        "alpha",
                        "clustered",
                        new HostPort("host1.alpha", 13306),
                        List.of(
                                new HostPort("host1.alpha", 13306),
                                new HostPort("host2.alpha", 13306),
                                new HostPort("host3.alpha", 13306)),
                        List.of("host1.alpha", "host2.alpha", "host3.alpha"),
                        null,
                        List.of()));
        assertThat(beta.dataservice().master()).isEqualTo(new HostPort("host1.beta", 13306));
        assertThat(beta.dataservice().relaySource()).isEqualTo("alpha");
        assertThat(beta.dataservice().isComposite()).isFalse();
        assertThat(gamma.dataservice().isComposite()).isTrue();
        assertThat(gamma.dataservice().topology()).isEqualTo("composite");
        assertThat(gamma.dataservice().compositeDatasources()).containsExactly("alpha", "beta");
        assertThat(gamma.dataservice().master()).isNull();
        assertThat(gamma.dataservices()).extracting(DataserviceConfig::name).containsExactly("alpha", "beta", "gamma");
        assertThat(alpha.applicationUser()).isEqualTo("app_user");
        assertThat(alpha.applicationPort()).isEqualTo(3306);
    }

    @Test
    void listsTheAcceptedButUnusedKeysOfTheFile() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(TUNGSTEN_EXAMPLE, "tungsten.ini", "alpha");

        assertThat(config.acceptedUnusedKeys())
                .containsExactlyInAnyOrder(
                        "user",
                        "install-directory",
                        "profile-script",
                        "manager-rest-api-address",
                        "replicator-rest-api-address");
    }

    @Test
    void usesTheReplicationCredentialsOfTungstensExampleForProbes() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(TUNGSTEN_EXAMPLE, "tungsten.ini", "alpha");

        assertThat(config.probes().replicationUser()).isEqualTo("tungsten");
        assertThat(config.probes().replicationPassword()).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsEveryKeyTungstenUsersCommonlyHaveWithoutUsingIt() throws ConfigException {
        String text = MINIMAL.replace("[alpha]", """
                start-and-report=true
                mysql-allow-intensive-checks=true
                disable-security-controls=true
                rest-api-admin-pass=secret
                [alpha]
                witnesses=host9
                enable-active-witnesses=false
                """);

        ConnectorConfig config = ConnectorConfig.parse(text, "tungsten.ini", null);

        assertThat(config.acceptedUnusedKeys())
                .containsExactlyInAnyOrder(
                        "start-and-report", "mysql-allow-intensive-checks", "disable-security-controls");
        assertThat(config.applicationPort()).isEqualTo(3306);
        assertThat(config.restApi().password())
                .as("rest-api-admin-pass is the password's alias")
                .isEqualTo("secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void leavesActiveWitnessesOutOfTheDatasources() throws ConfigException {
        String text = """
                [defaults]
                application-user=app
                application-password=secret
                enable-active-witnesses=true
                [alpha]
                master=db1
                members=db1,db2,witness1
                witnesses=witness1
                """;

        ConnectorConfig config = ConnectorConfig.parse(text, "tungsten.ini", "alpha");

        assertThat(config.dataservice().members())
                .as("an active witness runs a manager, not a datasource")
                .extracting(HostPort::host)
                .containsExactly("db1", "db2");
        assertThat(ConnectorConfig.parse(text.replace("enable-active-witnesses=true", ""), "tungsten.ini", "alpha")
                        .dataservice()
                        .members())
                .as("a passive witness listed in members stays a datasource")
                .extracting(HostPort::host)
                .containsExactly("db1", "db2", "witness1");
    }

    @Test
    void appliesTheDocumentedDefaults() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(MINIMAL, "tungsten.ini", null);

        assertThat(config.serviceName()).isEqualTo("alpha");
        assertThat(config.applicationPort()).isEqualTo(3306);
        assertThat(config.listenAddress()).isEqualTo("0.0.0.0");
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxAllowedPacket()).isEqualTo(1L << 30);
        assertThat(config.workerThreads())
                .isEqualTo(Math.min(256, Runtime.getRuntime().availableProcessors()));
        assertThat(config.tls()).isEmpty();
        assertThat(config.dataservice().topology()).isEqualTo("clustered");
        assertThat(config.dataservice().members())
                .containsExactly(new HostPort("db1", 3306), new HostPort("db2", 3306), new HostPort("db3", 3306));
        assertThat(config.dataservice().connectors()).isEmpty();
        assertThat(config.acceptedUnusedKeys()).isEmpty();
    }

    @Test
    void readsEveryConnectorSettingFromDefaults() throws ConfigException {
        String text = """
                # a comment
                ; another comment
                [defaults]
                  application-user = app
                application-password= p#ss;word = x
                application-port=13306
                connector-listen-address=127.0.0.1
                connector-connect-timeout=250
                connector-shutdown-timeout=1m
                connector-max-allowed-packet=64M
                connector-worker-threads=4
                replication-port=23306

                [alpha]
                master=127.0.0.1:3307
                members=127.0.0.1:3307, 127.0.0.1:3308 ,127.0.0.1
                """;

        ConnectorConfig config = ConnectorConfig.parse(text, "tungsten.ini", null);

        assertThat(config.applicationUser()).isEqualTo("app");
        assertThat(new String(config.applicationPassword(), StandardCharsets.UTF_8))
                .isEqualTo("p#ss;word = x");
        assertThat(config.applicationPort()).isEqualTo(13306);
        assertThat(config.listenAddress()).isEqualTo("127.0.0.1");
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.maxAllowedPacket()).isEqualTo(64L << 20);
        assertThat(config.workerThreads()).isEqualTo(4);
        assertThat(config.dataservice().members())
                .containsExactly(
                        new HostPort("127.0.0.1", 3307),
                        new HostPort("127.0.0.1", 3308),
                        new HostPort("127.0.0.1", 23306));
    }

    @Test
    void letsADataserviceSectionOverrideDefaultsForThatServiceOnly() throws ConfigException {
        String text = MINIMAL + """
                application-port=9999
                replication-port=13306
                connector-connect-timeout=5s
                [beta]
                master=db4
                members=db4,db5
                """;

        ConnectorConfig alpha = ConnectorConfig.parse(text, "tungsten.ini", "alpha");
        ConnectorConfig beta = ConnectorConfig.parse(text, "tungsten.ini", "beta");

        assertThat(alpha.applicationPort()).isEqualTo(9999);
        assertThat(alpha.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(alpha.dataservice().master()).isEqualTo(new HostPort("db1", 13306));
        assertThat(beta.applicationPort()).isEqualTo(3306);
        assertThat(beta.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(beta.dataservice().master()).isEqualTo(new HostPort("db4", 3306));
    }

    @Test
    void takesTheOverriddenReplicationPortEvenWhenItComesAfterTheHosts() throws ConfigException {
        String text = MINIMAL + "replication-port=3310\n";

        ConnectorConfig config = ConnectorConfig.parse(text, "tungsten.ini", null);

        assertThat(config.dataservice().members()).extracting(HostPort::port).containsOnly(3310);
    }

    @Test
    void letsTheCredentialsLiveInTheDataserviceSectionAndProbesUseThem() throws ConfigException {
        String text = """
                [alpha]
                application-user=alpha_app
                application-password=alpha_secret
                master=db1
                members=db1
                """;

        ConnectorConfig config = ConnectorConfig.parse(text, "tungsten.ini", null);

        assertThat(config.applicationUser()).isEqualTo("alpha_app");
        assertThat(config.applicationPassword()).isEqualTo("alpha_secret".getBytes(StandardCharsets.UTF_8));
        assertThat(config.probes().replicationUser())
                .as("replication-user falls back to them")
                .isEqualTo("alpha_app");
        assertThat(config.probes().replicationPassword()).isEqualTo("alpha_secret".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void selectsTheOnlyNonCompositeDataserviceWhenNoServiceIsGiven() throws ConfigException {
        String text = MINIMAL + "[global]\ncomposite-datasources=alpha\n";

        ConnectorConfig config = ConnectorConfig.parse(text, "tungsten.ini", null);

        assertThat(config.serviceName()).isEqualTo("alpha");
        assertThat(config.dataservices()).extracting(DataserviceConfig::name).containsExactly("alpha", "global");
    }

    @Test
    void readsIpv6HostsAndListenAddresses() throws ConfigException {
        String text = """
                [defaults]
                application-user=app
                application-password=secret
                connector-listen-address=[::1]
                [alpha]
                master=[::1]:3307
                members=[::1]:3307,[FE80::1],[::ffff:10.0.0.1]:3309
                connectors=[::1],app1
                """;

        ConnectorConfig config = ConnectorConfig.parse(text, "tungsten.ini", null);

        assertThat(config.listenAddress()).isEqualTo("::1");
        assertThat(config.dataservice().members())
                .containsExactly(
                        new HostPort("::1", 3307),
                        new HostPort("fe80::1", 3306),
                        new HostPort("::ffff:10.0.0.1", 3309));
        assertThat(config.dataservice().master().toString()).isEqualTo("[::1]:3307");
        assertThat(config.dataservice().connectors()).containsExactly("::1", "app1");
        assertThat(config.toString()).contains("listen=[::1]:3306");
    }

    @Test
    void neverShowsThePasswordInToString() throws ConfigException {
        String text = MINIMAL.replace("application-password=secret", "application-password=Hunter2-Zq9");

        ConnectorConfig config = ConnectorConfig.parse(text, "tungsten.ini", null);

        assertThat(config.toString())
                .doesNotContain("Hunter2-Zq9")
                .contains("password=***")
                .contains("service=alpha")
                .contains("user=app")
                .contains("listen=0.0.0.0:3306")
                .contains("connectTimeout=3s")
                .contains("maxAllowedPacket=1G");
    }

    @Test
    void handsOutACopyOfThePasswordThatTheCallerMayWipe() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(MINIMAL, "tungsten.ini", null);

        byte[] first = config.applicationPassword();
        java.util.Arrays.fill(first, (byte) 0);

        assertThat(config.applicationPassword()).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsPasswordsAsUtf8Bytes() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(
                MINIMAL.replace("application-password=secret", "application-password=pässwörd"), "tungsten.ini", null);

        assertThat(config.applicationPassword()).isEqualTo("pässwörd".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void exposesUnmodifiableCollections() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(MINIMAL, "tungsten.ini", null);

        assertThatThrownBy(() -> config.dataservices().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.dataservice().members().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.acceptedUnusedKeys().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void derivesCopiesForTestsAndTheDemoWithoutChangingTheOriginal() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(MINIMAL, "demo", null);

        ConnectorConfig derived = config.withApplicationPort(0)
                .withListenAddress("127.0.0.1")
                .withConnectTimeout(Duration.ofMillis(200))
                .withShutdownTimeout(Duration.ZERO);

        assertThat(derived.applicationPort()).isZero();
        assertThat(derived.listenAddress()).isEqualTo("127.0.0.1");
        assertThat(derived.connectTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(derived.shutdownTimeout()).isZero();
        assertThat(derived.dataservice()).isEqualTo(config.dataservice());
        assertThat(derived.applicationPassword()).isEqualTo(config.applicationPassword());
        assertThat(config.applicationPort()).isEqualTo(3306);
        assertThat(config.listenAddress()).isEqualTo("0.0.0.0");
        assertThatThrownBy(() -> config.withApplicationPort(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withListenAddress("not an address"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withConnectTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loadsAFileAndNamesItInMessages(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("tungsten.ini"), MINIMAL);
        Path bad = Files.writeString(dir.resolve("bad.ini"), MINIMAL + "application-port=0\n");

        assertThat(ConnectorConfig.load(good, null).serviceName()).isEqualTo("alpha");
        assertThatThrownBy(() -> ConnectorConfig.load(bad, null))
                .isInstanceOf(ConfigException.class)
                .hasMessage(bad + ":7: application-port: \"0\" is not a port (1-65535)");
        assertThatThrownBy(() -> ConnectorConfig.load(dir.resolve("missing.ini"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("missing.ini") + ": no such file");
    }

    @Test
    void refusesAFileThatIsNotUtf8(@TempDir Path dir) throws Exception {
        Path file = Files.write(
                dir.resolve("latin1.ini"),
                MINIMAL.replace("secret", "s\u00e9cret").getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> ConnectorConfig.load(file, null))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": not a UTF-8 text file");
    }

    @Test
    void acceptsWindowsLineEndsAndAByteOrderMark() throws ConfigException {
        String text = "\uFEFF" + MINIMAL.replace("\n", "\r\n");

        ConnectorConfig config = ConnectorConfig.parse(text, "tungsten.ini", null);

        assertThat(config.dataservice().members()).hasSize(3);
        assertThat(config.applicationPassword()).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
    }
}
