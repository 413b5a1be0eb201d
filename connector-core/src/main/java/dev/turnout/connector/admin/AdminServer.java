package dev.turnout.connector.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.config.TlsFiles;
import dev.turnout.connector.topology.ConnectorControl;
import dev.turnout.connector.topology.ConnectorTopology;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.TopologySnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The connector's REST API: {@code GET /api/v1/status} (JSON: state, topology version, datasources
 * as the connector sees them, sessions) and {@code GET /metrics} (every meter in the Prometheus
 * text exposition format). Every request needs the Basic credentials of {@code rest-api-admin-user}
 * / {@code rest-api-admin-password}, status and metrics alike: the status names every datasource's
 * host and port, which is what an attacker looks for first, and Prometheus scrapes with
 * {@code basic_auth} as easily as without. HTTPS with {@code rest-api-ssl-certificate} /
 * {@code rest-api-ssl-key}. See {@link RestServer}.
 */
public final class AdminServer implements AutoCloseable {

    private @Nullable RestServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final String connector;
    private final ConnectorTopology topology;
    private final ConnectorControl control;
    private final MeterRegistry metrics;
    private final IntSupplier sessions;

    private AdminServer(
            String connector,
            ConnectorTopology topology,
            ConnectorControl control,
            MeterRegistry metrics,
            IntSupplier sessions) {
        this.connector = connector;
        this.topology = topology;
        this.control = control;
        this.metrics = metrics;
        this.sessions = sessions;
    }

    /**
     * Binds {@code address} and serves, always behind Basic authentication ({@link RestServer}).
     *
     * @param user     the Basic-auth user
     * @param password its password; empty is refused
     * @param tls      the certificate and key of HTTPS; null serves plain HTTP
     * @throws IllegalArgumentException when the password is empty
     * @throws IOException when the address cannot be bound
     * @throws GeneralSecurityException when the certificate or key cannot be used
     */
    public static AdminServer start(
            HostPort address,
            String user,
            byte[] password,
            @Nullable TlsFiles tls,
            String connector,
            ConnectorTopology topology,
            ConnectorControl control,
            MeterRegistry metrics,
            IntSupplier sessions)
            throws IOException, GeneralSecurityException {
        AdminServer admin = new AdminServer(connector, topology, control, metrics, sessions);
        admin.server = RestServer.start(
                new InetSocketAddress(address.host(), address.port()),
                "turnout connector",
                user,
                password,
                tls,
                Map.of(
                        "/api/v1/status",
                        exchange -> admin.respond(exchange, "application/json", admin::status),
                        "/metrics",
                        exchange -> admin.respond(
                                exchange, "text/plain; version=0.0.4; charset=utf-8", admin::prometheus)));
        return admin;
    }

    /** The bound address (with the actual port when 0 was configured). */
    public InetSocketAddress address() {
        return Objects.requireNonNull(server).address();
    }

    /** {@code https} or {@code http}. */
    public String scheme() {
        return Objects.requireNonNull(server).scheme();
    }

    private interface Body {
        String render() throws IOException;
    }

    private void respond(HttpExchange exchange, String contentType, Body body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.render().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private String status() throws IOException {
        TopologySnapshot snapshot = topology.holder().current();
        ObjectNode root = json.createObjectNode();
        root.put("connector", connector);
        root.put("state", control.state().label());
        root.put("dataservice", topology.service());
        root.put("topologyVersion", snapshot.version());
        root.put("topologyEpoch", snapshot.epoch());
        root.put("policy", snapshot.policy().name());
        root.put("sessions", sessions.getAsInt());
        ArrayNode datasources = root.putArray("datasources");
        for (Datasource d : snapshot.dataservice(topology.service()).datasources()) {
            ObjectNode node = datasources.addObject();
            node.put("name", d.name());
            node.put("host", d.host());
            node.put("port", d.port());
            node.put("role", d.role().name().toLowerCase(Locale.ROOT));
            node.put("state", d.state().name());
            node.put("reachable", d.reachable());
            node.put("replication", d.replication().name());
            node.put("latencyMillis", d.latencyMillis());
            node.put("position", d.position().toString());
            node.put("sessions", topology.sessions(d.name()));
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    /** Every counter and gauge, in the Prometheus text format (names with '_', counters with '_total'). */
    private String prometheus() {
        StringBuilder out = new StringBuilder();
        String lastName = null;
        for (Meter meter : metrics.getMeters().stream()
                .sorted(java.util.Comparator.comparing((Meter m) -> m.getId().getName()))
                .toList()) {
            double value;
            String type;
            String name = meter.getId().getName().replace('.', '_');
            if (meter instanceof Counter counter) {
                value = counter.count();
                type = "counter";
                name += "_total";
            } else if (meter instanceof Gauge gauge) {
                value = gauge.value();
                type = "gauge";
            } else {
                continue;
            }
            if (!name.equals(lastName)) {
                String help = meter.getId().getDescription();
                if (help != null) {
                    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
                }
                out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
                lastName = name;
            }
            out.append(name);
            boolean first = true;
            for (Tag tag : meter.getId().getTags()) {
                out.append(first ? '{' : ',')
                        .append(tag.getKey())
                        .append("=\"")
                        .append(tag.getValue().replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
                first = false;
            }
            if (!first) {
                out.append('}');
            }
            out.append(' ')
                    .append(
                            value == Math.rint(value) && !Double.isInfinite(value)
                                    ? Long.toString((long) value)
                                    : Double.toString(value))
                    .append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() {
        RestServer s = server;
        if (s != null) {
            s.close();
        }
    }
}
