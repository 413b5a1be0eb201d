package dev.turnout.manager.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Renders the manager's {@code GET /api/v1/status} JSON as cctrl's {@code ls}, in the seeds' layout:
 * <pre>
 * COORDINATOR[host1:AUTOMATIC:ONLINE]
 *
 * ROUTERS:
 * +----------------------------------------------------------------------------+
 * |connector@host1[8616](ONLINE, created=0, active=0)                          |
 * +----------------------------------------------------------------------------+
 *
 * DATASOURCES:
 * +----------------------------------------------------------------------------+
 * |db1(master:ONLINE, latency=0.000, position=0-1-42)                          |
 * |db2(slave:ONLINE, latency=0.004, position=0-1-42, replication=RUNNING)      |
 * +----------------------------------------------------------------------------+
 * </pre>
 * Latency is in seconds with millisecond precision, {@code -1} when unknown.
 */
final class LsFormat {

    private static final int WIDTH = 76;
    private static final String RULE = "+" + "-".repeat(WIDTH) + "+";

    private LsFormat() {}

    static String render(JsonNode status) {
        StringBuilder out = new StringBuilder();
        JsonNode c = status.path("coordinator");
        out.append("COORDINATOR[")
                .append(c.path("name").asText())
                .append(':')
                .append(c.path("policy").asText())
                .append(':')
                .append(c.path("state").asText())
                .append("]\n\n");
        JsonNode group = status.path("group");
        if (!group.isMissingNode()) {
            out.append("MANAGERS:\n").append(RULE).append('\n');
            String coordinator = c.path("name").asText();
            for (JsonNode m : group.path("managers")) {
                String name = m.path("name").asText();
                StringBuilder l = new StringBuilder(name).append('(');
                if (name.equals(coordinator)) {
                    l.append("coordinator, ");
                }
                l.append(m.path("kind").asText().toLowerCase(Locale.ROOT))
                        .append(':')
                        .append(m.path("state").asText());
                if (name.equals(group.path("self").asText())) {
                    l.append(", this manager").append(group.path("quorum").asBoolean() ? "" : ", NO QUORUM");
                }
                line(out, l.append(')').toString());
            }
            for (JsonNode w : group.path("witnesses")) {
                line(out, w.asText() + "(passive witness)");
            }
            out.append(RULE).append("\n\n");
        }
        out.append("ROUTERS:\n").append(RULE).append('\n');
        for (JsonNode r : status.path("routers")) {
            line(out, r.path("display").asText());
        }
        out.append(RULE).append("\n\n");
        out.append("DATASOURCES:\n").append(RULE).append('\n');
        String service = status.path("dataservice").asText();
        for (JsonNode ds : status.path("topology").path("dataservices")) {
            if (!ds.path("name").asText().equals(service)) {
                continue;
            }
            for (JsonNode d : ds.path("datasources")) {
                String role = d.path("role").asText().toLowerCase(Locale.ROOT);
                long latency = d.path("latencyMillis").asLong(-1);
                String position = d.path("position").asText();
                StringBuilder l = new StringBuilder();
                l.append(d.path("name").asText())
                        .append('(')
                        .append(role)
                        .append(':')
                        .append(d.path("state").asText())
                        .append(", latency=")
                        .append(latency < 0 ? "-1" : String.format(Locale.ROOT, "%.3f", latency / 1000.0))
                        .append(", position=")
                        .append(position.isEmpty() ? "unknown" : position);
                if (!role.equals("master")) {
                    l.append(", replication=").append(d.path("replication").asText());
                }
                if (!d.path("reachable").asBoolean()) {
                    l.append(", UNREACHABLE");
                }
                l.append(')');
                line(out, l.toString());
            }
        }
        out.append(RULE).append('\n');
        return out.toString();
    }

    private static void line(StringBuilder out, String text) {
        out.append('|').append(text);
        if (text.length() < WIDTH) {
            out.append(" ".repeat(WIDTH - text.length()));
        }
        out.append("|\n");
    }
}
