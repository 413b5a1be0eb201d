package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** connector-user-map: loaded and validated with the configuration, and reloaded on demand. */
class UserMapConfigTest {

    /** Lines 1-6; tests append from line 7 on. */
    private static final String BASE = """
            [defaults]
            application-user=app
            application-password=secret
            [alpha]
            master=db1
            members=db1
            """;

    @TempDir
    Path dir;

    private Path writeConfig(String text) throws Exception {
        return Files.writeString(dir.resolve("tungsten.ini"), text);
    }

    @Test
    void loadsTheUserMapRelativeToTheConfigurationFile() throws Exception {
        Files.createDirectory(dir.resolve("security"));
        Path map = Files.writeString(dir.resolve("security/user.map"), "app secret alpha\n@direct app\n");
        Path ini = writeConfig(BASE + "connector-user-map=security/user.map\n");

        ConnectorConfig config = ConnectorConfig.load(ini, null);

        assertThat(config.userMapPath()).contains(map);
        assertThat(config.userMap()).isPresent();
        assertThat(config.userMap().orElseThrow().user("app").orElseThrow().direct())
                .isTrue();
        assertThat(config.userMap().orElseThrow().source()).isEqualTo(map.toString());
        assertThat(config.toString()).contains("userMap=" + map).doesNotContain("secret");
    }

    @Test
    void acceptsUsersOfAnyDataserviceOrCompositeOfTheFile() throws Exception {
        Files.writeString(dir.resolve("user.map"), "a x alpha\nb y beta\nc z gamma\n");
        Path ini = writeConfig(BASE + "connector-user-map=user.map\n"
                + "[beta]\nmaster=db4\nmembers=db4\n[gamma]\ncomposite-datasources=alpha,beta\n");

        ConnectorConfig config = ConnectorConfig.load(ini, "alpha");

        assertThat(config.userMap().orElseThrow().users()).hasSize(3);
    }

    @Test
    void namesTheKeyAndPathOfAMissingUserMap() throws Exception {
        Path ini = writeConfig(BASE + "connector-user-map=user.map\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.load(ini, null));

        assertThat(e.problems())
                .containsExactly(ini + ":7: connector-user-map: \"" + dir.resolve("user.map") + "\": no such file");
    }

    @Test
    void namesTheKeyAndPathOfAnUnreadableUserMap() throws Exception {
        Path map = Files.writeString(dir.resolve("user.map"), "app secret alpha\n");
        assumeThat(map.getFileSystem().supportedFileAttributeViews()).contains("posix");
        Files.setPosixFilePermissions(map, PosixFilePermissions.fromString("---------"));
        assumeThat(Files.isReadable(map)).as("running as root").isFalse();
        Path ini = writeConfig(BASE + "connector-user-map=user.map\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.load(ini, null));

        assertThat(e.problems())
                .containsExactly(ini + ":7: connector-user-map: \"" + map + "\": not readable by this user");
    }

    @Test
    void namesTheKeyAndPathOfADirectory() throws Exception {
        Path ini = writeConfig(BASE + "connector-user-map=.\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.load(ini, null));

        assertThat(e.problems())
                .containsExactly(ini + ":7: connector-user-map: \"" + dir + "\": a directory, not a file");
    }

    @Test
    void reportsTheProblemsOfTheUserMapAmongThoseOfTheConfigurationFile() throws Exception {
        Path map = Files.writeString(dir.resolve("user.map"), "app secret\nother pw nowhere\n");
        Path ini = writeConfig("""
                [defaults]
                application-user=app
                application-password=secret
                connector-user-map=user.map
                colour=blue
                [alpha]
                master=db1
                members=db1
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.load(ini, null));

        assertThat(e.problems())
                .containsExactly(
                        map + ":1: expected \"user password service [affinity]\"", ini + ":5: colour: unknown key");
    }

    @Test
    void rejectsAUserWhoseServiceIsNotADataserviceOfTheFile() throws Exception {
        Path map = Files.writeString(dir.resolve("user.map"), "app secret alpha\nother pw omega\n");
        Path ini = writeConfig(BASE + "connector-user-map=user.map\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.load(ini, null));

        assertThat(e.problems())
                .containsExactly(
                        map + ":2: service \"omega\" is not a dataservice of the configuration (dataservices: alpha)");
    }

    @Test
    void checksTheUserMapOfASectionThatIsNotServed() throws Exception {
        Files.writeString(dir.resolve("alpha.map"), "app secret alpha\n");
        Path ini = writeConfig(BASE + "connector-user-map=alpha.map\n[beta]\nmaster=db4\nmembers=db4\n"
                + "connector-user-map=beta.map\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.load(ini, "alpha"));

        assertThat(e.problems())
                .containsExactly(ini + ":11: connector-user-map: \"" + dir.resolve("beta.map") + "\": no such file");
    }

    @Test
    void reloadsTheUserMapForTheConfigurationAndItsCopies() throws Exception {
        Path map = Files.writeString(dir.resolve("user.map"), "app secret alpha\n");
        ConnectorConfig config = ConnectorConfig.load(writeConfig(BASE + "connector-user-map=user.map\n"), null);
        ConnectorConfig copy = config.withApplicationPort(0);
        UserMap before = config.userMap().orElseThrow();
        Files.writeString(map, "app changed alpha\nnewcomer pw alpha\n@hostoption 10.0.0.7 qos=RO_RELAXED\n");

        UserMap after = config.reloadUserMap();

        assertThat(after.user("newcomer")).isPresent();
        assertThat(config.userMap()).containsSame(after);
        assertThat(copy.userMap()).containsSame(after);
        assertThat(before.user("newcomer")).as("the old map is unchanged").isEmpty();
        assertThat(config.userMapPath()).contains(map);
    }

    @Test
    void keepsThePreviousUserMapWhenTheReloadFails() throws Exception {
        Path map = Files.writeString(dir.resolve("user.map"), "app secret alpha\n");
        Path ini = writeConfig(BASE + "connector-user-map=user.map\n");
        ConnectorConfig config = ConnectorConfig.load(ini, null);
        UserMap before = config.userMap().orElseThrow();

        Files.writeString(map, "app secret alpha\napp twice alpha\nx y omega\n");
        ConfigException bad = catchThrowableOfType(ConfigException.class, config::reloadUserMap);
        Files.delete(map);
        ConfigException missing = catchThrowableOfType(ConfigException.class, config::reloadUserMap);

        assertThat(bad.problems()).containsExactly(map + ":2: duplicate user \"app\" (first at line 1)");
        assertThat(missing).hasMessage(ini + ":7: connector-user-map: \"" + map + "\": no such file");
        assertThat(config.userMap()).containsSame(before);
    }

    @Test
    void validatesServicesOnReloadToo() throws Exception {
        Path map = Files.writeString(dir.resolve("user.map"), "app secret alpha\n");
        ConnectorConfig config = ConnectorConfig.load(writeConfig(BASE + "connector-user-map=user.map\n"), null);
        Files.writeString(map, "app secret omega\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, config::reloadUserMap);

        assertThat(e)
                .hasMessage(
                        map + ":1: service \"omega\" is not a dataservice of the configuration (dataservices: alpha)");
    }

    @Test
    void refusesToReloadWhenNoUserMapIsConfigured() throws Exception {
        ConnectorConfig config = ConnectorConfig.parse(BASE, "tungsten.ini", null);

        ConfigException e = catchThrowableOfType(ConfigException.class, config::reloadUserMap);

        assertThat(e).hasMessage("connector-user-map: not set (there is no user map to reload)");
        assertThat(config.userMap()).isEmpty();
    }
}
