package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The user.map format: users, @direct, @hostoption, comments, and every error an operator can make. */
class UserMapTest {

    private static final String GOOD = """
            # Application users: user password service [affinity]
            app        s3cr3t        alpha

            reporting\tr3p#rt;=\\"x'  alpha\tdb3,-db1
            \t  batch   pässwörd  gamma   -db2
            @direct reporting
            @hostoption 10.0.0.7 qos=RO_RELAXED
            @hostoption App1.Example.COM qos=rw_strict
            @hostoption [FE80::1] qos=RO_RELAXED
            """;

    @Test
    void readsUsersWithTheirPasswordServiceAndAffinity() throws ConfigException {
        UserMap map = UserMap.parse(GOOD, "user.map");

        assertThat(map.users()).extracting(UserMap.UserEntry::user).containsExactly("app", "reporting", "batch");
        UserMap.UserEntry app = map.user("app").orElseThrow();
        assertThat(app.password()).isEqualTo("s3cr3t".getBytes(StandardCharsets.UTF_8));
        assertThat(app.service()).isEqualTo("alpha");
        assertThat(app.affinity()).isEqualTo(AffinitySetting.NONE);
        assertThat(app.direct()).isFalse();
        UserMap.UserEntry reporting = map.user("reporting").orElseThrow();
        assertThat(reporting.affinity()).isEqualTo(new AffinitySetting(List.of("db3"), Set.of("db1")));
        assertThat(reporting.direct()).isTrue();
        assertThat(map.user("batch").orElseThrow().affinity().excluded()).containsExactly("db2");
        assertThat(map.user("nobody")).isEmpty();
        assertThat(map.user("APP")).as("user names are case-sensitive").isEmpty();
        assertThat(map.source()).isEqualTo("user.map");
    }

    @Test
    void keepsPasswordsWithOddCharactersAsUtf8BytesAndSeparatesFieldsAtTabs() throws ConfigException {
        UserMap map = UserMap.parse(GOOD, "user.map");

        assertThat(map.user("reporting").orElseThrow().password())
                .isEqualTo("r3p#rt;=\\\"x'".getBytes(StandardCharsets.UTF_8));
        assertThat(map.user("batch").orElseThrow().password()).isEqualTo("pässwörd".getBytes(StandardCharsets.UTF_8));
        assertThat(map.user("batch").orElseThrow().service()).isEqualTo("gamma");
    }

