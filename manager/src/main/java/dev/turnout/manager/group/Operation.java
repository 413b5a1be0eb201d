package dev.turnout.manager.group;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.turnout.push.PushCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A switch or failover in progress, as its coordinator records it in the {@code operation} znode
 * (JSON) before its first step and after each one, so that a coordinator that dies half-way is
 * replaced by one that completes or undoes it ({@link OperationLog}).
 *
 * @param kind a planned switch or a failover
 * @param oldMaster the master it switches or fails over from
 * @param candidate the datasource it promotes
 * @param position the GTID position the candidate must apply before its promotion: the old
 *     master's {@code gtid_binlog_pos} once it is read-only (switch), what the candidate received
 *     (failover); empty until known
 * @param epoch the epoch of the coordinator that wrote it last
 * @param coordinator that coordinator's member name
 * @param done the steps done so far
 * @param startedAt when the first coordinator began it (its wall clock, milliseconds)
 */
public record Operation(
        Kind kind,
        String oldMaster,
        String candidate,
        String position,
        long epoch,
        String coordinator,
        Set<Step> done,
        long startedAt) {

    /** What is being done. */
    public enum Kind {
        SWITCH,
        FAILOVER
    }

    /** The steps, in the order a coordinator does them. */
    public enum Step {
        /** Switch: the old master is read-only and its position read ({@link #position()}). */
        OLD_READ_ONLY,
        /** The candidate applied {@link #position()}. */
        CAUGHT_UP,
        /** The candidate is writable: from here the operation can only go forward. */
        PROMOTED,
        /** The other datasources (the old master too, in a switch) replicate from the candidate. */
        REPOINTED,
        /** The topology with the candidate as master is written and pushed. */
        PUBLISHED
    }

    /** Copies. */
    public Operation {
        done = Collections.unmodifiableSet(done.isEmpty() ? EnumSet.noneOf(Step.class) : EnumSet.copyOf(done));
    }

    /** A new operation of {@code epoch}'s coordinator, no step done. */
    public static Operation begin(Kind kind, String oldMaster, String candidate, long epoch, String coordinator) {
        return new Operation(kind, oldMaster, candidate, "", epoch, coordinator, Set.of(), System.currentTimeMillis());
    }

    /** Whether {@code step} is done. */
    public boolean did(Step step) {
        return done.contains(step);
    }

    /** This operation with {@code step} done too. */
    public Operation with(Step step) {
        Set<Step> next = EnumSet.of(step);
        next.addAll(done);
        return new Operation(kind, oldMaster, candidate, position, epoch, coordinator, next, startedAt);
    }

    /** This operation with the candidate's position known. */
    public Operation withPosition(String p) {
        return new Operation(kind, oldMaster, candidate, p, epoch, coordinator, done, startedAt);
    }

    /** This operation taken over by another coordinator. */
    public Operation takenOverBy(long newEpoch, String newCoordinator) {
        return new Operation(kind, oldMaster, candidate, position, newEpoch, newCoordinator, done, startedAt);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " " + oldMaster + " -> " + candidate + " (epoch " + epoch + " of "
                + coordinator + ", done " + done + ")";
    }

    /** As JSON. */
    byte[] encode() {
        ObjectNode n = PushCodec.mapper().createObjectNode();
        n.put("kind", kind.name());
        n.put("oldMaster", oldMaster);
        n.put("candidate", candidate);
        n.put("position", position);
        n.put("epoch", epoch);
        n.put("coordinator", coordinator);
        ArrayNode steps = n.putArray("done");
        done.forEach(s -> steps.add(s.name()));
        n.put("startedAt", startedAt);
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * From JSON; null for an empty znode.
     *
     * @throws IOException when it is not an operation record
     */
    static @Nullable Operation decode(byte @Nullable [] data) throws IOException {
        if (data == null || data.length == 0) {
            return null;
        }
        JsonNode n = PushCodec.mapper().readTree(data);
        if (n == null || !n.hasNonNull("kind") || !n.hasNonNull("oldMaster") || !n.hasNonNull("candidate")) {
            throw new IOException("not an operation record");
        }
        List<Step> steps = new ArrayList<>();
        try {
            for (JsonNode s : n.path("done")) {
                steps.add(Step.valueOf(s.asText()));
            }
            return new Operation(
                    Kind.valueOf(n.get("kind").asText()),
                    n.get("oldMaster").asText(),
                    n.get("candidate").asText(),
                    n.path("position").asText(""),
                    n.path("epoch").asLong(),
                    n.path("coordinator").asText(""),
                    steps.isEmpty() ? Set.of() : EnumSet.copyOf(steps),
                    n.path("startedAt").asLong());
        } catch (IllegalArgumentException e) {
            throw new IOException("not an operation record: " + e.getMessage(), e);
        }
    }
}
