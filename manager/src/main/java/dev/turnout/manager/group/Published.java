package dev.turnout.manager.group;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.turnout.push.PushCodec;
import dev.turnout.routing.topology.TopologySnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * A topology as the coordinator of an epoch published it, and its form in the topology znode (JSON:
 * the epoch, the coordinator and the topology as the push protocol writes it).
 *
 * @param snapshot the topology
 * @param epoch its coordinator's epoch
 * @param coordinator its coordinator's member name
 */
public record Published(TopologySnapshot snapshot, long epoch, String coordinator) {

    static byte[] encode(Published p) {
        ObjectNode n = PushCodec.mapper().createObjectNode();
        n.put("epoch", p.epoch());
        n.put("coordinator", p.coordinator());
        n.set("topology", PushCodec.toTree(p.snapshot()));
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    static @Nullable Published decode(byte[] data) {
        try {
            JsonNode n = PushCodec.mapper().readTree(data);
            long epoch = n.get("epoch").asLong();
            return new Published(
                    PushCodec.fromTree(n.get("topology")).withEpoch(epoch),
                    epoch,
                    n.get("coordinator").asText());
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger(Published.class).warn("unreadable topology znode: {}", e.toString());
            return null;
        }
    }
}
