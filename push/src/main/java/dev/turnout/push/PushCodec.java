package dev.turnout.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.turnout.routing.topology.CompositeDataservice;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.GtidPosition;
import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.ReplicationState;
import dev.turnout.routing.topology.Role;
import dev.turnout.routing.topology.TopologySnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the push protocol (docs/push-protocol.md): {@link PushMessage}s as single lines, and
 * {@link TopologySnapshot}s as JSON trees (the manager's REST API shows the same tree).
 *
 * <p>The mapping is written out field by field rather than left to reflection, so the wire format
 * is exactly what the protocol document says and the records keep validating what they receive.
 * Thread-safe: stateless apart from a shared, thread-safe {@link ObjectMapper}.
 */
public final class PushCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PushCodec() {}

    /** The shared mapper (thread-safe), for callers that write JSON next to these trees. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** One message as one line of JSON, without the terminating newline. */
    public static String encode(PushMessage message) {
        ObjectNode n = MAPPER.createObjectNode();
        // Java 17 has no pattern switch; the interface is sealed, so this chain is exhaustive.
        if (message instanceof PushMessage.Challenge c) {
            n.put("type", "challenge");
            n.put("nonce", c.nonce());
        } else if (message instanceof PushMessage.Proof p) {
            n.put("type", "proof");
            n.put("proof", p.proof());
        } else if (message instanceof PushMessage.Hello h) {
            n.put("type", "hello");
            n.put("connector", h.connector());
            n.put("host", h.host());
            n.put("pid", h.pid());
            ArrayNode ports = n.putArray("ports");
            h.ports().forEach(ports::add);
            n.put("lastVersion", h.lastVersion());
        } else if (message instanceof PushMessage.Stats s) {
            n.put("type", "stats");
            n.put("created", s.created());
            n.put("active", s.active());
        } else if (message instanceof PushMessage.Ack a) {
            n.put("type", "ack");
            n.put("request", a.request());
        } else if (message instanceof PushMessage.Topology t) {
            n.put("type", "topology");
            n.set("snapshot", toTree(t.snapshot()));
        } else if (message instanceof PushMessage.Hold h) {
            n.put("type", "hold");
            n.put("request", h.request());
        } else if (message instanceof PushMessage.Release) {
            n.put("type", "release");
        } else if (message instanceof PushMessage.State s) {
            n.put("type", "state");
            n.put("state", s.state().label());
        } else {
            throw new IllegalStateException("unknown push message " + message.getClass());
        }
        return n.toString();
    }

    /** The wire name of a message's type ({@code "hello"}, {@code "topology"}, ...), for logs. */
    public static String typeOf(PushMessage message) {
        return message.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The message of one line.
     *
     * @throws IllegalArgumentException when the line is not JSON, its type is unknown or a field is
     *         missing or invalid; the message names the field
     */
    public static PushMessage decode(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("push message is not JSON: " + e.getOriginalMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("push message is not a JSON object");
        }
        String type = text(n, "type");
        return switch (type) {
            case "challenge" -> new PushMessage.Challenge(text(n, "nonce"));
            case "proof" -> new PushMessage.Proof(text(n, "proof"));
            case "hello" -> {
                List<Integer> ports = new ArrayList<>();
                for (JsonNode p : array(n, "ports")) {
                    ports.add(p.asInt());
                }
                yield new PushMessage.Hello(
                        text(n, "connector"), text(n, "host"), number(n, "pid"), ports, number(n, "lastVersion"));
            }
            case "stats" -> new PushMessage.Stats(number(n, "created"), number(n, "active"));
            case "ack" -> new PushMessage.Ack(number(n, "request"));
            case "topology" -> new PushMessage.Topology(fromTree(field(n, "snapshot")));
            case "hold" -> new PushMessage.Hold(number(n, "request"));
            case "release" -> new PushMessage.Release();
            case "state" -> new PushMessage.State(ConnectorState.parse(text(n, "state")));
            default -> throw new IllegalArgumentException("push message type '" + type + "' is unknown");
        };
    }

    /** The JSON tree of a snapshot. */
    public static ObjectNode toTree(TopologySnapshot s) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("version", s.version());
        n.put("epoch", s.epoch());
        n.put("policy", s.policy().name());
        ArrayNode services = n.putArray("dataservices");
        for (Dataservice d : s.dataservices().values()) {
            ObjectNode ds = services.addObject();
            ds.put("name", d.name());
            ArrayNode sources = ds.putArray("datasources");
            for (Datasource x : d.datasources()) {
                ObjectNode o = sources.addObject();
                o.put("name", x.name());
                o.put("host", x.host());
                o.put("port", x.port());
                o.put("role", x.role().name());
                o.put("state", x.state().name());
                o.put("reachable", x.reachable());
                o.put("replication", x.replication().name());
                o.put("latencyMillis", x.latencyMillis());
                o.put("position", x.position().toString());
            }
        }
        ArrayNode composites = n.putArray("composites");
        for (CompositeDataservice c : s.composites().values()) {
            ObjectNode o = composites.addObject();
            o.put("name", c.name());
            ArrayNode members = o.putArray("members");
            c.members().forEach(members::add);
            if (c.active() == null) {
                o.putNull("active");
            } else {
                o.put("active", c.active());
            }
        }
        return n;
    }

    /**
     * The snapshot of a JSON tree made by {@link #toTree}.
     *
     * @throws IllegalArgumentException naming the missing or invalid field
     */
    public static TopologySnapshot fromTree(JsonNode n) {
        Map<String, Dataservice> services = new LinkedHashMap<>();
        for (JsonNode ds : array(n, "dataservices")) {
            List<Datasource> sources = new ArrayList<>();
            for (JsonNode o : array(ds, "datasources")) {
                sources.add(new Datasource(
                        text(o, "name"),
                        text(o, "host"),
                        (int) number(o, "port"),
                        constant(Role.class, o, "role"),
                        constant(DatasourceState.class, o, "state"),
                        bool(o, "reachable"),
                        constant(ReplicationState.class, o, "replication"),
                        number(o, "latencyMillis"),
                        GtidPosition.parse(text(o, "position"))));
            }
            Dataservice d = new Dataservice(text(ds, "name"), sources);
            services.put(d.name(), d);
        }
        Map<String, CompositeDataservice> composites = new LinkedHashMap<>();
        JsonNode cs = n.get("composites");
        if (cs != null && !cs.isNull()) {
            for (JsonNode o : array(n, "composites")) {
                List<String> members = new ArrayList<>();
                for (JsonNode m : array(o, "members")) {
                    members.add(m.asText());
                }
                JsonNode active = o.get("active");
                CompositeDataservice c = new CompositeDataservice(
                        text(o, "name"), members, active == null || active.isNull() ? null : active.asText());
                composites.put(c.name(), c);
            }
        }
        // "epoch" came with the manager group; a manager before it sends none and decides alone: 0.
        JsonNode epoch = n.get("epoch");
        return new TopologySnapshot(
                number(n, "version"),
                constant(Policy.class, n, "policy"),
                services,
                composites,
                epoch == null || epoch.isNull() ? 0 : number(n, "epoch"));
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("field '" + name + "' is missing");
        }
        return v;
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("field '" + name + "' must be a string, got " + v);
        }
        return v.asText();
    }

    private static long number(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isIntegralNumber()) {
            throw new IllegalArgumentException("field '" + name + "' must be an integer, got " + v);
        }
        return v.asLong();
    }

    private static boolean bool(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("field '" + name + "' must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static JsonNode array(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isArray()) {
            throw new IllegalArgumentException("field '" + name + "' must be an array, got " + v);
        }
        return v;
    }

    private static <E extends Enum<E>> E constant(Class<E> type, JsonNode n, String name) {
        String v = text(n, name);
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field '" + name + "' has unknown value '" + v + "'", e);
        }
    }
}