    @Test
    void readsHostOptionsInLowerCaseAndIpv6WithoutBrackets() throws ConfigException {
        UserMap map = UserMap.parse(GOOD, "user.map");

        assertThat(map.hostOptions())
                .containsExactly(
                        java.util.Map.entry("10.0.0.7", QosSetting.RO_RELAXED),
                        java.util.Map.entry("app1.example.com", QosSetting.RW_STRICT),
                        java.util.Map.entry("fe80::1", QosSetting.RO_RELAXED));
        assertThat(map.hostOption("APP1.example.com")).contains(QosSetting.RW_STRICT);
        assertThat(map.hostOption("[fe80::1]")).contains(QosSetting.RO_RELAXED);
        assertThat(map.hostOption("10.0.0.8")).isEmpty();
        assertThat(map.hostOption("not a host")).isEmpty();
        assertThatThrownBy(() -> map.hostOptions().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void acceptsAnEmptyFileWindowsLineEndsAndAByteOrderMark() throws ConfigException {
        assertThat(UserMap.parse("", "user.map").users()).isEmpty();
        assertThat(UserMap.parse("# only comments\n\n   \n", "user.map").hostOptions())
                .isEmpty();

        UserMap map = UserMap.parse("\uFEFFapp secret alpha\r\n@direct app\r\n", "user.map");

        assertThat(map.user("app").orElseThrow().password()).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
        assertThat(map.user("app").orElseThrow().direct()).isTrue();
    }

    @Test
    void acceptsDirectBeforeTheUserItNames() throws ConfigException {
        assertThat(UserMap.parse("@direct app\napp secret alpha\n", "user.map")
                        .user("app")
                        .orElseThrow()
                        .direct())
                .isTrue();
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of(
                        "a user without service",
                        "app secret\n",
                        "user.map:1: expected \"user password service [affinity]\""),
                Arguments.of(
                        "a user line with five fields",
                        "# users\napp secret alpha db2 extra\n",
                        "user.map:2: expected \"user password service [affinity]\""),
                Arguments.of("a lone word", "\n\napp\n", "user.map:3: expected \"user password service [affinity]\""),
                Arguments.of(
                        "a duplicate user",
                        "app a alpha\nother b alpha\napp c alpha\n",
                        "user.map:3: duplicate user \"app\" (first at line 1)"),
                Arguments.of(
                        "a bad affinity",
                        "app secret alpha db2,,db3\n",
                        "user.map:1: affinity: \"db2,,db3\" has an empty item (expected names separated by commas, a leading - excludes one: db2,-db3)"),
                Arguments.of(
                        "an affinity with a bad name",
                        "app secret alpha db2,-db#3\n",
                        "user.map:1: affinity: \"db#3\" is not a datasource or dataservice name"),
                Arguments.of(
                        "@direct without user", "app secret alpha\n@direct\n", "user.map:2: expected \"@direct user\""),
                Arguments.of(
                        "@direct with two users",
                        "app secret alpha\n@direct app other\n",
                        "user.map:2: expected \"@direct user\""),
                Arguments.of(
                        "@direct of an unknown user",
                        "app secret alpha\n@direct bob\n",
                        "user.map:2: @direct of unknown user \"bob\" (no \"bob password service\" line in this file)"),
                Arguments.of(
                        "@direct twice",
                        "app secret alpha\n@direct app\n@direct app\n",
                        "user.map:3: duplicate @direct of \"app\" (first at line 2)"),
                Arguments.of(
                        "@hostoption without qos",
                        "@hostoption 10.0.0.7\n",
                        "user.map:1: expected \"@hostoption host qos=RO_RELAXED|RW_STRICT\""),
                Arguments.of(
                        "@hostoption with another option",
                        "@hostoption 10.0.0.7 affinity=db2\n",
                        "user.map:1: expected \"@hostoption host qos=RO_RELAXED|RW_STRICT\""),
                Arguments.of(
                        "@hostoption with an unknown qos",
                        "@hostoption 10.0.0.7 qos=FAST\n",
                        "user.map:1: @hostoption: qos: \"FAST\" is not one of RW_STRICT, RO_RELAXED"),
                Arguments.of(
                        "@hostoption of a bad host",
                        "@hostoption db#1 qos=RO_RELAXED\n",
                        "user.map:1: @hostoption: \"db#1\" is not a host name or address"),
                Arguments.of(
                        "@hostoption twice for one host",
                        "@hostoption DB1 qos=RO_RELAXED\n@hostoption db1 qos=RW_STRICT\n",
                        "user.map:2: duplicate @hostoption for \"db1\" (first at line 1)"),
                Arguments.of(
                        "an unknown directive",
                        "@script /opt/x.js\n",
                        "user.map:1: unknown directive \"@script\" (this version knows @direct, @tls and @hostoption)"),
                Arguments.of("@tls without user", "app secret alpha\n@tls\n", "user.map:2: expected \"@tls user\""),
                Arguments.of(
                        "@tls of an unknown user",
                        "app secret alpha\n@tls bob\n",
                        "user.map:2: @tls of unknown user \"bob\" (no \"bob password service\" line in this file)"),
                Arguments.of(
                        "@tls twice",
                        "app secret alpha\n@tls app\n@tls app\n",
                        "user.map:3: duplicate @tls of \"app\" (first at line 2)"));
    }

    @Test
    void anAtTlsLineMakesTheUserRequireTls() throws ConfigException {
        UserMap map = UserMap.parse("app secret alpha\nreports r3p alpha\n@tls reports\n", "user.map");

        assertThat(map.user("reports").orElseThrow().requireTls()).isTrue();
        assertThat(map.user("app").orElseThrow().requireTls()).isFalse();
        assertThat(map.user("reports").orElseThrow().toString()).endsWith(", tls]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void rejectsABadLineWithAMessageNamingFileAndLine(String what, String text, String message) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> UserMap.parse(text, "user.map"));

        assertThat(e).as(what).isNotNull();
        assertThat(e.problems()).containsExactly(message);
    }

    @Test
    void reportsEveryProblemOfTheFileAtOnceInLineOrder() {
        String text = """
                @direct ghost
                app secret alpha
                broken
                app again alpha
                @hostoption h qos=MAYBE
                """;

        ConfigException e =
                catchThrowableOfType(ConfigException.class, () -> UserMap.parse(text, "/etc/turnout/user.map"));

        assertThat(e.problems())
                .containsExactly(
                        "/etc/turnout/user.map:1: @direct of unknown user \"ghost\" (no \"ghost password service\" line in this file)",
                        "/etc/turnout/user.map:3: expected \"user password service [affinity]\"",
                        "/etc/turnout/user.map:4: duplicate user \"app\" (first at line 2)",
                        "/etc/turnout/user.map:5: @hostoption: qos: \"MAYBE\" is not one of RW_STRICT, RO_RELAXED");
    }

    @Test
    void validatesServicesAgainstTheConfiguredDataservices() throws ConfigException {
        UserMap map = UserMap.parse(GOOD, "user.map");

        map.validate(Set.of("alpha", "beta", "gamma"));
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> map.validate(Set.of("beta", "alpha")));

        assertThat(e.problems())
                .containsExactly(
                        "user.map:5: service \"gamma\" is not a dataservice of the configuration (dataservices: alpha, beta)");
    }

    @Test
    void neverShowsAPasswordInToString() throws ConfigException {
        UserMap map = UserMap.parse("app Hunter2-Zq9 alpha db2\n@direct app\nother Xyzzy-77 beta\n", "user.map");

        assertThat(map.toString())
                .doesNotContain("Hunter2-Zq9", "Xyzzy-77")
                .contains("source=user.map")
                .contains("UserEntry[user=app, password=***, service=alpha, affinity=db2, direct]")
                .contains("UserEntry[user=other, password=***, service=beta]");
        assertThat(map.user("app").orElseThrow().toString()).doesNotContain("Hunter2-Zq9");
    }

    @Test
    void handsOutCopiesOfPasswordsAndComparesEntriesByContent() throws ConfigException {
        UserMap map = UserMap.parse("app secret alpha\n", "user.map");
        UserMap.UserEntry entry = map.user("app").orElseThrow();

        java.util.Arrays.fill(entry.password(), (byte) 0);
        byte[] given = "secret".getBytes(StandardCharsets.UTF_8);
        UserMap.UserEntry built = new UserMap.UserEntry("app", given, "alpha", AffinitySetting.NONE, false);
        given[0] = 'X';

        assertThat(entry.password()).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
        assertThat(built).isEqualTo(entry).hasSameHashCodeAs(entry);
        assertThat(new UserMap.UserEntry(
                        "app", "secret".getBytes(StandardCharsets.UTF_8), "alpha", AffinitySetting.NONE, true))
                .isNotEqualTo(entry);
    }

    @Test
    void loadsAFileAndNamesItInMessages(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("user.map"), "app secret alpha\n");
        Path bad = Files.writeString(dir.resolve("bad.map"), "app secret\n");
        Path latin1 =
                Files.write(dir.resolve("latin1.map"), "app s\u00e9cret alpha\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(UserMap.load(good).user("app")).isPresent();
        assertThat(UserMap.load(good).source()).isEqualTo(good.toString());
        assertThatThrownBy(() -> UserMap.load(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessage(bad + ":1: expected \"user password service [affinity]\"");
        assertThatThrownBy(() -> UserMap.load(dir.resolve("missing.map")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("missing.map") + ": no such file");
        assertThatThrownBy(() -> UserMap.load(latin1))
                .isInstanceOf(ConfigException.class)
                .hasMessage(latin1 + ": not a UTF-8 text file");
        assertThatThrownBy(() -> UserMap.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir + ": a directory, not a file");
    }
}
