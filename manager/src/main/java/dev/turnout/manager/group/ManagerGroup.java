package dev.turnout.manager.group;

import dev.turnout.routing.topology.TopologySnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This manager's membership of its group on ZooKeeper, under {@code /turnout/SERVICE}:
 *
 * <ul>
 *   <li>{@code coordinator}: a Curator {@link LeaderLatch} of every member; its leader is the
 *       coordinator. Curator takes leadership away as soon as the connection is suspended, so a
 *       coordinator cut off from the quorum stops acting before its session expires and another
 *       is elected;
 *   <li>{@code epoch}: a counter each new coordinator increments with a conditional update when it
 *       wins; the version of that znode is its fencing token;
 *   <li>{@code topology}: the current topology with its coordinator's epoch, written only in a
 *       transaction that checks the epoch znode's version and the topology znode's version, so
 *       that the write of a deposed coordinator fails;
 *   <li>{@code views/MEMBER}: every manager's last probe round, ephemeral (its vote);
 *   <li>{@code operation}: the switch or failover in progress, step by step ({@link OperationLog}),
 *       written under the same check of the epoch.
 * </ul>
 *
 * <p>Threading: Curator's threads call the callbacks; public methods may be called from any thread.
 */
public final class ManagerGroup implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ManagerGroup.class);

    private final GroupSettings settings;
    private final GroupListener listener;
    private final String root;
    private final CuratorFramework client;
    private final LeaderLatch latch;
    private final CuratorCache cache;
    private final @Nullable EmbeddedZooKeeper embedded;
    private final ExecutorService events;
    private final OperationLog operations;
    private final Views views;
    private final Object writes = new Object();
    private volatile boolean connected;
    private volatile boolean coordinator;
    private volatile long epoch = -1;
    private volatile long highestEpoch = -1;
    // guarded by writes
    private int epochZnodeVersion = -1;
    private int topologyZnodeVersion = -1;
    /** The highest topology version this coordinator wrote in its epoch; -1 before its first. */
    private long writtenVersion = -1;

    private ManagerGroup(GroupSettings settings, GroupListener listener, @Nullable EmbeddedZooKeeper embedded) {
        this.settings = settings;
        this.listener = listener;
        this.embedded = embedded;
        this.root = "/turnout/" + settings.service();
        int session = (int) settings.sessionTimeout().toMillis();
        this.client = CuratorFrameworkFactory.builder()
                .connectString(settings.connectString())
                .sessionTimeoutMs(session)
                .connectionTimeoutMs(session)
                .retryPolicy(new RetryNTimes(2, 100))
                .build();
        this.latch = new LeaderLatch(client, root + "/coordinator", settings.self());
        this.cache = CuratorCache.build(client, root);
        this.operations = new OperationLog(this, client, root, writes);
        this.views = new Views(settings, client, cache, root);
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "turnout-group-" + settings.self());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Joins the group: starts the embedded ZooKeeper peer (unless an ensemble is configured),
     * connects, and runs for coordinator. Returns at once; the group forms when a majority of
     * members has started.
     */
    public static ManagerGroup start(GroupSettings settings, GroupListener listener) throws IOException {
        EmbeddedZooKeeper zk = settings.embedded() ? EmbeddedZooKeeper.start(settings) : null;
        ManagerGroup g = new ManagerGroup(settings, listener, zk);
        try {
            g.client.getConnectionStateListenable().addListener((c, state) -> g.onState(state));
            g.client.start();
            g.cache
                    .listenable()
                    .addListener(CuratorCacheListener.builder()
                            .forCreatesAndChanges((old, now) -> g.onNode(now))
                            .build());
            g.cache.start();
            g.latch.addListener(
                    new LeaderLatchListener() {
                        @Override
                        public void isLeader() {
                            g.onLeadership();
                        }

                        @Override
                        public void notLeader() {
                            g.onLostLeadership();
                        }
                    },
                    g.events);
            g.latch.start();
        } catch (Exception e) {
            g.close();
            throw new IOException("cannot join the manager group at " + settings.connectString() + ": " + e, e);
        }
        log.info(
                "member {} of the manager group of '{}' ({} members, ZooKeeper {}{})",
                settings.self(),
                settings.service(),
                settings.members().size(),
                settings.connectString(),
                zk == null ? "" : ", embedded");
        return g;
    }

    /** The settings. */
    public GroupSettings settings() {
        return settings;
    }

    /** The record of this coordinator's switches and failovers. */
    public OperationLog operations() {
        return operations;
    }

    /** Whether this manager is connected to a ZooKeeper quorum (a peer that is not in one refuses it). */
    public boolean hasQuorum() {
        return connected;
    }

    /** Whether this manager is the coordinator now: elected, its epoch claimed, connected. */
    public boolean isCoordinator() {
        return coordinator && connected && latch.hasLeadership();
    }

    /** This manager's epoch as coordinator; -1 when it never was one. */
    public long epoch() {
        return epoch;
    }

    /** The highest epoch seen in a published topology. */
    public long highestEpoch() {
        return highestEpoch;
    }

    /** The coordinator's member name as ZooKeeper tells it; null without quorum or coordinator. */
    public @Nullable String coordinatorName() {
        if (!connected) {
            return null;
        }
        try {
            String id = latch.getLeader().getId();
            return id.isEmpty() ? null : id;
        } catch (Exception e) {
            return null;
        }
    }

    /** The members whose managers are in the group now (their view znodes exist), with their views. */
    public Map<String, MemberView> views() {
        return views.all();
    }

    /** Publishes this manager's view (its vote), or withdraws it when null (a manager cut off). */
    public void publishView(@Nullable MemberView view) {
        if (connected) {
            views.publish(view);
        }
    }

    /**
     * Writes {@code s} as the topology of this coordinator's epoch, in one ZooKeeper transaction
     * that checks that the epoch is still this coordinator's and that the topology is the one it
     * read last.
     *
     * @return true when written; false when this manager is not the coordinator, was deposed, or
     *         the write failed (nothing may then be pushed)
     */
    public boolean publish(TopologySnapshot s) {
        synchronized (writes) {
            if (!isCoordinator()) {
                return false;
            }
            return write(s);
        }
    }

    /** The write of {@link #publish}, without asking whether this manager still is the coordinator. */
    boolean write(TopologySnapshot s) {
        synchronized (writes) {
            if (topologyZnodeVersion < 0) {
                return false; // never elected: -1 would be ZooKeeper's "any version"
            }
            // Two changes made from the same topology (the epoch's first and an operator's, say) must
            // not share a version: the second would be ignored by everyone as already seen.
            TopologySnapshot next = s.version() > writtenVersion ? s : s.withVersion(writtenVersion + 1);
            byte[] data = Published.encode(new Published(next.withEpoch(epoch), epoch, settings.self()));
            String path = root + "/topology";
            int expected = topologyZnodeVersion;
            CuratorTransactionResult r = commit(
                    () -> client.transactionOp().setData().withVersion(expected).forPath(path, data),
                    path + " version " + next.version());
            if (r == null) {
                return false;
            }
            Stat stat = r.getResultStat();
            topologyZnodeVersion = stat == null ? topologyZnodeVersion + 1 : stat.getVersion();
            writtenVersion = next.version();
            return true;
        }
    }

    /**
     * Runs {@code op} in one ZooKeeper transaction with the check that the epoch is still this
     * coordinator's. A refusal deposes it (it re-reads and re-claims while still the latch's leader).
     *
     * @param what what is written, for the log
     * @return the result of {@code op}; null when this manager was never elected or the transaction
     *     was refused
     */
    @Nullable
    CuratorTransactionResult commit(Callable<CuratorOp> op, String what) {
        synchronized (writes) {
            if (epochZnodeVersion < 0) {
                return null; // never elected
            }
            try {
                List<CuratorTransactionResult> results = client.transaction()
                        .forOperations(
                                client.transactionOp()
                                        .check()
                                        .withVersion(epochZnodeVersion)
                                        .forPath(root + "/epoch"),
                                op.call());
                return results.get(1);
            } catch (Exception e) {
                log.warn(
                        "coordinator {} of epoch {}: {} refused by ZooKeeper ({}); no longer acting",
                        settings.self(),
                        epoch,
                        what,
                        e.toString());
                coordinator = false;
                if (!events.isShutdown()) {
                    events.execute(this::onLeadership);
                }
                return null;
            }
        }
    }

    private void onState(ConnectionState state) {
        boolean now = state.isConnected();
        if (now != connected) {
            log.warn(
                    "member {}: ZooKeeper {} ({})",
                    settings.self(),
                    state,
                    now ? "in the quorum" : "NO QUORUM: no change until it is back");
        }
        connected = now;
    }

    private void onNode(ChildData d) {
        if (!d.getPath().equals(root + "/topology") || d.getData() == null || d.getData().length == 0) {
            return;
        }
        Published p = Published.decode(d.getData());
        if (p == null) {
            return;
        }
        if (p.epoch() < highestEpoch) {
            log.warn(
                    "refused topology version {} of epoch {} ({}): epoch {} is newer",
                    p.snapshot().version(),
                    p.epoch(),
                    p.coordinator(),
                    highestEpoch);
            return;
        }
        highestEpoch = p.epoch();
        listener.published(p);
    }

    /** On the events thread: claims the next epoch and reads the topology, then acts. */
    private void onLeadership() {
        if (!latch.hasLeadership() || coordinator) {
            return;
        }
        try {
            ensure(root + "/epoch");
            ensure(root + "/topology");
            synchronized (writes) {
                Stat stat = new Stat();
                byte[] data = client.getData().storingStatIn(stat).forPath(root + "/epoch");
                long next = parseLong(data) + 1;
                Stat written = client.setData()
                        .withVersion(stat.getVersion())
                        .forPath(root + "/epoch", Long.toString(next).getBytes(StandardCharsets.US_ASCII));
                Stat topology = new Stat();
                byte[] current = client.getData().storingStatIn(topology).forPath(root + "/topology");
                epochZnodeVersion = written.getVersion();
                writtenVersion = -1;
                topologyZnodeVersion = topology.getVersion();
                epoch = next;
                highestEpoch = Math.max(highestEpoch, next);
                operations.claim(); // before the listener hears of the election: what a predecessor left
                Published p = current == null || current.length == 0 ? null : Published.decode(current);
                TopologySnapshot first = listener.elected(next, p);
                coordinator = latch.hasLeadership();
                if (first != null) {
                    publish(first);
                }
            }
            log.warn("member {} is the COORDINATOR of '{}', epoch {}", settings.self(), settings.service(), epoch);
        } catch (Exception e) {
            log.warn("member {}: cannot take the coordinator's epoch: {}", settings.self(), e.toString());
        }
    }

    private void onLostLeadership() {
        boolean was = coordinator;
        coordinator = false;
        if (was) {
            log.warn("member {} is no longer the coordinator (epoch {})", settings.self(), epoch);
        }
        listener.deposed();
    }

    private void ensure(String path) throws Exception {
        try {
            client.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
        } catch (KeeperException.NodeExistsException e) {
            // there already
        }
    }

    private static long parseLong(byte @Nullable [] data) {
        if (data == null || data.length == 0) {
            return 0;
        }
        try {
            return Long.parseLong(new String(data, StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The members listed for {@code ls}: name, active witness or not, whether it is in the group now. */
    public List<String[]> memberStates() {
        return views.memberStates();
    }

    /** How many members run for coordinator now (tests); -1 when ZooKeeper does not answer. */
    int candidates() {
        try {
            return latch.getParticipants().size();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Ends this member's ZooKeeper session as if it had been cut off for longer than its timeout (tests). */
    void expireSession() throws Exception {
        client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    }

    /** Leaves the group: the latch, the cache, the connection and the embedded peer. */
    @Override
    public void close() {
        coordinator = false;
        try {
            latch.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing the latch: {}", e.toString());
        }
        cache.close();
        client.close();
        events.shutdownNow();
        if (embedded != null) {
            embedded.close();
        }
    }
}
