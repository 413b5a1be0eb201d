package dev.turnout.manager.group;

import java.io.IOException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code operation} znode of a group: the switch or failover its coordinator is carrying out
 * ({@link Operation}), written before the first step and after each one, deleted when done. Every
 * write is a conditional update of the znode's version, in one transaction with the check of the
 * coordinator's epoch ({@link ManagerGroup#commit}): a deposed coordinator can neither start, nor
 * record, nor end an operation, and learns so from the refused write (one that knows it is no
 * longer the coordinator, or is cut off from the quorum, does not even try).
 *
 * <p>A coordinator finds the record at its election ({@link #found()}): an operation its
 * predecessor left half-way, which it must complete or undo before anything else.
 *
 * <p>Threading: one operation at a time (the manager serialises them); every method may be called
 * from any thread.
 */
public final class OperationLog {

    private static final Logger log = LoggerFactory.getLogger(OperationLog.class);

    private final ManagerGroup group;
    private final CuratorFramework client;
    private final String path;
    /** The group's lock of its writes: one lock for both, so that their order cannot deadlock. */
    private final Object lock;
    // guarded by lock
    /** The version of the znode as this coordinator last wrote or read it; -1 when it holds none. */
    private int version = -1;

    private volatile @Nullable Operation found;

    OperationLog(ManagerGroup group, CuratorFramework client, String root, Object writes) {
        this.group = group;
        this.lock = writes;
        this.client = client;
        this.path = root + "/operation";
    }

    /** The operation found unfinished when this manager was last elected; null when none. */
    public @Nullable Operation found() {
        return found;
    }

    /**
     * The operation recorded in ZooKeeper now (whoever wrote it); null when none.
     *
     * @throws IOException when ZooKeeper does not answer or the record is unreadable
     */
    public @Nullable Operation inProgress() throws IOException {
        try {
            return Operation.decode(client.getData().forPath(path));
        } catch (KeeperException.NoNodeException e) {
            return null;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot read " + path + ": " + e, e);
        }
    }

    /** Called by the group on election, after the epoch is claimed: reads what a predecessor left. */
    void claim() throws Exception {
        synchronized (lock) {
            Stat stat = new Stat();
            byte[] data;
            try {
                data = client.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException e) {
                version = -1;
                found = null;
                return;
            }
            Operation op;
            try {
                op = Operation.decode(data);
            } catch (IOException e) {
                log.error("unreadable operation record (version {}), left for an operator: {}", stat.getVersion(), e);
                op = null;
            }
            version = op == null ? -1 : stat.getVersion();
            found = op;
        }
    }

    /**
     * Records a new operation (the znode must not exist).
     *
     * @return false when refused: not the coordinator, deposed, or an operation is recorded already
     */
    public boolean begin(Operation op) {
        synchronized (lock) {
            if (!group.isCoordinator()) {
                return false;
            }
            if (group.commit(() -> client.transactionOp().create().forPath(path, op.encode()), path) == null) {
                return false;
            }
            version = 0;
            return true;
        }
    }

    /**
     * Records {@code op} over the one this coordinator holds (begun, or found and taken over).
     *
     * @return false when refused (deposed, or the record is no longer the one it holds)
     */
    public boolean record(Operation op) {
        synchronized (lock) {
            if (version < 0 || !group.isCoordinator()) {
                return false; // -1 would be ZooKeeper's "any version"
            }
            int expected = version;
            CuratorTransactionResult r = group.commit(
                    () -> client.transactionOp().setData().withVersion(expected).forPath(path, op.encode()), path);
            if (r == null) {
                version = -1;
                return false;
            }
            Stat stat = r.getResultStat();
            version = stat == null ? version + 1 : stat.getVersion();
            return true;
        }
    }

    /**
     * Deletes the record this coordinator holds: the operation is complete, or undone.
     *
     * @return false when refused
     */
    public boolean end() {
        synchronized (lock) {
            if (version < 0 || !group.isCoordinator()) {
                return false;
            }
            int expected = version;
            version = -1;
            found = null;
            return group.commit(
                            () -> client.transactionOp()
                                    .delete()
                                    .withVersion(expected)
                                    .forPath(path),
                            path)
                    != null;
        }
    }
}
