package dev.turnout.manager;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.turnout.connector.admin.RestServer;
import dev.turnout.manager.group.ManagerGroup;
import dev.turnout.push.ConnectorState;
import dev.turnout.push.PushCodec;
import dev.turnout.push.RouterInfo;
import dev.turnout.routing.topology.Policy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's REST API (JSON, HTTP Basic auth with {@code rest-api-admin-user} /
 * {@code rest-api-admin-password}, HTTPS with {@code rest-api-ssl-certificate} /
 * {@code rest-api-ssl-key}):
 * <ul>
 *   <li>{@code GET /api/v1/status}: coordinator, routers and the topology</li>
 *   <li>{@code POST /api/v1/switch[?to=NAME]}</li>
 *   <li>{@code POST /api/v1/policy?value=automatic|maintenance}</li>
 *   <li>{@code POST /api/v1/datasource/NAME/shun|recover|online|offline}</li>
 *   <li>{@code POST /api/v1/router/CONNECTOR/online|onhold|offline}</li>
 * </ul>
 * A POST needs the header {@code X-Turnout-Request: 1} (or a JSON body) and no foreign
 * {@code Origin}; failed logins are rate-limited per client address: see {@link RestServer}.
 * Errors are {@code {"error": "..."}} with 400 (bad request), 401, 403, 404, 405, 409 (the manager
 * could not carry it out) or 429 (locked out after failed logins).
 *
 * <p>Threading: the {@link RestServer}'s pool; requests call the {@link Manager}, which serialises
 * operations, so a switch in progress makes other operations wait but leaves status requests served.
 */
final class RestApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RestApi.class);

    private final Manager manager;
    private @Nullable RestServer server;

    private RestApi(Manager manager) {
        this.manager = manager;
    }

    /**
     * Serves the API of {@code manager} at {@link ManagerSettings#restAddress()}.
     *
     * @throws IOException when the address cannot be bound or the certificate and key cannot be used
     */
    static RestApi start(ManagerSettings settings, Manager manager) throws IOException {
        InetSocketAddress address = Objects.requireNonNull(settings.restAddress(), "restAddress");
        RestApi api = new RestApi(manager);
        try {
            api.server = RestServer.start(
                    address,
                    "turnout manager",
                    settings.restUser(),
                    settings.restPassword().getBytes(StandardCharsets.UTF_8),
                    settings.restTls(),
                    Map.of("/api/v1/", api::handle));
        } catch (GeneralSecurityException e) {
            throw new IOException("REST API: cannot use the certificate and key: " + e.getMessage(), e);
        }
        return api;
    }

    InetSocketAddress address() {
        return Objects.requireNonNull(server).address();
    }

    @Override
    public void close() {
        RestServer s = server;
        if (s != null) {
            s.close();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            URI uri = ex.getRequestURI();
            String[] path = uri.getPath().substring("/api/v1/".length()).split("/");
            Map<String, String> query = query(uri.getRawQuery());
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            try {
                route(ex, method, path, query);
            } catch (ManagerException e) {
                send(ex, e.badRequest() ? 400 : 409, error(e.getMessage()));
            } catch (IllegalArgumentException e) {
                send(ex, 400, error(e.getMessage()));
            } catch (RuntimeException e) {
                log.error("REST {} {} failed", method, uri.getPath(), e);
                send(ex, 500, error(e.toString()));
            }
        }
    }

    private void route(HttpExchange ex, String method, String[] path, Map<String, String> query)
            throws IOException, ManagerException {
        String first = path.length > 0 ? path[0] : "";
        if (first.equals("status") && path.length == 1) {
            if (!method.equals("GET")) {
                send(ex, 405, error("use GET"));
                return;
            }
            send(ex, 200, status(manager));
            return;
        }
        if (!method.equals("POST")) {
            send(
                    ex,
                    first.matches("switch|policy|datasource|router") ? 405 : 404,
                    error(first.matches("switch|policy|datasource|router") ? "use POST" : "no such resource"));
            return;
        }
        ObjectNode ok = PushCodec.mapper().createObjectNode().put("result", "ok");
        if (first.equals("switch") && path.length == 1) {
            String master = manager.switchOver(query.get("to"));
            ok.put("master", master).put("version", manager.topology().version());
        } else if (first.equals("policy") && path.length == 1) {
            String value = query.get("value");
            if (value == null) {
                throw new IllegalArgumentException("policy needs ?value=automatic|maintenance");
            }
            Policy p;
            try {
                p = Policy.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("policy '" + value + "' is neither automatic nor maintenance", e);
            }
            manager.setPolicy(p);
            ok.put("policy", p.name());
        } else if (first.equals("datasource") && path.length == 3) {
            manager.datasource(path[1], DatasourceAction.parse(path[2]));
        } else if (first.equals("router") && path.length == 3) {
            if (!manager.setRouterState(path[1], ConnectorState.parse(path[2]))) {
                send(ex, 404, error("no connector '" + path[1] + "' is subscribed"));
                return;
            }
        } else {
            send(ex, 404, error("no such resource"));
            return;
        }
        send(ex, 200, ok);
    }

    /** The JSON of {@code GET /api/v1/status}. */
    static ObjectNode status(Manager manager) {
        ObjectNode n = PushCodec.mapper().createObjectNode();
        ObjectNode coordinator = n.putObject("coordinator");
        coordinator.put("name", manager.coordinator());
        coordinator.put("policy", manager.topology().policy().name());
        ManagerGroup group = manager.group();
        coordinator.put("state", group == null || group.hasQuorum() ? "ONLINE" : "NO QUORUM");
        n.put("dataservice", manager.dataservice().name());
        if (group != null) {
            ObjectNode g = n.putObject("group");
            g.put("self", group.settings().self());
            g.put("quorum", group.hasQuorum());
            g.put("coordinator", group.isCoordinator());
            g.put("epoch", group.highestEpoch());
            g.put(
                    "zookeeper",
                    group.settings().embedded() ? "embedded" : group.settings().connectString());
            ArrayNode members = g.putArray("managers");
            for (String[] m : group.memberStates()) {
                members.addObject().put("name", m[0]).put("kind", m[1]).put("state", m[2]);
            }
            ArrayNode witnesses = g.putArray("witnesses");
            group.settings().passiveWitnesses().forEach(witnesses::add);
        }
        ArrayNode routers = n.putArray("routers");
        for (RouterInfo r : manager.routers()) {
            ObjectNode o = routers.addObject();
            o.put("connector", r.connector());
            o.put("host", r.host());
            o.put("pid", r.pid());
            o.put("state", r.state().label());
            o.put("created", r.created());
            o.put("active", r.active());
            o.put("display", r.display());
        }
        n.set("topology", PushCodec.toTree(manager.topology()));
        return n;
    }

    /** An error body; a null message (an exception without one) is written as JSON null, as Jackson does. */
    private static ObjectNode error(@Nullable String message) {
        return PushCodec.mapper().createObjectNode().put("error", message);
    }

    private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }
}
