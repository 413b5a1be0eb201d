package dev.turnout.connector.session;

import dev.turnout.connector.config.QosSetting;
import dev.turnout.connector.config.SplittingSettings;
import dev.turnout.routing.policy.Affinity;
import dev.turnout.routing.policy.Balancer;
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
public record RoutingSettings(Qos qos, boolean smartscale, long consistencyWaitMillis, ReadPolicy readPolicy) {

    /** The routing settings of a configuration, in routing's terms. */
    public static RoutingSettings of(SplittingSettings splitting) {
        Qos qos = splitting.qos() == QosSetting.RO_RELAXED ? Qos.RO_RELAXED : Qos.RW_STRICT;
        long waitMillis = splitting.smartScaleWait().toMillis();
        ReadPolicy policy = new ReadPolicy(
                splitting.maxSlaveLatencyMillis(),
                Balancer.valueOf(splitting.loadBalancer().name()),
                new Affinity(
                        splitting.affinity().preferred(), splitting.affinity().excluded()),
                splitting.smartScale(),
                waitMillis);
        return new RoutingSettings(qos, splitting.smartScale(), waitMillis, policy);
    }
}
