package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.mysql.cj.MysqlConnection;
import com.mysql.cj.NativeSession;
import dev.turnout.connector.ConnectorServer;
import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.auth.Scrambles;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.message.server.AuthSwitchRequest;
import dev.turnout.testkit.RawClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
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
 * TLS towards clients: offered only when a certificate and key are configured, used by both
 * drivers and the {@code mariadb} command-line client, and the only transport on which the
 * connector accepts {@code mysql_clear_password}. Certificates are made with {@code openssl}.
 */
@Timeout(120)
class TlsIT {

    @TempDir
    static Path dir;

    @RegisterExtension
    static final ConnectorExtension plain = new ConnectorExtension();

    private static ConnectorServer tls;

    @BeforeAll
    static void startTls() throws Exception {
        assumeTrue(commandExists("openssl"), "openssl is not installed: cannot make a test certificate");
        run(
                dir,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "key.pem",
                "-out",
                "cert.pem",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1");
        assertThat(Files.readString(dir.resolve("key.pem"))).contains("-----BEGIN PRIVATE KEY-----");
        tls = ConnectorHarness.start(plain.cluster(), tlsSettings(dir.resolve("cert.pem"), dir.resolve("key.pem")));
    }

    @AfterAll
    static void stopTls() {
        if (tls != null) {
            tls.shutdown(Duration.ofSeconds(2));
        }
    }

    private static String tlsSettings(Path certificate, Path key) {
        return "connector-ssl-certificate=" + certificate + "\nconnector-ssl-key=" + key;
    }

    private static String mySqlUrl(int port, String options) {
        return "jdbc:mysql://127.0.0.1:" + port
                + "/test?allowPublicKeyRetrieval=true&connectTimeout=5000&socketTimeout=30000&" + options;
    }

    private static String mariaDbUrl(int port, String options) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/test?connectTimeout=5000&socketTimeout=30000&" + options;
    }

    private static boolean mySqlTlsEstablished(Connection connection) throws SQLException {
        NativeSession session =
                (NativeSession) connection.unwrap(MysqlConnection.class).getSession();
        return session.getProtocol().getSocketConnection().isSSLEstablished();
    }

    private static boolean mariaDbTlsEstablished(Connection connection) throws SQLException {
        return connection
                .unwrap(org.mariadb.jdbc.Connection.class)
                .getContext()
                .hasClientCapability(Capabilities.CLIENT_SSL);
    }

    @Test
    void mySqlConnectorJRequiringTlsConnectsOverTls() throws Exception {
        try (Connection connection = DriverManager.getConnection(
                mySqlUrl(tls.port(), "sslMode=REQUIRED"),
                plain.cluster().appUser(),
                plain.cluster().appPassword())) {
            assertThat(mySqlTlsEstablished(connection)).isTrue();
            assertThat(ConnectorHarness.queryLong(connection, "select @@server_id"))
                    .isEqualTo(plain.primaryServerId());
        }
    }

    @Test
    void mySqlConnectorJRequiringTlsIsRefusedByAConnectorWithoutCertificate() throws Exception {
        SQLException refused = SqlErrors.thrownBy(() -> DriverManager.getConnection(
                        mySqlUrl(plain.port(), "sslMode=REQUIRED"),
                        plain.cluster().appUser(),
                        plain.cluster().appPassword())
                .close());
        assertThat(refused.getSQLState()).startsWith("08");
        // Without REQUIRED the same driver logs in in plain text: the refusal was about TLS.
        try (Connection connection = DriverManager.getConnection(
                mySqlUrl(plain.port(), "sslMode=PREFERRED"),
                plain.cluster().appUser(),
                plain.cluster().appPassword())) {
            assertThat(mySqlTlsEstablished(connection)).isFalse();
        }
    }

