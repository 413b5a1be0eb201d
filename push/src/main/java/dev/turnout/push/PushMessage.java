package dev.turnout.push;

import dev.turnout.routing.topology.TopologySnapshot;
import java.util.List;

/**
 * One message of the manager-to-connector push protocol (docs/push-protocol.md): one line of JSON
 * with a {@code "type"} field. Immutable values; {@link PushCodec} turns them into lines and back.
 */
public sealed interface PushMessage {

    /**
     * Both directions, first on every connection (the connector's, then the manager's answer): a
     * fresh random nonce for the proofs of the handshake.
     *
     * @param nonce 32 random bytes, base64
     */
    record Challenge(String nonce) implements PushMessage {}

    /**
     * Both directions, after the challenges (the connector's first, then the manager's): the HMAC
     * of the shared secret over the nonces and the TLS certificate (docs/push-protocol.md).
     *
     * @param proof 32 bytes, base64
     */
    record Proof(String proof) implements PushMessage {}

    /**
     * Connector to manager, first message after the handshake.
     *
     * @param connector the connector's name as managers list it, {@code connector@host[pid]}
     * @param host the connector's host name
     * @param pid the connector's process id
     * @param ports the ports its applications connect to
     * @param lastVersion the version of the topology it has, -1 when none
     */
    record Hello(String connector, String host, long pid, List<Integer> ports, long lastVersion)
            implements PushMessage {
        /** Copies the ports. */
        public Hello {
            ports = List.copyOf(ports);
        }
    }

    /**
     * Connector to manager, periodically.
     *
     * @param created sessions created since the connector started
     * @param active sessions open now
     */
    record Stats(long created, long active) implements PushMessage {}

    /**
     * Connector to manager: the hold of that request is in place.
     *
     * @param request the {@link Hold#request()} it answers
     */
    record Ack(long request) implements PushMessage {}

    /**
     * Manager to connector: the whole topology; sent on subscription and after every change.
     *
     * @param snapshot the snapshot
     */
    record Topology(TopologySnapshot snapshot) implements PushMessage {}

    /**
     * Manager to connector: start no new statement at a transaction boundary until released; answer
     * with {@link Ack} once held.
     *
     * @param request an id the manager chose for this hold
     */
    record Hold(long request) implements PushMessage {}

    /** Manager to connector: run the held statements and accept new ones. */
    record Release() implements PushMessage {}

    /**
     * Manager to connector: an operator set the connector's state.
     *
     * @param state the state to take
     */
    record State(ConnectorState state) implements PushMessage {}
}
