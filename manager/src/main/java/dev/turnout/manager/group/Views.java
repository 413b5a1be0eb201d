package dev.turnout.manager.group;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code views/MEMBER} znodes of a group: every manager's last probe round (its vote),
 * ephemeral, read from the group's cache. Threading: any thread.
 */
final class Views {

    private static final Logger log = LoggerFactory.getLogger(Views.class);

    private final GroupSettings settings;
    private final CuratorFramework client;
    private final CuratorCache cache;
    private final String prefix;

    Views(GroupSettings settings, CuratorFramework client, CuratorCache cache, String root) {
        this.settings = settings;
        this.client = client;
        this.cache = cache;
        this.prefix = root + "/views/";
    }

    /** The members whose managers are in the group now (their view znodes exist), with their views. */
    Map<String, MemberView> all() {
        Map<String, MemberView> out = new TreeMap<>();
        for (ChildData d : cache.stream().toList()) {
            if (d.getPath().startsWith(prefix) && d.getData() != null && d.getData().length > 0) {
                try {
                    MemberView v = MemberView.decode(d.getData());
                    out.put(v.member(), v);
                } catch (IOException e) {
                    log.debug("unreadable view {}: {}", d.getPath(), e.getMessage());
                }
            }
        }
        return out;
    }

    /** Publishes this manager's view (its vote), or withdraws it when null (a manager cut off). */
    void publish(@Nullable MemberView view) {
        String path = prefix + settings.self();
        try {
            if (view == null) {
                client.delete().quietly().forPath(path);
            } else if (client.checkExists().forPath(path) == null) {
                client.create()
                        .creatingParentsIfNeeded()
                        .withMode(CreateMode.EPHEMERAL)
                        .forPath(path, view.encode());
            } else {
                client.setData().forPath(path, view.encode());
            }
        } catch (KeeperException.NodeExistsException | KeeperException.NoNodeException e) {
            log.debug("view {} raced: {}", path, e.getMessage());
        } catch (Exception e) {
            log.debug("cannot publish the view of {}: {}", settings.self(), e.toString());
        }
    }

    /** The members listed for {@code ls}: name, active witness or not, whether it is in the group now. */
    List<String[]> memberStates() {
        Map<String, MemberView> in = all();
        List<String[]> out = new ArrayList<>();
        for (GroupMember m : settings.members()) {
            out.add(new String[] {
                m.name(),
                m.activeWitness() ? "ACTIVE WITNESS" : "MANAGER",
                in.containsKey(m.name()) ? "ONLINE" : "OFFLINE"
            });
        }
        return out;
    }
}