    @Test
    void mariaDbConnectorJWithSslModeTrustConnectsOverTls() throws Exception {
        try (Connection connection = DriverManager.getConnection(
                mariaDbUrl(tls.port(), "sslMode=trust"),
                plain.cluster().appUser(),
                plain.cluster().appPassword())) {
            assertThat(mariaDbTlsEstablished(connection)).isTrue();
            assertThat(ConnectorHarness.queryLong(connection, "select @@server_id"))
                    .isEqualTo(plain.primaryServerId());
        }
        SQLException refused = SqlErrors.thrownBy(() -> DriverManager.getConnection(
                        mariaDbUrl(plain.port(), "sslMode=trust"),
                        plain.cluster().appUser(),
                        plain.cluster().appPassword())
                .close());
        assertThat(refused.getMessage()).containsIgnoringCase("ssl");
    }

    @Test
    void mySqlConnectorJLogsInWithAClearPasswordOverTls() throws Exception {
        String options = "sslMode=REQUIRED&defaultAuthenticationPlugin=mysql_clear_password";
        try (Connection connection = DriverManager.getConnection(
                mySqlUrl(tls.port(), options),
                plain.cluster().appUser(),
                plain.cluster().appPassword())) {
            assertThat(mySqlTlsEstablished(connection)).isTrue();
            assertThat(ConnectorHarness.queryLong(connection, "select @@server_id"))
                    .isEqualTo(plain.primaryServerId());
        }
        SQLException refused = SqlErrors.thrownBy(() -> DriverManager.getConnection(
                        mySqlUrl(tls.port(), options), plain.cluster().appUser(), "wrong")
                .close());
        assertThat(refused.getErrorCode()).isEqualTo(1045);
    }

    @Test
    void aClearPasswordIsAcceptedOverTls() throws Exception {
        try (RawClient client = RawClient.connect(tls.port())) {
            assertThat(client.greeting().capabilities() & Capabilities.CLIENT_SSL)
                    .isNotZero();
            client.startTls();
            RawClient.Packet ok = client.loginAfterTls(
                    plain.cluster().appUser(), plain.cluster().appPassword(), AuthPlugins.MYSQL_CLEAR_PASSWORD);
            assertThat(ok.firstByte()).as("OK, not 0x%02x", ok.firstByte()).isZero();
            assertThat(client.queryLong("select @@server_id")).isEqualTo(plain.primaryServerId());
        }
        try (RawClient client = RawClient.connect(tls.port())) {
            client.startTls();
            RawClient.Packet err =
                    client.loginAfterTls(plain.cluster().appUser(), "wrong", AuthPlugins.MYSQL_CLEAR_PASSWORD);
            assertThat(err.isErr()).isTrue();
            assertThat(err.err().errorCode()).isEqualTo(1045);
            assertThat(err.sequenceId()).isEqualTo(3);
        }
    }

