package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS keys: both or neither, and the files checked when the configuration is read; TLS
 * required of clients; TLS to the backends.
 */
class TlsConfigTest {

    private static final String CERTIFICATE = """
            -----BEGIN CERTIFICATE-----
            MIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGUgZm9yIHRlc3RzIG9ubHk=
            -----END CERTIFICATE-----
            """;
    private static final String KEY = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgVGVzdCBrZXk=
            -----END PRIVATE KEY-----
            """;

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

    private Path certificate;
    private Path key;

    @BeforeEach
    void writePemFiles() throws Exception {
        certificate = Files.writeString(dir.resolve("cert.pem"), CERTIFICATE);
        key = Files.writeString(dir.resolve("key.pem"), KEY);
    }

    @Test
    void offersTlsWhenBothFilesAreSet() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(
                BASE + "connector-ssl-certificate=" + certificate + "\nconnector-ssl-key=" + key + "\n",
                "tungsten.ini",
                null);

        assertThat(config.tls()).contains(new TlsFiles(certificate, key));
        assertThat(config.toString()).contains("tls=certificate=" + certificate + " key=" + key);
    }

    @Test
    void resolvesRelativePathsAgainstTheDirectoryOfTheLoadedFile() throws Exception {
        Path file = Files.writeString(
                dir.resolve("tungsten.ini"),
                BASE.replace("[alpha]", "connector-ssl-certificate=cert.pem\nconnector-ssl-key=./key.pem\n[alpha]"));

        ConnectorConfig config = ConnectorConfig.load(file, null);

        assertThat(config.tls()).contains(new TlsFiles(certificate.toAbsolutePath(), key.toAbsolutePath()));
    }

    @Test
    void takesTheCertificateFromDefaultsAndTheKeyFromTheSection() throws ConfigException {
        String text = BASE.replace("[alpha]", "connector-ssl-certificate=" + certificate + "\n[alpha]")
                + "connector-ssl-key=" + key + "\n";

        assertThat(ConnectorConfig.parse(text, "tungsten.ini", null).tls()).contains(new TlsFiles(certificate, key));
    }

    @Test
    void refusesACertificateWithoutKey() {
        assertThat(problems(BASE + "connector-ssl-certificate=" + certificate + "\n"))
                .containsExactly(
                        "tungsten.ini:7: connector-ssl-certificate: set without connector-ssl-key (set both or neither)");
    }

    @Test
    void refusesAKeyWithoutCertificate() {
        assertThat(problems(BASE + "connector-ssl-key=" + key + "\n"))
                .containsExactly(
                        "tungsten.ini:7: connector-ssl-key: set without connector-ssl-certificate (set both or neither)");
    }

    @Test
    void refusesFilesThatDoNotExist() {
        Path missing = dir.resolve("missing.pem");

        assertThat(problems(BASE + "connector-ssl-certificate=" + missing + "\nconnector-ssl-key=" + key + "\n"))
                .containsExactly("tungsten.ini:7: connector-ssl-certificate: \"" + missing + "\" does not exist");
    }

    @Test
    void refusesADirectory() {
        assertThat(problems(BASE + "connector-ssl-certificate=" + certificate + "\nconnector-ssl-key=" + dir + "\n"))
                .containsExactly("tungsten.ini:8: connector-ssl-key: \"" + dir + "\" is not a regular file");
    }

    @Test
    void refusesFilesThatAreNotPem() throws Exception {
        Path notPem = Files.writeString(dir.resolve("cert.der"), "binary");

        assertThat(problems(BASE + "connector-ssl-certificate=" + notPem + "\nconnector-ssl-key=" + key + "\n"))
                .containsExactly("tungsten.ini:7: connector-ssl-certificate: \"" + notPem
                        + "\" is not a PEM certificate (no -----BEGIN ...CERTIFICATE----- line)");
    }

    @Test
    void refusesTheFilesSwapped() {
        assertThat(problems(BASE + "connector-ssl-certificate=" + key + "\nconnector-ssl-key=" + certificate + "\n"))
                .containsExactly(
                        "tungsten.ini:7: connector-ssl-certificate: \"" + key
                                + "\" is not a PEM certificate (no -----BEGIN ...CERTIFICATE----- line)",
                        "tungsten.ini:8: connector-ssl-key: \"" + certificate
                                + "\" is not a PEM private key (no -----BEGIN ...PRIVATE KEY----- line)");
    }

    @Test
    void refusesAFileThisUserCannotRead() throws Exception {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
        assumeThat(Files.isReadable(key))
                .as("running as a user who can read anything (root)")
                .isFalse();

        assertThat(problems(BASE + "connector-ssl-certificate=" + certificate + "\nconnector-ssl-key=" + key + "\n"))
                .containsExactly("tungsten.ini:8: connector-ssl-key: \"" + key + "\" is not readable by this user");
    }

    @Test
    void requiresTlsOfClientsOnlyWhenItIsOffered() throws ConfigException {
        ConnectorConfig required = ConnectorConfig.parse(
                BASE + "connector-ssl-certificate=" + certificate + "\nconnector-ssl-key=" + key
                        + "\nconnector-require-tls=true\n",
                "tungsten.ini",
                null);

        assertThat(required.requireTls()).isTrue();
        assertThat(required.toString()).contains("requireTls=true");
        assertThat(ConnectorConfig.parse(BASE, "tungsten.ini", null).requireTls())
                .isFalse();
        assertThat(problems(BASE + "connector-require-tls=true\n"))
                .containsExactly("tungsten.ini:7: connector-require-tls: true without connector-ssl-certificate and"
                        + " connector-ssl-key (TLS cannot be required when it is not offered)");
    }

    @Test
    void backendTlsIsPreferredByDefaultAndTakesTheMySqlClientsModes() throws ConfigException {
        assertThat(ConnectorConfig.parse(BASE, "tungsten.ini", null).backendTls())
                .isEqualTo(new BackendTlsSettings(BackendSslMode.PREFERRED, java.util.Optional.empty()));
        for (String[] mode : new String[][] {
            {"disabled", "DISABLED"},
            {"REQUIRED", "REQUIRED"},
            {"VERIFY_CA", "VERIFY_CA"},
            {"verify-full", "VERIFY_FULL"},
            {"VERIFY_IDENTITY", "VERIFY_FULL"}
        }) {
            ConnectorConfig config =
                    ConnectorConfig.parse(BASE + "connector-backend-ssl-mode=" + mode[0] + "\n", "tungsten.ini", null);
            assertThat(config.backendTls().mode()).as(mode[0]).isEqualTo(BackendSslMode.valueOf(mode[1]));
        }
        assertThat(problems(BASE + "connector-backend-ssl-mode=sometimes\n"))
                .containsExactly("tungsten.ini:7: connector-backend-ssl-mode: \"sometimes\" is not one of disabled,"
                        + " preferred, required, verify-ca, verify-full");
    }

    @Test
    void aBackendCaIsReadWithTheModesThatVerifyAndRefusedWithTheOthers() throws ConfigException {
        ConnectorConfig config = ConnectorConfig.parse(
                BASE + "connector-backend-ssl-mode=verify-full\nconnector-backend-ssl-ca=" + certificate + "\n",
                "tungsten.ini",
                null);

        assertThat(config.backendTls().ca()).contains(certificate);
        assertThat(config.toString()).contains("backendSslMode=verify-full, backendSslCa=" + certificate);
        assertThat(problems(BASE + "connector-backend-ssl-ca=" + certificate + "\n"))
                .containsExactly(
                        "tungsten.ini:7: connector-backend-ssl-ca: set, but connector-backend-ssl-mode=preferred"
                                + " checks no certificate (verify-ca and verify-full do)");
        assertThat(problems(BASE + "connector-backend-ssl-mode=verify-ca\nconnector-backend-ssl-ca=" + key + "\n"))
                .containsExactly("tungsten.ini:8: connector-backend-ssl-ca: \"" + key
                        + "\" is not a PEM certificate bundle (no -----BEGIN ...CERTIFICATE----- line)");
    }

    @Test
    void theBackendModeTranslatesToTheDriversAndToReplicationsOptions() {
        Path ca = Path.of("/etc/turnout/db ca.pem");
        var none = java.util.Optional.<Path>empty();

        assertThat(new BackendTlsSettings(BackendSslMode.DISABLED, none).mariaDbDriverProperties())
                .isEmpty();
        assertThat(new BackendTlsSettings(BackendSslMode.PREFERRED, none).mariaDbDriverProperties())
                .isEmpty();
        assertThat(new BackendTlsSettings(BackendSslMode.REQUIRED, none).mariaDbDriverProperties())
                .isEqualTo(java.util.Map.of("sslMode", "trust"));
        assertThat(new BackendTlsSettings(BackendSslMode.VERIFY_CA, none).mariaDbDriverProperties())
                .isEqualTo(java.util.Map.of("sslMode", "verify-ca"));
        assertThat(new BackendTlsSettings(BackendSslMode.VERIFY_FULL, java.util.Optional.of(ca))
                        .mariaDbDriverProperties())
                .isEqualTo(java.util.Map.of("sslMode", "verify-full", "serverSslCert", "/etc/turnout/db ca.pem"));
        assertThat(new BackendTlsSettings(BackendSslMode.PREFERRED, none).changeMasterOptions())
                .isEqualTo("MASTER_SSL=0");
        assertThat(new BackendTlsSettings(BackendSslMode.REQUIRED, none).changeMasterOptions())
                .isEqualTo("MASTER_SSL=1, MASTER_SSL_VERIFY_SERVER_CERT=0");
        assertThat(new BackendTlsSettings(BackendSslMode.VERIFY_FULL, java.util.Optional.of(ca)).changeMasterOptions())
                .isEqualTo("MASTER_SSL=1, MASTER_SSL_VERIFY_SERVER_CERT=1");
    }

    private static java.util.List<String> problems(String text) {
        ConfigException e =
                catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.parse(text, "tungsten.ini", null));
        assertThat(e).isNotNull();
        return e.problems();
    }
}
