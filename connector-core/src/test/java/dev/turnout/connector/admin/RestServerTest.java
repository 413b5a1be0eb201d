package dev.turnout.connector.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpHandler;
import dev.turnout.connector.config.Pem;
import dev.turnout.connector.config.TlsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The hardening every REST API gets: mandatory password, rate limiting, CSRF check, slow clients, HTTPS. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RestServerTest {

    private static final byte[] PASSWORD = "s3cret".getBytes(StandardCharsets.UTF_8);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicInteger handled = new AtomicInteger();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private RestServer server;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private final HttpHandler ok = exchange -> {
        handled.incrementAndGet();
        byte[] body = "{\"result\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    };

    private void start(int threads, Duration readTimeout, TlsFiles tls, HttpHandler handler) throws Exception {
        server = RestServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "test api",
                "admin",
                PASSWORD,
                tls,
                Map.of("/api/", handler),
                threads,
                readTimeout,
                clock::get);
    }

    private String base() {
        return server.scheme() + "://127.0.0.1:" + server.address().getPort();
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String credentials) throws Exception {
        return send(
                HttpRequest.newBuilder(URI.create(base() + "/api/status")).header("Authorization", basic(credentials)));
    }

    private HttpRequest.Builder post(String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/api/switch?to=db2"))
                .header("Authorization", basic("admin:s3cret"))
                .POST(HttpRequest.BodyPublishers.noBody());
        return headers.length == 0 ? b : b.headers(headers);
    }

    private ListAppender<ILoggingEvent> captureGuardLog() {
        Logger logger = (Logger) LoggerFactory.getLogger(RestGuard.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        open.add(() -> logger.detachAppender(appender));
        return appender;
    }

    @Test
    void refusesToStartWithoutAPasswordNamingTheKeys() {
        assertThatThrownBy(() -> RestServer.start(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        "test api",
                        "admin",
                        new byte[0],
                        null,
                        Map.of("/api/", ok)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rest-api-admin-user")
                .hasMessageContaining("rest-api-admin-password");
    }

    @Test
    void requestsWithoutCredentialsAreChallengedAndReachNoHandler() throws Exception {
        start(2, Duration.ofSeconds(5), null, ok);
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/api/status")));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm=\"test api\""));
        assertThat(handled).hasValue(0);
    }

    @Test
    void fiveWrongPasswordsLockTheAddressOutForAGrowingIntervalAndEachIsLogged() throws Exception {
        start(2, Duration.ofSeconds(5), null, ok);
        ListAppender<ILoggingEvent> log = captureGuardLog();
        for (int i = 0; i < 5; i++) {
            assertThat(get("admin:guess" + i).statusCode())
                    .as("failure %d", i + 1)
                    .isEqualTo(401);
        }
        HttpResponse<String> locked = get("admin:s3cret");
        assertThat(locked.statusCode())
                .as("even the right password, while locked out")
                .isEqualTo(429);
        assertThat(locked.headers().firstValue("Retry-After")).contains("1");
        assertThat(handled).hasValue(0);
        List<String> failures = log.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("failed login"))
                .toList();
        assertThat(failures).hasSize(5).allSatisfy(m -> assertThat(m).contains("'admin'", "127.0.0.1"));
        assertThat(failures.get(4)).contains("5 in a row", "locked out for 1000 ms");

        clock.addAndGet(Duration.ofMillis(1001).toNanos());
        assertThat(get("admin:guess5").statusCode()).isEqualTo(401);
        HttpResponse<String> longer = get("admin:s3cret");
        assertThat(longer.statusCode()).isEqualTo(429);
        assertThat(longer.headers().firstValue("Retry-After")).as("doubled").contains("2");

        clock.addAndGet(Duration.ofMillis(2001).toNanos());
        assertThat(get("admin:s3cret").statusCode()).isEqualTo(200);
        assertThat(get("admin:wrong").statusCode())
                .as("a success forgot the failures")
                .isEqualTo(401);
        assertThat(get("admin:s3cret").statusCode()).isEqualTo(200);
    }

    @Test
    void logsAFailedUserNameCutTo64CharactersWithControlCharactersEscaped() throws Exception {
        start(2, Duration.ofSeconds(5), null, ok);
        ListAppender<ILoggingEvent> log = captureGuardLog();
        // No ':' in it: Basic credentials end the user name at the first colon.
        String forged = "x\nINFO  [main] Manager - switch done " + "A".repeat(65_000);
        assertThat(get(forged + ":pw").statusCode()).isEqualTo(401);
        String line = log.list.get(0).getFormattedMessage();
        assertThat(line)
                .doesNotContain("\n")
                .contains("'x\\u000aINFO  [main] Manager - switch done AAA", "...(65037 chars)")
                .hasSizeLessThan(256);
    }

    @Test
    void refusesAStateChangeWithoutTheRequestHeaderOrAJsonBody() throws Exception {
        start(2, Duration.ofSeconds(5), null, ok);
        HttpResponse<String> plain = send(post());
        assertThat(plain.statusCode()).isEqualTo(403);
        assertThat(plain.body()).contains("X-Turnout-Request");
        HttpResponse<String> form = send(post("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(form.statusCode()).isEqualTo(403);
        assertThat(handled).hasValue(0);

        assertThat(send(post("X-Turnout-Request", "1")).statusCode()).isEqualTo(200);
        assertThat(send(post("Content-Type", "application/json")).statusCode()).isEqualTo(200);
        assertThat(handled).hasValue(2);
    }

    @Test
    void refusesACrossOriginStateChangeEvenWithTheHeader() throws Exception {
        start(2, Duration.ofSeconds(5), null, ok);
        HttpResponse<String> forged = send(post("X-Turnout-Request", "1", "Origin", "http://evil.example"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("cross-origin");
        assertThat(send(post("Content-Type", "application/json", "Origin", "null"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(handled).hasValue(0);

        assertThat(send(post("X-Turnout-Request", "1", "Origin", base())).statusCode())
                .as("its own origin")
                .isEqualTo(200);
    }

    /** A request line and half the headers, then nothing: what a slowloris client sends. */
    private Socket halfOpen() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
        open.add(s);
        s.getOutputStream()
                .write("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthori".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    @Test
    void twoHalfOpenRequestsDoNotDelayAThirdRequest() throws Exception {
        start(RestServer.DEFAULT_THREADS, RestServer.DEFAULT_READ_TIMEOUT, null, ok);
        halfOpen();
        halfOpen();
        Thread.sleep(100); // let the server hand both to its threads
        long started = System.nanoTime();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base() + "/api/status"))
                        .header("Authorization", basic("admin:s3cret"))
                        .timeout(Duration.ofSeconds(1))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void moreHalfOpenRequestsThanThreadsAreClosedAfterTheReadTimeout() throws Exception {
        start(2, Duration.ofMillis(300), null, ok);
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            slow.add(halfOpen());
        }
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base() + "/api/status"))
                        .header("Authorization", basic("admin:s3cret"))
                        .timeout(Duration.ofSeconds(3))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        for (Socket s : slow) {
            s.setSoTimeout(3000);
            InputStream in = s.getInputStream();
            assertThat(in.read())
                    .as("the server closed the half-open connection")
                    .isEqualTo(-1);
        }
    }

    @Test
    void aRequestBeingHandledIsNotCutByTheReadTimeout() throws Exception {
        start(2, Duration.ofMillis(100), null, exchange -> {
            try {
                Thread.sleep(600);
            } catch (InterruptedException e) {
                throw new IOException("interrupted while handling", e);
            }
            ok.handle(exchange);
        });
        assertThat(get("admin:s3cret").statusCode()).isEqualTo(200);
    }

    private static Path resource(String name) throws Exception {
        return Path.of(RestServerTest.class.getResource("/rest-tls/" + name).toURI());
    }

    @Test
    void servesHttpsWithTheConfiguredCertificateAndAClientTrustingItConnects() throws Exception {
        start(2, Duration.ofSeconds(5), new TlsFiles(resource("cert.pem"), resource("key.pem")), ok);
        assertThat(base()).startsWith("https://");
        HttpClient trusting = HttpClient.newBuilder()
                .sslContext(Pem.trustingContext(resource("cert.pem")))
                .build();
        HttpResponse<String> r = trusting.send(
                HttpRequest.newBuilder(URI.create(base() + "/api/status"))
                        .header("Authorization", basic("admin:s3cret"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);

        HttpClient other = HttpClient.newBuilder()
                .sslContext(Pem.trustingContext(resource("other-cert.pem")))
                .build();
        assertThatThrownBy(() -> other.send(
                        HttpRequest.newBuilder(URI.create(base() + "/api/status"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> http.send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + server.address().getPort() + "/api/status"))
                                .timeout(Duration.ofSeconds(3))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .as("plain HTTP on the HTTPS port")
                .isInstanceOf(IOException.class);
    }

    @Test
    void readsPkcs1AndPkcs8FormsOfTheSameKey() throws Exception {
        assertThat(Pem.privateKey(resource("key-pkcs1.pem")).getEncoded())
                .isEqualTo(Pem.privateKey(resource("key.pem")).getEncoded());
        assertThat(Pem.certificates(resource("cert.pem"))).hasSize(1);
    }
}
