package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.connector.config.ConfigException;
import dev.turnout.connector.config.TlsFiles;
import dev.turnout.manager.cli.CctrlTestAccess;
import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.push.PushSecret;
import dev.turnout.routing.topology.Policy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager's REST API without databases: its datasources do not answer (nothing listens on
 * their ports), which leaves the policy as a state change that needs none.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RestApiTest {

    private final List<AutoCloseable> open = new ArrayList<>();
    private Manager manager;

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    private static ManagerSettings settings(String restPassword, TlsFiles tls) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        return ManagerSettingsFixture.of(
                        List.of(
                                new DatasourceAddress("db1", "127.0.0.1", 9),
                                new DatasourceAddress("db2", "127.0.0.1", 9)),
                        "db1")
                .probeInterval(Duration.ofSeconds(1))
                .rest(restPassword)
                .restTls(tls)
                .switchTimeout(Duration.ofSeconds(1))
                .pushSecret(PushSecret.none())
                .build();
    }

    private String base() {
        InetSocketAddress rest = manager.restAddress();
        return "http://127.0.0.1:" + rest.getPort();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient()
                .send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder post(String path, String password, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody());
        return headers.length == 0 ? b : b.headers(headers);
    }

    private static Path resource(String name) throws Exception {
        return Path.of(RestApiTest.class.getResource("/rest-tls/" + name).toURI());
    }

    @Test
    void refusesToStartARestApiWithoutAPassword() throws Exception {
        assertThatThrownBy(() -> settings("", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("manager-rest-api-address")
                .hasMessageContaining("rest-api-admin-password");
        Path ini = Files.writeString(dir.resolve("tungsten.ini"), """
                [defaults]
                application-user=app
                application-password=secret
                manager-rest-api-address=127.0.0.1:8090
                [alpha]
                master=db1
                members=db1,db2
                """);
        assertThatThrownBy(() -> ManagerSettings.fromConfig(
                        ini, "alpha", new InetSocketAddress(0), Duration.ofSeconds(1), Policy.AUTOMATIC))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("manager-rest-api-address: set without a rest-api-admin-password");
    }

    @Test
    void aQueryStringPostOrACrossOriginOneChangesNothing() throws Exception {
        manager = Manager.start(settings("s3cret", null));
        HttpResponse<String> bare = send(post("/api/v1/policy?value=maintenance", "s3cret"));
        assertThat(bare.statusCode()).isEqualTo(403);
        HttpResponse<String> crossSite = send(post(
                "/api/v1/policy?value=maintenance",
                "s3cret",
                "X-Turnout-Request",
                "1",
                "Origin",
                "https://evil.example"));
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(manager.topology().policy()).isEqualTo(Policy.AUTOMATIC);

        CctrlTestAccess cctrl = new CctrlTestAccess(base(), "admin", "s3cret");
        assertThat(cctrl.run("set policy maintenance")).contains("policy is now MAINTENANCE");
        assertThat(manager.topology().policy()).isEqualTo(Policy.MAINTENANCE);
    }

    @Test
    void fiveWrongPasswordsLockTheClientOut() throws Exception {
        manager = Manager.start(settings("s3cret", null));
        CctrlTestAccess wrong = new CctrlTestAccess(base(), "admin", "guess");
        for (int i = 0; i < 5; i++) {
            assertThat(wrong.run("ls")).contains("ERROR: wrong user or password");
        }
        assertThat(new CctrlTestAccess(base(), "admin", "s3cret").run("set policy maintenance"))
                .contains("ERROR: too many failed logins");
        assertThat(manager.topology().policy()).isEqualTo(Policy.AUTOMATIC);
    }

    /** A request line and half the headers, then nothing. */
    private Socket halfOpen() throws IOException {
        Socket s = new Socket(
                InetAddress.getLoopbackAddress(), manager.restAddress().getPort());
        open.add(s);
        s.getOutputStream()
                .write("POST /api/v1/switch HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    @Test
    void twoHalfOpenRequestsDoNotDelayCctrl() throws Exception {
        manager = Manager.start(settings("s3cret", null));
        halfOpen();
        halfOpen();
        Thread.sleep(100); // both are with the server's threads now
        long started = System.nanoTime();
        String ls = new CctrlTestAccess(base(), "admin", "s3cret").run("ls");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        assertThat(ls).contains("COORDINATOR", "db1");
    }

    @Test
    void cctrlSpeaksHttpsTrustingTheConfiguredCertificate() throws Exception {
        manager = Manager.start(settings("s3cret", new TlsFiles(resource("cert.pem"), resource("key.pem"))));
        String https = "https://127.0.0.1:" + manager.restAddress().getPort();
        assertThat(new CctrlTestAccess(https, "admin", "s3cret", resource("cert.pem")).run("set policy maintenance"))
                .contains("policy is now MAINTENANCE");
        assertThat(new CctrlTestAccess(https, "admin", "s3cret", resource("other-cert.pem")).run("ls"))
                .as("a certificate that is not the trusted one")
                .contains("ERROR: manager at " + https + " unreachable")
                .doesNotContain("COORDINATOR");
    }
}
