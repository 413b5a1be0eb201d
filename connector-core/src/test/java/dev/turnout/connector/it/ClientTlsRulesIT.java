package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.testkit.RawClient;
import dev.turnout.testkit.TestCertificates;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the connector demands of clients' TLS: {@code connector-require-tls} refuses a client that
 * did not upgrade (3159, as MariaDB's {@code require_secure_transport}), an {@code @tls} line of the
 * user map refuses that user without TLS (1045, as MariaDB for {@code REQUIRE SSL}), only modern
 * cipher suites are accepted (a client offering only {@code AES128-SHA} cannot connect), and a
 * handshake response that asks for TLS without an SSLRequest is refused, not served in plain text.
 */
@Timeout(120)
class ClientTlsRulesIT {

    @TempDir
    static Path dir;

    /** Without a certificate: TLS is not offered. */
    @RegisterExtension
    static final ConnectorExtension plain = new ConnectorExtension();

    private static ConnectorServer required;
    private static ConnectorServer perUser;

    @BeforeAll
    static void startConnectors() throws Exception {
        assumeTrue(TestCertificates.available(), "openssl is not installed: cannot make a test certificate");
        TestCertificates certificates = TestCertificates.make(dir);
        String tls = "connector-ssl-certificate=" + certificates.certificate() + "\nconnector-ssl-key="
                + certificates.key() + "\n";
        required = ConnectorHarness.start(plain.cluster(), tls + "connector-require-tls=true\n");
        Path userMap = Files.writeString(
                dir.resolve("user.map"),
                plain.cluster().appUser() + " " + plain.cluster().appPassword() + " alpha\n@tls "
                        + plain.cluster().appUser() + "\n");
        perUser = ConnectorHarness.start(plain.cluster(), tls + "connector-user-map=" + userMap + "\n");
    }

    @AfterAll
    static void stopConnectors() {
        for (ConnectorServer connector : new ConnectorServer[] {required, perUser}) {
            if (connector != null) {
                connector.close();
            }
        }
    }

    private static Connection connect(ConnectorServer connector, Driver driver, String options) throws SQLException {
        return driver.connect(
                connector.port(), plain.cluster().appUser(), plain.cluster().appPassword(), options);
    }

    @Test
    void aClientThatDoesNotUpgradeIsRefusedWhenTlsIsRequired() throws Exception {
        for (Driver driver : Driver.values()) {
            SQLException refused =
                    SqlErrors.thrownBy(() -> connect(required, driver, "").close());

            assertThat(refused.getErrorCode()).as("%s: %s", driver, refused).isEqualTo(3159);
            assertThat(refused.getSQLState()).as("%s: %s", driver, refused).isEqualTo("08004");
            assertThat(refused.getMessage())
                    .contains("Connections using insecure transport are prohibited while connector-require-tls=true");
        }
        try (Connection tls = connect(required, Driver.MYSQL, "sslMode=REQUIRED")) {
            assertThat(ConnectorHarness.queryLong(tls, "select @@server_id")).isEqualTo(plain.primaryServerId());
        }
        try (Connection tls = connect(required, Driver.MARIADB, "sslMode=trust")) {
            assertThat(ConnectorHarness.queryLong(tls, "select @@server_id")).isEqualTo(plain.primaryServerId());
        }
    }

    @Test
    void aUserTheUserMapMarksWithAtTlsIsRefusedWithoutTlsAsMariaDbRefusesARequireSslAccount() throws Exception {
        SQLException refused =
                SqlErrors.thrownBy(() -> connect(perUser, Driver.MARIADB, "").close());

        assertThat(refused.getErrorCode()).isEqualTo(1045);
        assertThat(refused.getSQLState()).isEqualTo("28000");
        try (Connection tls = connect(perUser, Driver.MARIADB, "sslMode=trust")) {
            assertThat(ConnectorHarness.queryLong(tls, "select @@server_id")).isEqualTo(plain.primaryServerId());
        }
    }

    @Test
    void aClientOfferingOnlyAes128ShaCannotConnect() throws Exception {
        assertThat(tlsHandshake("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
                .as("control: TLS 1.2 with an AEAD, forward-secret suite")
                .isNull();

        Throwable weak = tlsHandshake("TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA");

        assertThat(weak).as("the handshake offering only AES128-SHA").isNotNull();
    }

    @Test
    void theMariaDbClientOfferingOnlyAes128ShaCannotConnect() throws Exception {
        Path client = onPath("mariadb");
        assumeTrue(client != null, "the mariadb command-line client is not installed");
        List<String> base = List.of(
                client.toString(),
                "--no-defaults",
                "--protocol=TCP",
                "-h127.0.0.1",
                "-P" + required.port(),
                "-u" + plain.cluster().appUser(),
                "-p" + plain.cluster().appPassword(),
                "--ssl",
                "--ssl-verify-server-cert=0",
                "--tls-version=TLSv1.2");

        Outcome modern = run(concat(base, "-N", "-e", "select 1"));
        Outcome weak = run(concat(base, "--ssl-cipher=AES128-SHA", "-N", "-e", "select 1"));

        assertThat(modern.exitCode())
                .as("control, TLS 1.2 with the client's default ciphers: %s", modern.output())
                .isZero();
        assertThat(weak.exitCode()).as("AES128-SHA only: %s", weak.output()).isNotZero();
        assertThat(weak.output()).contains("ERROR 2026");
    }

    @Test
    void aHandshakeResponseAskingForTlsWithoutAnSslRequestIsRefused() throws Exception {
        try (RawClient client = RawClient.connect(plain.port())) {
            assertThat(client.greeting().capabilities() & RawClient.CLIENT_SSL).isZero();
            byte[] scramble = dev.turnout.protocol.auth.Scrambles.nativePassword(
                    plain.cluster().appPassword().getBytes(StandardCharsets.UTF_8),
                    client.greeting().authPluginData());
            client.writePacket(
                    1,
                    RawClient.handshakeResponse(
                            RawClient.CAPABILITIES | RawClient.CLIENT_SSL,
                            plain.cluster().appUser(),
                            scramble,
                            "test",
                            RawClient.MYSQL_NATIVE_PASSWORD));

            RawClient.Packet answer = client.readPacket();

            assertThat(answer.isErr()).isTrue();
            assertThat(answer.err().errorCode()).isEqualTo(1043);
            assertThat(answer.err().message()).contains("CLIENT_SSL set, but this connector offers no TLS");
            assertThat(client.awaitClosedByPeer(java.time.Duration.ofSeconds(5)))
                    .isTrue();
        }
    }

    /**
     * A TLS handshake with the connector offering exactly {@code protocol} and {@code suite};
     * null when it completed, else what ended it.
     */
    private static Throwable tlsHandshake(String protocol, String suite) throws Exception {
        SSLEngine engine = RawClient.trustingTlsContext().createSSLEngine("127.0.0.1", required.port());
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {protocol});
        engine.setEnabledCipherSuites(new String[] {suite});
        try (RawClient client = RawClient.connect(required.port())) {
            client.writeRaw(RawClient.sslRequestPacket());
            return catchThrowable(
                    () -> assertThat(completeHandshake(engine, client)).isEqualTo(HandshakeStatus.NOT_HANDSHAKING));
        }
    }

    /** Drives the client side of a TLS handshake over the raw client's socket (reads time out after 5 s). */
    private static HandshakeStatus completeHandshake(SSLEngine engine, RawClient client) throws Exception {
        engine.beginHandshake();
        int size = engine.getSession().getPacketBufferSize();
        ByteBuffer fromServer = ByteBuffer.allocate(4 * size);
        ByteBuffer plainText = ByteBuffer.allocate(4 * engine.getSession().getApplicationBufferSize());
        byte[] chunk = new byte[size];
        for (int step = 0; step < 100; step++) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    ByteBuffer toServer = ByteBuffer.allocate(size);
                    engine.wrap(ByteBuffer.allocate(0), toServer);
                    client.writeRaw(Arrays.copyOf(toServer.array(), toServer.position()));
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    fromServer.flip();
                    SSLEngineResult result = engine.unwrap(fromServer, plainText);
                    fromServer.compact();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        int read = client.readRaw(chunk);
                        if (read < 0) {
                            throw new IOException("the connector closed the connection during the TLS handshake");
                        }
                        fromServer.put(chunk, 0, read);
                    }
                }
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    return HandshakeStatus.NOT_HANDSHAKING;
                }
            }
        }
        return engine.getHandshakeStatus();
    }

    private record Outcome(int exitCode, String output) {}

    private static Outcome run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("%s exited", command.get(0))
                    .isTrue();
            return new Outcome(process.exitValue(), output);
        } finally {
            process.destroyForcibly();
        }
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    private static Path onPath(String name) {
        for (String path : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (!path.isEmpty() && Files.isExecutable(Path.of(path, name))) {
                return Path.of(path, name);
            }
        }
        return null;
    }
}
