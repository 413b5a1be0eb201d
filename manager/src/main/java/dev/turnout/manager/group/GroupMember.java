package dev.turnout.manager.group;

import java.util.Objects;

/**
 * One voting member of a manager group: the manager of a datasource host, or an active witness (a
 * manager on a host that is not a datasource). With an embedded ZooKeeper each member runs one
 * quorum peer at {@code host} on its three ports.
 *
 * @param name the member's name: the datasource's name, or the witness's host
 * @param host where its ZooKeeper peer listens (and where its manager runs)
 * @param activeWitness true for an active witness, false for the manager of a datasource
 * @param clientPort the ZooKeeper client port of its peer
 * @param peerPort the ZooKeeper quorum port of its peer (followers to the leader)
 * @param electionPort the ZooKeeper leader-election port of its peer
 */
public record GroupMember(
        String name, String host, boolean activeWitness, int clientPort, int peerPort, int electionPort) {

    /** Validates. */
    public GroupMember {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        for (int port : new int[] {clientPort, peerPort, electionPort}) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(name + ": ZooKeeper port " + port + " is out of 1-65535");
            }
        }
    }

    /** {@code host:clientPort}. */
    public String clientAddress() {
        return host + ":" + clientPort;
    }
}