    @Test
    void aTlsClientHelloSentTogetherWithTheSslRequestIsAnswered() throws Exception {
        SSLEngine engine = RawClient.trustingTlsContext().createSSLEngine("127.0.0.1", tls.port());
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer clientHello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), clientHello);
        clientHello.flip();
        try (RawClient client = RawClient.connect(tls.port())) {
            // One write, so one segment on loopback: the connector reads the SSLRequest and the
            // first TLS record in the same read, and must hand that record to TLS, not to MySQL framing.
            byte[] sslRequest = RawClient.sslRequestPacket();
            byte[] both = new byte[sslRequest.length + clientHello.remaining()];
            System.arraycopy(sslRequest, 0, both, 0, sslRequest.length);
            clientHello.get(both, sslRequest.length, both.length - sslRequest.length);
            client.writeRaw(both);

            assertThat(completeHandshake(engine, client)).isEqualTo(HandshakeStatus.NOT_HANDSHAKING);
        }
    }

    /** Drives the client side of a TLS handshake over the raw client's socket (reads time out after 5 s). */
    private static HandshakeStatus completeHandshake(SSLEngine engine, RawClient client) throws Exception {
        int size = engine.getSession().getPacketBufferSize();
        ByteBuffer fromServer = ByteBuffer.allocate(4 * size);
        ByteBuffer plain = ByteBuffer.allocate(4 * engine.getSession().getApplicationBufferSize());
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
                    SSLEngineResult result = engine.unwrap(fromServer, plain);
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

    @Test
    void aClearPasswordIsNeverAcceptedInPlainTextButSwitchedToNative() throws Exception {
        try (RawClient client = RawClient.connect(tls.port())) {
            RawClient.Packet answer = client.login(
                    plain.cluster().appUser(), plain.cluster().appPassword(), AuthPlugins.MYSQL_CLEAR_PASSWORD);
            assertThat(answer.firstByte()).as("an AuthSwitchRequest").isEqualTo(AuthSwitchRequest.HEADER);
            byte[] pluginName = AuthPlugins.MYSQL_NATIVE_PASSWORD.getBytes(StandardCharsets.US_ASCII);
            assertThat(answer.payload()).startsWith(concat(new byte[] {(byte) AuthSwitchRequest.HEADER}, pluginName));
            assertThat(answer.sequenceId()).isEqualTo(2);

            // The switch is to the greeting's scramble; answering it with a native response logs in.
            byte[] scramble = Scrambles.nativePassword(
                    plain.cluster().appPassword().getBytes(StandardCharsets.UTF_8),
                    client.greeting().authPluginData());
            client.writePacket(3, scramble);
            RawClient.Packet ok = client.readPacket();
            assertThat(ok.firstByte()).as("OK, not 0x%02x", ok.firstByte()).isZero();
            assertThat(ok.sequenceId()).isEqualTo(4);
            assertThat(client.queryLong("select @@server_id")).isEqualTo(plain.primaryServerId());
        }
    }

    @Test
    void theMariaDbCommandLineClientConnectsOverTls() throws Exception {
        assumeTrue(commandExists("mariadb"), "the mariadb command-line client is not installed");
        String output = run(
                dir,
                "mariadb",
                "-h127.0.0.1",
                "-P" + tls.port(),
                "-u" + plain.cluster().appUser(),
                "-p" + plain.cluster().appPassword(),
                "--ssl",
                "--ssl-verify-server-cert=0",
                "test",
                "-N",
                "-e",
                "select @@server_id; \\s");
        assertThat(output).startsWith(plain.primaryServerId() + "\n");
        assertThat(output).containsPattern("SSL:\\s+Cipher in use is \\S+");
    }

    @Test
    void aPkcs1KeyIsAccepted() throws Exception {
        Path keys = Files.createDirectories(dir.resolve("pkcs1"));
        run(keys, "openssl", "genrsa", "-traditional", "-out", "key.pem", "2048");
        run(
                keys,
                "openssl",
                "req",
                "-x509",
                "-new",
                "-key",
                "key.pem",
                "-out",
                "cert.pem",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1");
        assertThat(Files.readString(keys.resolve("key.pem"))).contains("-----BEGIN RSA PRIVATE KEY-----");

        try (ConnectorServer pkcs1 = ConnectorHarness.start(
                        plain.cluster(), tlsSettings(keys.resolve("cert.pem"), keys.resolve("key.pem")));
                Connection connection = DriverManager.getConnection(
                        mySqlUrl(pkcs1.port(), "sslMode=REQUIRED"),
                        plain.cluster().appUser(),
                        plain.cluster().appPassword())) {
            assertThat(mySqlTlsEstablished(connection)).isTrue();
            assertThat(ConnectorHarness.queryLong(connection, "select @@server_id"))
                    .isEqualTo(plain.primaryServerId());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static boolean commandExists(String command) {
        for (String path : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(path, command))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command in {@code workDir} (at most 60 s) and returns its output; fails on a non-zero exit. */
    private static String run(Path workDir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("%s finished", command[0])
                    .isTrue();
            assertThat(process.exitValue())
                    .as("exit status of %s: %s", new ArrayList<>(List.of(command)), output)
                    .isZero();
            return output;
        } finally {
            process.destroyForcibly();
        }
    }
}
