package dev.turnout.manager.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The coordinator's decision on a master that its own probes find dead: it fails over only when a
 * majority of the voting members (managers and active witnesses, cut-off ones not voting) see the
 * master unreachable, and when no replica still receives from it — no view shows a reachable
 * replica whose IO thread runs.
 */
public final class Votes {

    private Votes() {}

    /**
     * The verdict on {@code master}.
     *
     * @param agreed a failover may go on
     * @param reason who voted what, for the log
     */
    public record Verdict(boolean agreed, String reason) {}

    /**
     * Counts the votes.
     *
     * @param master the master's datasource name
     * @param replicas the other datasources' names
     * @param views the published views of the members that vote (connected, not cut off)
     * @param voters how many voting members the group has
     */
    public static Verdict onMaster(
            String master, Collection<String> replicas, Collection<MemberView> views, int voters) {
        List<String> dead = new ArrayList<>();
        List<String> alive = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (MemberView v : views) {
            MemberView.SourceView s = v.sources().get(master);
            if (s == null) {
                silent.add(v.member());
            } else if (s.reachable()) {
                alive.add(v.member());
            } else {
                dead.add(v.member());
            }
        }
        int needed = QuorumRules.majority(voters);
        String counted = dead.size() + " of " + voters + " voting members see master " + master + " dead " + dead
                + (alive.isEmpty() ? "" : ", " + alive + " reach it")
                + (silent.isEmpty() ? "" : ", " + silent + " did not probe it")
                + " (a majority is " + needed + ")";
        if (dead.size() < needed) {
            return new Verdict(false, counted);
        }
        String receiving = receivingReplica(master, replicas, views);
        if (receiving != null) {
            return new Verdict(false, counted + ", but " + receiving);
        }
        return new Verdict(true, counted + ", and no replica receives from it any more");
    }

    private static @Nullable String receivingReplica(
            String master, Collection<String> replicas, Collection<MemberView> views) {
        for (String r : replicas) {
            for (MemberView v : views) {
                MemberView.SourceView s = v.sources().get(r);
                if (s != null && s.reachable() && s.replicating()) {
                    return "replica " + r + " still receives from " + master + " (its IO thread runs, as " + v.member()
                            + " sees it)";
                }
            }
        }
        return null;
    }
}
