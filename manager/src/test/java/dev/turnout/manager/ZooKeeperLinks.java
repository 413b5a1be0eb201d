package dev.turnout.manager;

import dev.turnout.manager.group.GroupMember;
import dev.turnout.testkit.CuttableLink;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The ZooKeeper traffic of a group's members run through {@link CuttableLink}s: for every ordered
 * pair of members (i, j), a link for i's client connecting to j's peer, one for i's peer following
 * j (the quorum port) and one for i's peer talking to j's for elections. Member i is configured with
 * {@link #seenBy(int)}: itself at its real ports, every other member at i's links to it. So
 * {@link #isolate(int)} cuts a member off from the others' ZooKeeper while its manager still reaches
 * the datasources, and {@link #isolatePeer(int)} cuts only its peer off (a ZooKeeper member down,
 * its manager's client still in the others' quorum).
 *
 * <p>ZooKeeper's election keeps one connection per pair: the peer of the higher id drops a
 * connection from a lower one and connects back to the election address the lower one announced
 * in its first message. That address is its real one, which would bypass the links; the election
 * links rewrite it to the reverse link, so the connection back runs through a link too.
 */
final class ZooKeeperLinks implements AutoCloseable {

    /** ZooKeeper's election protocol versions whose first message carries addresses. */
    private static final long PROTOCOL_V1 = -65536L;

    private static final long PROTOCOL_V2 = -65535L;

    private enum Kind {
        CLIENT,
        QUORUM,
        ELECTION
    }

    private record Key(int from, int to, Kind kind) {}

    private final List<GroupMember> members;
    private final Map<Key, CuttableLink> links = new HashMap<>();

    private ZooKeeperLinks(List<GroupMember> members) {
        this.members = List.copyOf(members);
    }

    /** Links between every two of {@code members} (at their real addresses). */
    static ZooKeeperLinks between(List<GroupMember> members) throws IOException {
        ZooKeeperLinks z = new ZooKeeperLinks(members);
        try {
            int n = members.size();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i != j) {
                        GroupMember to = members.get(j);
                        z.links.put(new Key(i, j, Kind.CLIENT), link(to.host(), to.clientPort(), null));
                        z.links.put(new Key(i, j, Kind.QUORUM), link(to.host(), to.peerPort(), null));
                    }
                }
            }
            // The election links of i to j announce j's link back to i, made first.
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i != j) {
                        GroupMember to = members.get(j);
                        z.links.put(
                                new Key(i, j, Kind.ELECTION), link(to.host(), to.electionPort(), z.announcing(j, i)));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            z.close();
            throw e;
        }
        return z;
    }

    /**
     * The greeting of the election link of {@code announcer} to {@code reader}: the address the
     * announcer's first message names becomes the election link of {@code reader} back to
     * {@code announcer}. That link is looked up when a connection starts: all exist by then.
     */
    private CuttableLink.Greeting announcing(int reader, int announcer) {
        return (in, out) -> {
            DataInputStream data = new DataInputStream(in);
            DataOutputStream to = new DataOutputStream(out);
            long version = data.readLong();
            to.writeLong(version);
            if (version != PROTOCOL_V1 && version != PROTOCOL_V2) {
                return; // an old peer's bare id: no address
            }
            to.writeLong(data.readLong()); // the announcer's id
            int length = data.readInt();
            if (length < 0 || length > 4096) {
                throw new IOException("unreasonable address length " + length);
            }
            data.readFully(new byte[length]);
            CuttableLink back = links.get(new Key(reader, announcer, Kind.ELECTION));
            if (back == null) {
                throw new IOException("no election link of " + reader + " to " + announcer + " yet");
            }
            byte[] address = ("127.0.0.1:" + back.port()).getBytes(StandardCharsets.US_ASCII);
            to.writeInt(address.length);
            to.write(address);
        };
    }

    /**
     * A link that retries a refused connection for a second: a follower that finds its new leader
     * not yet listening would retry, but behind a link it sees its connection accepted and closed
     * and goes back to electing.
     */
    private static CuttableLink link(String host, int port, CuttableLink.@Nullable Greeting greeting)
            throws IOException {
        return CuttableLink.to(new InetSocketAddress(host, port), greeting, Duration.ofSeconds(1));
    }

    /** The members as member {@code i} is configured with them: itself real, the others through its links. */
    List<GroupMember> seenBy(int i) {
        List<GroupMember> out = new ArrayList<>();
        for (int j = 0; j < members.size(); j++) {
            GroupMember m = members.get(j);
            out.add(
                    i == j
                            ? m
                            : new GroupMember(
                                    m.name(),
                                    "127.0.0.1",
                                    m.activeWitness(),
                                    link(i, j, Kind.CLIENT).port(),
                                    link(i, j, Kind.QUORUM).port(),
                                    link(i, j, Kind.ELECTION).port()));
        }
        return out;
    }

    /** Cuts every ZooKeeper link to and from member {@code i}: its manager and peer are cut off from the others. */
    void isolate(int i) {
        each(i, true, CuttableLink::cut);
    }

    /** Cuts only the peer-to-peer links of member {@code i} (quorum and election): a ZooKeeper member gone. */
    void isolatePeer(int i) {
        each(i, false, CuttableLink::cut);
    }

    /** Heals every link of member {@code i}. */
    void heal(int i) {
        each(i, true, CuttableLink::heal);
    }

    private void each(int i, boolean clients, java.util.function.Consumer<CuttableLink> action) {
        links.forEach((k, link) -> {
            if ((k.from() == i || k.to() == i) && (clients || k.kind() != Kind.CLIENT)) {
                action.accept(link);
            }
        });
    }

    private CuttableLink link(int from, int to, Kind kind) {
        CuttableLink l = links.get(new Key(from, to, kind));
        if (l == null) {
            throw new IllegalArgumentException("no " + kind + " link of " + from + " to " + to);
        }
        return l;
    }

    @Override
    public void close() {
        links.values().forEach(CuttableLink::close);
    }
}
