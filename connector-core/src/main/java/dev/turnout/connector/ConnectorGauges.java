package dev.turnout.connector;

import dev.turnout.connector.topology.ConnectorTopology;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;

/** The connector's gauges: sessions open, the topology version, per datasource its sessions and applied latency. */
final class ConnectorGauges {

    private ConnectorGauges() {}

    /** Registers the gauges on {@code metrics}; {@code sessions} are the open client channels. */
    static void register(MeterRegistry metrics, Set<?> sessions, ConnectorTopology topology) {
        Gauge.builder("turnout.sessions.active", sessions, Set::size)
                .description("Client sessions open")
                .register(metrics);
        Gauge.builder(
                        "turnout.topology.version",
                        topology,
                        t -> t.holder().current().version())
                .description("Version of the topology snapshot the connector routes by")
                .register(metrics);
        for (var datasource : topology.dataservice().datasources()) {
            String name = datasource.name();
            Gauge.builder("turnout.datasource.sessions", topology, t -> t.sessions(name))
                    .description("Sessions with a connection to the datasource")
                    .tag("datasource", name)
                    .register(metrics);
            Gauge.builder(
                            "turnout.datasource.latency.ms",
                            topology,
                            t -> t.dataservice()
                                    .datasource(name)
                                    .map(d -> (double) d.latencyMillis())
                                    .orElse(-1.0))
                    .description("Applied latency of the datasource in milliseconds (-1: unknown)")
                    .tag("datasource", name)
                    .register(metrics);
        }
    }
}
