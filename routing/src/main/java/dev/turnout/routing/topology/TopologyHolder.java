package dev.turnout.routing.topology;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Holds the current {@link TopologySnapshot}: the only topology state that crosses threads.
 *
 * <p>Thread-safe: one {@link AtomicReference}; any thread may read, offer or update. The held
 * snapshot only grows in (epoch, version) order ({@link TopologySnapshot#isNewerThan}): an offered
 * snapshot that is not newer than the current one is ignored, one of an older epoch even when its
 * version is higher.
 * Listeners are called after each accepted change, on the thread that made it; two changes made
 * concurrently on two threads may reach a listener in either order, so a listener that keeps
 * state compares versions (or reads {@link #current()}).
 */
public final class TopologyHolder {

    private final AtomicReference<TopologySnapshot> current;
    private final List<Consumer<TopologySnapshot>> listeners = new CopyOnWriteArrayList<>();

    /** A holder starting at {@code initial}. */
    public TopologyHolder(TopologySnapshot initial) {
        current = new AtomicReference<>(Checks.notNull(initial, "initial"));
    }

    /** The current snapshot. */
    public TopologySnapshot current() {
        return held();
    }

    /**
     * What {@link #current} holds. NullAway models {@code AtomicReference.get()} as nullable, as it
     * is in general; this one never holds null: the constructor, offer and update all check what they set.
     */
    private TopologySnapshot held() {
        return Objects.requireNonNull(current.get(), "the holder never holds null");
    }

    /**
     * Installs {@code s} if it is newer than the current snapshot ({@link TopologySnapshot#isNewerThan}).
     *
     * @return true when installed, false when ignored: an older epoch, or the same epoch and a
     *         version that is not higher
     */
    public boolean offer(TopologySnapshot s) {
        Checks.notNull(s, "s");
        while (true) {
            TopologySnapshot now = held();
            if (!s.isNewerThan(now)) {
                return false;
            }
            if (current.compareAndSet(now, s)) {
                notifyListeners(s);
                return true;
            }
        }
    }

    /**
     * Applies {@code change} to the current snapshot atomically: the operator may run more than once
     * under contention, so it must be free of side effects. It returns either the same instance (no
     * change) or a newer snapshot (a higher version of the same epoch, or a higher epoch).
     *
     * @return the snapshot installed, or the current one when the operator made no change
     * @throws IllegalArgumentException when the operator returns another snapshot that is not newer
     */
    public TopologySnapshot update(UnaryOperator<TopologySnapshot> change) {
        Checks.notNull(change, "change");
        while (true) {
            TopologySnapshot now = held();
            TopologySnapshot next = Checks.notNull(change.apply(now), "the snapshot returned by change");
            if (next == now) {
                return now;
            }
            if (!next.isNewerThan(now)) {
                throw new IllegalArgumentException("change returned version " + next.version() + " of epoch "
                        + next.epoch() + ", not newer than the current " + now.version() + " of epoch " + now.epoch());
            }
            if (current.compareAndSet(now, next)) {
                notifyListeners(next);
                return next;
            }
        }
    }

    /**
     * Registers a listener for every accepted change from now on. A listener that throws does not
     * stop the others; the first exception is rethrown to the caller that made the change (with the
     * others suppressed), after the change is in place.
     */
    public void addListener(Consumer<TopologySnapshot> listener) {
        listeners.add(Checks.notNull(listener, "listener"));
    }

    private void notifyListeners(TopologySnapshot s) {
        RuntimeException failure = null;
        for (Consumer<TopologySnapshot> listener : listeners) {
            try {
                listener.accept(s);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
