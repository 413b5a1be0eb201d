package dev.turnout.push;

import dev.turnout.routing.topology.TopologySnapshot;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What a connector checks in every snapshot a manager pushes before it offers it to its topology:
 * a snapshot that fails a check is refused, with a log line naming the manager and the reason.
 * {@link PushClient} always applies {@link #versionBound}; the connector adds its own (the
 * snapshot must describe its dataservice, at configured addresses).
 *
 * <p>Implementations are called on the push client's reader threads and must be thread-safe.
 */
@FunctionalInterface
public interface SnapshotCheck {

    /** Why {@code offered} is refused, or null when it passes. */
    @Nullable
    String refusal(TopologySnapshot offered);

    /** This check, then {@code next}: the first refusal wins. */
    default SnapshotCheck and(SnapshotCheck next) {
        return offered -> {
            String reason = refusal(offered);
            return reason != null ? reason : next.refusal(offered);
        };
    }

    /** Accepts everything. */
    static SnapshotCheck none() {
        return offered -> null;
    }

    /**
     * Refuses a version more than {@code maxAhead} ahead of this host's clock in milliseconds. A
     * manager's versions start at its start time in milliseconds and grow by one per change
     * (docs/manager.md), so a real one is never far ahead; a version of 2^63-1, which a connector
     * could never leave again (it applies only newer ones), is refused.
     *
     * <p>This bound stands in for the coordinator's epoch: once managers take their versions from a
     * coordination service (epoch, then a counter within it), this is the check to replace — a
     * version is then valid when its epoch is the coordinator's current one or older.
     *
     * @param clockMillis the wall clock, {@code System::currentTimeMillis} outside tests
     */
    static SnapshotCheck versionBound(Duration maxAhead, LongSupplier clockMillis) {
        long ahead = maxAhead.toMillis();
        return offered -> {
            long now = clockMillis.getAsLong();
            long bound = now > Long.MAX_VALUE - ahead ? Long.MAX_VALUE : now + ahead;
            return offered.version() > bound
                    ? "version " + offered.version() + " is more than " + ahead
                            + " ms ahead of this host's clock (" + now
                            + "): a manager's versions are its start time in milliseconds plus its changes"
                    : null;
        };
    }
}
