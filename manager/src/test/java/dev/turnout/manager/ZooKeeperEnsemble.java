package dev.turnout.manager;

import dev.turnout.manager.group.EmbeddedZooKeeper;
import dev.turnout.manager.group.GroupMember;
import dev.turnout.manager.group.GroupSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * An existing ZooKeeper ensemble of three peers in this JVM, for managers given
 * {@code manager-zookeeper=}: the same peers the managers embed (a 200 ms tick), at free ports of
 * 127.0.0.1, each of which a test can stop ({@link #stop(int)}). Closes all.
 */
final class ZooKeeperEnsemble implements AutoCloseable {

    private final List<GroupMember> members = new ArrayList<>();
    private final List<@Nullable EmbeddedZooKeeper> peers = new ArrayList<>();

    private ZooKeeperEnsemble() {}

    static ZooKeeperEnsemble start(Path dir) throws IOException {
        ZooKeeperEnsemble e = new ZooKeeperEnsemble();
        try {
            for (int i = 0; i < 3; i++) {
                e.members.add(new GroupMember(
                        "zk" + i,
                        "127.0.0.1",
                        false,
                        GroupCluster.freePort(),
                        GroupCluster.freePort(),
                        GroupCluster.freePort()));
            }
            for (int i = 0; i < 3; i++) {
                e.peers.add(EmbeddedZooKeeper.start(new GroupSettings(
                        "ensemble",
                        "zk" + i,
                        e.members,
                        List.of(),
                        GroupSettings.WitnessCheck.ECHO,
                        GroupSettings.DEFAULT_WITNESS_PORT,
                        null,
                        dir.resolve("ensemble-" + i),
                        GroupSettings.DEFAULT_SESSION_TIMEOUT)));
            }
        } catch (IOException | RuntimeException ex) {
            e.close();
            throw ex;
        }
        return e;
    }

    /** {@code host:port,…} of every peer. */
    String connectString() {
        return members.stream().map(GroupMember::clientAddress).collect(Collectors.joining(","));
    }

    /** Stops peer {@code i}. */
    void stop(int i) {
        EmbeddedZooKeeper p = peers.set(i, null);
        if (p != null) {
            p.close();
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < peers.size(); i++) {
            stop(i);
        }
    }
}
