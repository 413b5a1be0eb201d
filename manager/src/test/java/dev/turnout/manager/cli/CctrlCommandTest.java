package dev.turnout.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Where cctrl takes its password and its manager from; none of it needs a manager running. */
class CctrlCommandTest {

    @TempDir
    Path dir;

    private record Run(int status, String err) {}

    private static Run cctrl(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int status = new CommandLine(new CctrlCommand()).execute(args);
            return new Run(status, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void refusesAPasswordGivenOnTheCommandLine() {
        Run r = cctrl("--url", "http://127.0.0.1:9", "--password", "s3cret", "-e", "ls");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("refusing a password on the command line", "--password-file");
        assertThat(cctrl("--url", "http://127.0.0.1:9", "-p", "s3cret", "-e", "ls")
                        .status())
                .isEqualTo(2);
    }

    @Test
    void withoutAPasswordAndWithoutATerminalSaysWhereToPutOne() {
        Run r = cctrl("--url", "http://127.0.0.1:9", "-e", "ls");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("no password", "rest-api-admin-password", "--password-file", "terminal");
    }

    @Test
    void readsThePasswordFileAndWarnsWhenOthersMayReadIt() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "s3cret\nignored\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(CctrlCommand.readPasswordFile(file)).isEqualTo("s3cret");
            assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            assertThat(CctrlCommand.readPasswordFile(file)).isEqualTo("s3cret");
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("readable by others", "chmod 600");
        } finally {
            System.setErr(saved);
        }
    }

    private Path ini(String extra) throws Exception {
        return Files.writeString(dir.resolve("tungsten.ini"), """
                [defaults]
                application-user=app
                application-password=secret
                manager-rest-api-address=0.0.0.0:8091
                %s
                [alpha]
                master=db1
                members=db1,db2
                """.formatted(extra));
    }

    @Test
    void takesAddressUserPasswordAndCertificateFromTheConfigurationFile() throws Exception {
        Path cert = Files.writeString(dir.resolve("rest.crt"), "-----BEGIN CERTIFICATE-----\nAA==\n");
        Path key = Files.writeString(dir.resolve("rest.key"), "-----BEGIN PRIVATE KEY-----\nAA==\n");
        CctrlTarget t = CctrlTarget.fromConfig(
                ini("rest-api-admin-user=ops\nrest-api-admin-password=pw\nrest-api-ssl-certificate=rest.crt\n"
                        + "rest-api-ssl-key=rest.key\n"),
                null);
        assertThat(t).isEqualTo(new CctrlTarget("https://127.0.0.1:8091", "ops", "pw", cert));
        assertThat(key).exists();
    }

    @Test
    void aConfigurationFileWithoutThePasswordLeavesItToThePrompt() throws Exception {
        CctrlTarget t = CctrlTarget.fromConfig(ini(""), "alpha");
        assertThat(t).isEqualTo(new CctrlTarget("http://127.0.0.1:8091", "admin", null, null));
    }
}
