package dev.turnout.connector.session;

import dev.turnout.connector.topology.ConnectorTopology;
import dev.turnout.protocol.classify.Classification;
import dev.turnout.protocol.message.server.TextResultSet;
import dev.turnout.routing.policy.Qos;
import dev.turnout.routing.policy.Reason;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.Role;
import dev.turnout.routing.topology.TopologySnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The result sets of the connector's inline commands, which a client sends as statements and the
 * connector answers itself, as Tungsten's connector does:
 * <ul>
 *   <li>{@code tungsten connection status}: which datasource served this session's last statement, and why;</li>
 *   <li>{@code tungsten connection count}: client sessions of this connector, and per datasource;</li>
 *   <li>{@code tungsten cluster status}: the datasources as the connector sees them now;</li>
 *   <li>{@code tungsten explain <statement>}: where the statement would go now, and why (it is not run);</li>
 *   <li>{@code tungsten flush privileges}: re-reads the user map;</li>
 *   <li>{@code tungsten help}.</li>
 * </ul>
 */
final class InlineCommands {

    private InlineCommands() {}

    static TextResultSet help() {
        return new TextResultSet(
                List.of("command", "description"),
                List.of(
                        List.of(
                                "tungsten connection status",
                                "the datasource that served this session's last statement, and why"),
                        List.of(
                                "tungsten connection count",
                                "client sessions of this connector, in all and per datasource"),
                        List.of(
                                "tungsten cluster status",
                                "the datasources of the dataservice as this connector sees them"),
                        List.of(
                                "tungsten explain <statement>",
                                "where the statement would be routed now, and why (it is not run)"),
                        List.of("tungsten flush privileges", "re-read the user map"),
                        List.of("tungsten help", "this list")));
    }

    static TextResultSet connectionStatus(
            long connectionId,
            String service,
            Qos qos,
            Listener listener,
            String datasource,
            Role role,
            Reason reason,
            SessionState state,
            RoutingSettings routing,
            SessionBackends backends) {
        List<String> open = new ArrayList<>();
        backends.forEach(backend -> open.add(backend.toString()));
        return new TextResultSet(
                List.of(
                        "connection_id",
                        "dataservice",
                        "datasource",
                        "role",
                        "reason",
                        "qos",
                        "listener",
                        "smartscale",
                        "in_transaction",
                        "autocommit",
                        "pinned",
                        "last_write",
                        "backends"),
                List.of(Arrays.asList(
                        Long.toString(connectionId),
                        service,
                        datasource,
                        lower(role),
                        lower(reason),
                        qos.name(),
                        lower(listener),
                        Boolean.toString(routing.smartscale()),
                        Boolean.toString(inTransaction(state)),
                        Boolean.toString(
                                (state.primaryStatus() & dev.turnout.protocol.constant.ServerStatus.AUTOCOMMIT) != 0),
                        state.pins().isEmpty() ? "" : state.pins().toString(),
                        state.lastWrite().toString(),
                        String.join(", ", open))));
    }

    private static boolean inTransaction(SessionState state) {
        return (state.primaryStatus() & dev.turnout.protocol.constant.ServerStatus.IN_TRANS) != 0;
    }

    static TextResultSet connectionCount(int sessions, ConnectorTopology topology) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("*", Integer.toString(sessions)));
        for (Datasource datasource : topology.dataservice().datasources()) {
            rows.add(List.of(datasource.name(), Integer.toString(topology.sessions(datasource.name()))));
        }
        return new TextResultSet(List.of("datasource", "connections"), rows);
    }

    static TextResultSet clusterStatus(ConnectorTopology topology) {
        TopologySnapshot snapshot = topology.holder().current();
        List<List<String>> rows = new ArrayList<>();
        for (Datasource d : snapshot.dataservice(topology.service()).datasources()) {
            rows.add(List.of(
                    d.name(),
                    lower(d.role()),
                    d.state().name(),
                    Boolean.toString(d.reachable()),
                    lower(d.replication()),
                    Long.toString(d.latencyMillis()),
                    d.position().toString(),
                    Integer.toString(topology.sessions(d.name())),
                    Long.toString(snapshot.version())));
        }
        return new TextResultSet(
                List.of(
                        "datasource",
                        "role",
                        "state",
                        "reachable",
                        "replication",
                        "latency_ms",
                        "position",
                        "sessions",
                        "topology_version"),
                rows);
    }

    static TextResultSet explain(
            String datasource,
            @Nullable Role role,
            @Nullable Reason reason,
            boolean waits,
            Classification classification,
            Qos qos) {
        return new TextResultSet(
                List.of("datasource", "role", "reason", "description", "statement", "qos"),
                List.of(Arrays.asList(
                        datasource,
                        role == null ? "connector" : lower(role),
                        reason == null ? "inline_command" : lower(reason),
                        reason == null
                                ? "answered by the connector itself"
                                : reason.description()
                                        + (waits ? " (the replica first waits for the session's last write)" : ""),
                        classification.toString(),
                        qos.name())));
    }

    static TextResultSet message(String message) {
        return TextResultSet.ofColumn("message", List.of(message));
    }

    private static String lower(Enum<?> value) {
        return value == null ? "" : value.name().toLowerCase(Locale.ROOT);
    }
}
