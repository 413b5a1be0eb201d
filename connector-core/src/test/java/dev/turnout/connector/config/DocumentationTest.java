package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps config/tungsten.ini and docs/configuration.md in step with the parser. */
class DocumentationTest {

    private static final Path ROOT =
            Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    @TempDir
    Path tempDir;

    @Test
    void theSampleFileLoadsWithTheValuesItShows() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.load(ROOT.resolve("config/tungsten.ini"), null);

        assertThat(config.serviceName()).isEqualTo("alpha");
        assertThat(config.applicationUser()).isEqualTo("app");
        assertThat(new String(config.applicationPassword(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("secret");
        assertThat(config.listenAddress()).isEqualTo("127.0.0.1");
        assertThat(config.applicationPort()).isEqualTo(3306);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.dataservice().master()).isEqualTo(new HostPort("127.0.0.1", 3307));
        assertThat(config.dataservice().members()).hasSize(3);
        assertThat(config.tls()).isEmpty();
    }

    @Test
    void theSampleFilesCommentedCompositeExampleIsValidToo() throws Exception {
        String sample = Files.readString(ROOT.resolve("config/tungsten.ini"));
        int beta = sample.indexOf("# [beta]");
        String uncommented =
                sample.substring(0, beta) + sample.substring(beta).replaceAll("(?m)^# ?(?=\\[|[a-z-]+=)", "");

        ConnectorConfig gamma = ConnectorConfig.parse(uncommented, "tungsten.ini", "gamma");

        assertThat(gamma.dataservice().compositeDatasources()).containsExactly("alpha", "beta");
        assertThat(gamma.dataservices().get(1).relaySource()).isEqualTo("alpha");
    }

    @Test
    void theSampleFilesCommentedReadWriteSplittingSettingsAreValidWithTheSampleUserMap() throws Exception {
        String sample = Files.readString(ROOT.resolve("config/tungsten.ini"));
        int from = sample.indexOf("# Read/write splitting.");
        int to = sample.indexOf("[alpha]");
        String uncommented = sample.substring(0, from)
                + sample.substring(from, to).replaceAll("(?m)^# (?=[a-z-]+=)", "")
                + sample.substring(to);
        Path ini = Files.writeString(tempDir.resolve("tungsten.ini"), uncommented);
        Files.copy(ROOT.resolve("config/user.map"), tempDir.resolve("user.map"));

        ConnectorConfig config = ConnectorConfig.load(ini, null);

        assertThat(config.splitting().qos()).isEqualTo(QosSetting.RO_RELAXED);
        assertThat(config.splitting().smartScale()).isFalse(); // the sample shows the non-default: relaxed reads
        assertThat(config.splitting().smartScaleWait()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.splitting().maxSlaveLatencyMillis()).isEqualTo(5000);
        assertThat(config.splitting().loadBalancer()).isEqualTo(LoadBalancerSetting.ROUND_ROBIN);
        assertThat(config.splitting().affinity().preferred()).containsExactly("127.0.0.1:3308");
        assertThat(config.splitting().affinity().excluded()).containsExactly("127.0.0.1:3309");
        assertThat(config.probes().probeInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.probes().heartbeatInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.probes().replicationUser()).isEqualTo("tungsten");
        UserMap users = config.userMap().orElseThrow();
        assertThat(users.users()).extracting(UserMap.UserEntry::user).containsExactly("app", "reporting");
        assertThat(users.user("reporting").orElseThrow().direct()).isTrue();
        assertThat(users.hostOption("127.0.0.2")).contains(QosSetting.RO_RELAXED);
    }

    @Test
    void theReferenceDocumentsExactlyTheKeysTheParserKnows() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/configuration.md"));
        Set<String> documented = new TreeSet<>();
        Matcher headings = Pattern.compile("(?m)^### ([a-z-]+)$").matcher(doc);
        while (headings.find()) {
            documented.add(headings.group(1));
        }
        Matcher tableRows = Pattern.compile("(?m)^\\| `([a-z-]+)` \\|").matcher(doc);
        while (tableRows.find()) {
            documented.add(tableRows.group(1));
        }

        assertThat(documented)
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(Key.values()).map(Key::keyName).toList());
    }
}
