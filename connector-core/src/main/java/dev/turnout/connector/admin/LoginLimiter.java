package dev.turnout.connector.admin;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed logins per client address. The {@value #LOCK_AFTER}th consecutive failure locks the
 * address out for {@link #FIRST_LOCKOUT}, and every further failure doubles the lockout, up to
 * {@link #MAX_LOCKOUT}. A locked-out address is refused without its credentials
 * being checked, so a guessing client gets a few tries an hour at most. A successful login forgets
 * the address; an address without failures for {@link #FORGET_AFTER} is forgotten too.
 *
 * <p>At most {@value #MAX_ADDRESSES} addresses are remembered: when full, forgotten entries are
 * dropped first, then the one whose last failure is oldest, so many addresses cannot grow the map.
 *
 * <p>Thread-safe (synchronized: logins are rare, and every method is a few map operations). Time
 * comes from the injected nanosecond clock, so tests need no sleeping.
 */
final class LoginLimiter {

    static final int LOCK_AFTER = 5;
    static final Duration FIRST_LOCKOUT = Duration.ofSeconds(1);
    static final Duration MAX_LOCKOUT = Duration.ofMinutes(10);
    static final Duration FORGET_AFTER = Duration.ofHours(1);
    static final int MAX_ADDRESSES = 10_000;

    private static final class Entry {
        int failures;
        long lastFailureNanos;
        long lockedUntilNanos;
    }

    private final LongSupplier nanoClock;
    private final Map<InetAddress, Entry> entries = new HashMap<>();

    LoginLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** How long {@code address} is still locked out, in milliseconds (rounded up); 0 when it may try. */
    synchronized long lockedOutMillis(InetAddress address) {
        Entry e = entries.get(address);
        if (e == null) {
            return 0;
        }
        long left = e.lockedUntilNanos - nanoClock.getAsLong();
        return left <= 0 ? 0 : (left + 999_999) / 1_000_000;
    }

    /**
     * Records a failed login of {@code address}.
     *
     * @return the consecutive failures of the address, this one included
     */
    synchronized int failed(InetAddress address) {
        long now = nanoClock.getAsLong();
        Entry e = entries.get(address);
        if (e != null && now - e.lastFailureNanos > FORGET_AFTER.toNanos()) {
            entries.remove(address);
            e = null;
        }
        if (e == null) {
            makeRoom(now);
            e = new Entry();
            entries.put(address, e);
        }
        e.failures++;
        e.lastFailureNanos = now;
        if (e.failures >= LOCK_AFTER) {
            e.lockedUntilNanos = now + lockout(e.failures).toNanos();
        }
        return e.failures;
    }

    /** Forgets the failures of {@code address}: it logged in. */
    synchronized void succeeded(InetAddress address) {
        entries.remove(address);
    }

    /** The lockout after the {@code failures}-th consecutive failure; zero before {@value #LOCK_AFTER}. */
    static Duration lockout(int failures) {
        if (failures < LOCK_AFTER) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - LOCK_AFTER, 30);
        Duration d = FIRST_LOCKOUT.multipliedBy(1L << doublings);
        return d.compareTo(MAX_LOCKOUT) > 0 ? MAX_LOCKOUT : d;
    }

    synchronized int size() {
        return entries.size();
    }

    private void makeRoom(long now) {
        if (entries.size() < MAX_ADDRESSES) {
            return;
        }
        entries.values().removeIf(e -> now - e.lastFailureNanos > FORGET_AFTER.toNanos());
        if (entries.size() < MAX_ADDRESSES) {
            return;
        }
        InetAddress oldest = null;
        long oldestAt = Long.MAX_VALUE;
        for (Map.Entry<InetAddress, Entry> candidate : entries.entrySet()) {
            if (oldest == null || candidate.getValue().lastFailureNanos - oldestAt < 0) {
                oldest = candidate.getKey();
                oldestAt = candidate.getValue().lastFailureNanos;
            }
        }
        entries.remove(oldest);
    }
}
