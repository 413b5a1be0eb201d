package dev.turnout.manager.group;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.turnout.monitor.Probe;
import dev.turnout.push.PushCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one manager saw of every datasource in its last probe round: its vote. Published each
 * round as the ephemeral znode {@code views/MEMBER}, so that a manager whose session ends stops
 * voting.
 *
 * @param member the manager's member name
 * @param at the manager's wall clock when it published, in milliseconds
 * @param sources what it saw, by datasource name
 */
public record MemberView(String member, long at, Map<String, SourceView> sources) {

    /** Copies. */
    public MemberView {
        sources = Map.copyOf(sources);
    }

    /**
     * One datasource as one manager saw it.
     *
     * @param reachable the probe answered
     * @param readOnly {@code @@read_only}
     * @param position its GTID position
     * @param replicating it is a replica whose IO thread runs ({@code Slave_IO_Running = Yes})
     * @param probedAt when the probe ended (the manager's clock)
     */
    public record SourceView(
            boolean reachable, boolean readOnly, String position, boolean replicating, long probedAt) {}

    /** The view of one probe round. */
    public static MemberView of(String member, List<Probe> round, long now) {
        Map<String, SourceView> sources = new TreeMap<>();
        for (Probe p : round) {
            sources.put(
                    p.name(),
                    new SourceView(
                            p.reachable(),
                            p.readOnly(),
                            p.gtidPosition(),
                            p.replica() != null && p.replica().ioRunning(),
                            p.probedAtMillis()));
        }
        return new MemberView(member, now, sources);
    }

    /** As JSON. */
    public byte[] encode() {
        ObjectNode n = PushCodec.mapper().createObjectNode();
        n.put("member", member);
        n.put("at", at);
        ObjectNode s = n.putObject("sources");
        sources.forEach((name, v) -> {
            ObjectNode o = s.putObject(name);
            o.put("reachable", v.reachable());
            o.put("readOnly", v.readOnly());
            o.put("position", v.position());
            o.put("replicating", v.replicating());
            o.put("probedAt", v.probedAt());
        });
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * From JSON.
     *
     * @throws IOException when it is none of {@link #encode()}'s
     */
    public static MemberView decode(byte[] data) throws IOException {
        JsonNode n = PushCodec.mapper().readTree(data);
        if (n == null || !n.hasNonNull("member") || !n.hasNonNull("sources")) {
            throw new IOException("not a manager's view");
        }
        Map<String, SourceView> sources = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.get("sources").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode o = e.getValue();
            sources.put(
                    e.getKey(),
                    new SourceView(
                            o.path("reachable").asBoolean(),
                            o.path("readOnly").asBoolean(),
                            o.path("position").asText(""),
                            o.path("replicating").asBoolean(),
                            o.path("probedAt").asLong()));
        }
        return new MemberView(n.get("member").asText(), n.path("at").asLong(), sources);
    }
}
