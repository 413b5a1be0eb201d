package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The connector's REST API: status as JSON and Prometheus metrics, behind Basic authentication. */
@ExtendWith(SandboxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestApiIT {

    private static SandboxCluster cluster;
    private static ConnectorServer connector;
    private static String base;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(SandboxCluster sandbox) throws Exception {
        cluster = sandbox;
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        connector = ConnectorHarness.start(
                cluster,
                "connector-rest-api-address=127.0.0.1:" + port
                        + "\nrest-api-admin-user=admin\nrest-api-admin-password=s3cret\n");
        base = "http://127.0.0.1:" + connector.restApiAddress().orElseThrow().getPort();
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.shutdown(Duration.ofSeconds(2));
        }
    }

    private static HttpResponse<String> get(String path, String credentials) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (credentials != null) {
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void statusListsTheDatasourcesAndMetricsCountRoutedStatements() throws Exception {
        try (Connection c = Driver.MARIADB.connect(connector.port(), cluster.appUser(), cluster.appPassword(), "")) {
            for (int i = 0; i < 5; i++) {
                ConnectorHarness.queryLong(c, "SELECT 1");
            }
            HttpResponse<String> status = get("/api/v1/status", "admin:s3cret");
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.body())
                    .contains(
                            "\"state\" : \"ONLINE\"",
                            "\"dataservice\" : \"alpha\"",
                            "\"name\" : \"" + cluster.primary().hostPort() + "\"",
                            "\"role\" : \"master\"",
                            "\"sessions\" : 1");
            HttpResponse<String> metrics = get("/metrics", "admin:s3cret");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains(
                            "# TYPE turnout_statements_routed_total counter",
                            "turnout_sessions_active 1",
                            "turnout_datasource_sessions{datasource=\""
                                    + cluster.primary().hostPort() + "\"} 1");
            String line = metrics.body()
                    .lines()
                    .filter(l ->
                            l.startsWith("turnout_statements_routed_total{reason=\"qos_rw_strict\",role=\"master\"}"))
                    .findFirst()
                    .orElseThrow();
            assertThat(Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
                    .isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void requestsWithoutTheRightCredentialsAreRefused() throws Exception {
        assertThat(get("/api/v1/status", null).statusCode()).isEqualTo(401);
        assertThat(get("/metrics", "admin:wrong").statusCode()).isEqualTo(401);
    }
}
