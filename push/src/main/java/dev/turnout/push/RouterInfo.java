package dev.turnout.push;

import java.util.List;

/**
 * What a manager knows of one subscribed connector ("router"): its hello, its last stats and the
 * state the manager last gave it. Immutable.
 *
 * @param connector its name, {@code connector@host[pid]}
 * @param host its host
 * @param pid its process id
 * @param ports its application ports
 * @param remote the address it connected from, {@code ip:port}
 * @param state the state the manager last gave it (ONLINE when it subscribes)
 * @param created sessions created, from its last stats (0 before any)
 * @param active sessions open, from its last stats (0 before any)
 */
public record RouterInfo(
        String connector,
        String host,
        long pid,
        List<Integer> ports,
        String remote,
        ConnectorState state,
        long created,
        long active) {

    /** Copies the ports. */
    public RouterInfo {
        ports = List.copyOf(ports);
    }

    /** The line {@code ls} prints: {@code connector@host1[8616](ONLINE, created=0, active=0)}. */
    public String display() {
        return connector + "(" + state.label() + ", created=" + created + ", active=" + active + ")";
    }
}
