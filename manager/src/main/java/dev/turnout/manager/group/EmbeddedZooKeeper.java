package dev.turnout.manager.group;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.zookeeper.server.admin.AdminServer;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ZooKeeper quorum peer run inside the manager: the managers of a group are the ensemble, so
 * nothing else must be installed. Peer {@code i} (1-based, the member's position in the group) has
 * its data in {@link GroupSettings#dataDir()}, listens for clients on its member's host and client
 * port, and talks to the other peers on the peer and election ports. A tick of 200 ms: a follower
 * that loses its leader for a second elects another, sessions last 400 ms to 4 s. The admin server
 * is off.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);
    /** ZooKeeper's tick in milliseconds. */
    static final int TICK_MILLIS = 200;

    private final QuorumPeerMain peer = new QuorumPeerMain();
    private final Thread thread;
    private final String name;

    private EmbeddedZooKeeper(QuorumPeerConfig config, String name) {
        this.name = name;
        this.thread = new Thread(
                () -> {
                    try {
                        peer.runFromConfig(config);
                    } catch (IOException | AdminServer.AdminServerException | RuntimeException | LinkageError e) {
                        log.error("embedded ZooKeeper peer {} stopped: {}", name, e.toString());
                    }
                },
                "turnout-zookeeper-" + name);
        thread.setDaemon(true);
    }

    /**
     * Starts this manager's peer of the group's ensemble.
     *
     * @throws IOException when its data directory cannot be prepared or the configuration is refused
     */
    public static EmbeddedZooKeeper start(GroupSettings group) throws IOException {
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.setProperty("zookeeper.jmx.log4j.disable", "true");
        List<GroupMember> members = group.members();
        GroupMember self = group.member();
        int id = members.indexOf(self) + 1;
        Path dir = group.dataDir().toAbsolutePath();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("myid"), id + "\n", StandardCharsets.US_ASCII);
        Properties p = new Properties();
        p.setProperty("tickTime", Integer.toString(TICK_MILLIS));
        p.setProperty("initLimit", "25");
        p.setProperty("syncLimit", "5");
        p.setProperty("dataDir", dir.toString());
        p.setProperty("clientPort", Integer.toString(self.clientPort()));
        p.setProperty("clientPortAddress", self.host());
        p.setProperty("maxSessionTimeout", "20000");
        p.setProperty("standaloneEnabled", "false");
        p.setProperty("admin.enableServer", "false");
        p.setProperty("4lw.commands.whitelist", "ruok,srvr,mntr");
        p.setProperty("autopurge.snapRetainCount", "3");
        p.setProperty("autopurge.purgeInterval", "1");
        for (int i = 0; i < members.size(); i++) {
            GroupMember m = members.get(i);
            p.setProperty(
                    "server." + (i + 1),
                    m.host() + ":" + m.peerPort() + ":" + m.electionPort() + ";" + m.host() + ":" + m.clientPort());
        }
        QuorumPeerConfig config = new QuorumPeerConfig();
        try {
            config.parseProperties(p);
        } catch (QuorumPeerConfig.ConfigException e) {
            throw new IOException("the embedded ZooKeeper's configuration is refused: " + e.getMessage(), e);
        }
        EmbeddedZooKeeper zk = new EmbeddedZooKeeper(config, self.name());
        zk.thread.start();
        log.info(
                "embedded ZooKeeper peer {} ({}) started: client {}, peers {}",
                id,
                self.name(),
                self.clientAddress(),
                members.stream()
                        .map(m -> m.host() + ":" + m.peerPort() + ":" + m.electionPort())
                        .toList());
        return zk;
    }

    /**
     * Stops the peer and waits (at most 10 s) for its thread; again while the peer is still being
     * created, whose shutdown would otherwise find nothing to stop.
     */
    @Override
    public void close() {
        try {
            for (int i = 0; i < 100 && thread.isAlive(); i++) {
                peer.close();
                thread.join(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("embedded ZooKeeper peer {} did not stop within 10 s", name);
        }
    }
}
