package dev.turnout.connector.session;

import dev.turnout.routing.policy.Qos;
import dev.turnout.routing.policy.ReadPolicy;

/**
 * The connector-wide routing settings, from configuration: the quality of service of the main
 * port, session consistency (Tungsten's SmartScale) and how long a replica may be asked to wait
 * for a session's last write, and the read policy (latency bound, balancer, affinity).
 *
 * @param qos                   quality of service of sessions on {@code application-port}
 * @param smartscale            read-your-writes: reads only from replicas that applied the session's writes
 * @param consistencyWaitMillis how long a replica may wait for them; 0 = read from the primary instead
 * @param readPolicy            which replicas qualify for reads and how one is chosen
 */
public record RoutingSettings(Qos qos, boolean smartscale, long consistencyWaitMillis, ReadPolicy readPolicy) {}
