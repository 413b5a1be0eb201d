package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API's keys: never without a password, HTTPS from a certificate and key pair. */
class RestApiConfigTest {

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

    @Test
    void refusesARestApiAddressWithoutAPassword() {
        String message = "tungsten.ini:7: connector-rest-api-address: set without a rest-api-admin-password: the"
                + " REST API is never served without one (set rest-api-admin-user and rest-api-admin-password)";
        assertThat(problems(BASE + "connector-rest-api-address=127.0.0.1:8096\n"))
                .containsExactly(message);
        assertThat(problems(BASE + "connector-rest-api-address=127.0.0.1:8096\nrest-api-admin-user=admin\n"))
                .containsExactly(message);
        assertThat(problems(BASE + "connector-rest-api-address=127.0.0.1:8096\nrest-api-admin-password=\n"))
                .as("an empty password is none")
                .containsExactly(
                        message, "tungsten.ini:8: rest-api-admin-password: empty value (every key needs a value)");
    }

    @Test
    void theUserDefaultsToAdminWhenOnlyThePasswordIsSet() throws ConfigException {
        RestApiSettings rest = ConnectorConfig.parse(
                        BASE + "connector-rest-api-address=127.0.0.1\nrest-api-admin-password=pw\n",
                        "tungsten.ini",
                        null)
                .restApi();
        assertThat(rest.user()).isEmpty();
        assertThat(rest.userOrDefault()).isEqualTo("admin");
        assertThat(rest.tls()).isEmpty();
        assertThat(rest.toString()).doesNotContain("pw").contains("tls=off");
    }

    @Test
    void servesHttpsWithACertificateAndKey() throws Exception {
        Path certificate = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nAA==\n");
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAA==\n");
        RestApiSettings rest = ConnectorConfig.parse(
                        BASE + "connector-rest-api-address=127.0.0.1\nrest-api-admin-password=pw\n"
                                + "rest-api-ssl-certificate=" + certificate + "\nrest-api-ssl-key=" + key + "\n",
                        "tungsten.ini",
                        null)
                .restApi();
        assertThat(rest.tls()).contains(new TlsFiles(certificate, key));
    }

    @Test
    void refusesACertificateWithoutKey() throws Exception {
        Path certificate = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nAA==\n");
        assertThat(problems(BASE + "rest-api-ssl-certificate=" + certificate + "\n"))
                .containsExactly(
                        "tungsten.ini:7: rest-api-ssl-certificate: set without rest-api-ssl-key (set both or neither)");
    }

    @Test
    void acceptsTheManagersAccountKeysWithoutListingThemAsUnused() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(
                BASE + "manager-user=turnout_manager\nmanager-password=pw\n", "tungsten.ini", null);
        assertThat(config.acceptedUnusedKeys()).isEmpty();
    }

    private static java.util.List<String> problems(String text) {
        ConfigException e =
                catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.parse(text, "tungsten.ini", null));
        assertThat(e).isNotNull();
        return e.problems();
    }
}
