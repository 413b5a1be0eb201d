package dev.turnout.connector.session;

import dev.turnout.routing.policy.Reason;
import dev.turnout.routing.topology.Role;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Counters of routed statements, {@code turnout.statements.routed{role, reason}}: by the role of
 * the datasource that ran them and the reason it was chosen. Every counter is registered up front,
 * so counting a statement is an array lookup and an add — no allocation, no map.
 *
 * <p>Thread-safe (Micrometer counters are).
 */
public final class RouteMetrics {

    private final Counter[][] routed = new Counter[Role.values().length][Reason.values().length];

    public RouteMetrics(MeterRegistry registry) {
        for (Role role : Role.values()) {
            for (Reason reason : Reason.values()) {
                routed[role.ordinal()][reason.ordinal()] = Counter.builder("turnout.statements.routed")
                        .description("Statements routed, by the role of the datasource that ran them and why")
                        .tag("role", role.name().toLowerCase(Locale.ROOT))
                        .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                        .register(registry);
            }
        }
    }

    public void routed(Role role, Reason reason) {
        routed[role.ordinal()][reason.ordinal()].increment();
    }
}
