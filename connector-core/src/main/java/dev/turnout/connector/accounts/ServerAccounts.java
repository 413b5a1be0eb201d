package dev.turnout.connector.accounts;

import dev.turnout.connector.backend.BackendDialer;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.error.LogSafe;
import dev.turnout.connector.topology.ConnectorTopology;
import dev.turnout.routing.topology.Datasource;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's accounts, for logins of users that are neither {@code application-user} nor in the
 * user map ({@code connector-load-accounts}). Read with the service account from the current
 * primary ({@link AccountQuery}) on the loader's own event loop — never a session's — at start,
 * every {@code connector-accounts-refresh}, after a login that found no matching account or a
 * wrong password (at most once per {@link #MIN_REFRESH_GAP}: a miss within it is answered at once,
 * and the read follows at the end of the gap), and on {@code tungsten flush
 * privileges}. Each read replaces the whole {@link AccountSnapshot} at once; a failed read keeps
 * the last one (and is logged once per distinct reason).
 *
 * <p>Thread-safe: sessions read the snapshot from any event loop.
 */
public final class ServerAccounts {

    private static final Logger log = LoggerFactory.getLogger(ServerAccounts.class);

    /**
     * Login misses start a read at most this often: at most four small reads a second on the primary
     * under a storm of wrong logins, and an account created a moment ago logs in within about this
     * long even when another miss has just read the accounts.
     */
    public static final Duration MIN_REFRESH_GAP = Duration.ofMillis(250);

    private final @Nullable ConnectorConfig config;
    private final @Nullable ConnectorTopology topology;
    private final @Nullable BackendDialer dialer;
    private final @Nullable EventLoop loop;
    /** Replaced whole, on the loader's loop only; read by every session. */
    private volatile AccountSnapshot snapshot = AccountSnapshot.EMPTY;
    // read and written on the loader's loop only
    private @Nullable CompletableFuture<Boolean> inFlight;
    private long lastStartNanos = System.nanoTime() - MIN_REFRESH_GAP.toNanos();
    private @Nullable String lastFailure;
    /** A miss came within the gap: a read is scheduled for the end of it. */
    private boolean deferred;

    private final boolean enabled;

    private ServerAccounts(
            @Nullable ConnectorConfig config,
            @Nullable ConnectorTopology topology,
            @Nullable BackendDialer dialer,
            @Nullable EventLoop loop,
            boolean enabled) {
        this.config = config;
        this.topology = topology;
        this.dialer = dialer;
        this.loop = loop;
        this.enabled = enabled;
    }

    /** No accounts are loaded: only the configured users log in ({@code connector-load-accounts=false}). */
    public static ServerAccounts disabled() {
        return new ServerAccounts(null, null, null, null, false);
    }

    /** These accounts, never read again (a login miss is answered at once): for tests without a primary. */
    public static ServerAccounts fixed(List<ServerAccount> accounts) {
        ServerAccounts fixed = new ServerAccounts(null, null, null, null, true);
        fixed.snapshot = new AccountSnapshot(accounts, System.nanoTime());
        return fixed;
    }

    /** Loads the accounts now (without waiting) and then every {@code connector-accounts-refresh}, on {@code loop}. */
    public static ServerAccounts start(
            ConnectorConfig config, ConnectorTopology topology, BackendDialer dialer, EventLoop loop) {
        ServerAccounts accounts = new ServerAccounts(config, topology, dialer, loop, true);
        long every = config.backends().accountsRefresh().toMillis();
        loop.execute(() -> accounts.refresh(true));
        loop.scheduleWithFixedDelay(() -> accounts.refresh(true), every, every, TimeUnit.MILLISECONDS);
        return accounts;
    }

    public boolean enabled() {
        return enabled;
    }

    /** The most specific loaded account of {@code user} that {@code client} matches, or null. */
    public @Nullable ServerAccount find(String user, InetAddress client) {
        return snapshot.find(user, client);
    }

    /**
     * After a login miss: starts a read unless one ran less than {@link #MIN_REFRESH_GAP} ago (joins
     * one in flight). Returns what completes once the read is done (true: the snapshot was replaced),
     * or null when no read is started, for the login to be answered at once.
     */
    public @Nullable CompletableFuture<Boolean> refreshAfterMiss() {
        EventLoop own = loop;
        if (own == null) {
            return null;
        }
        CompletableFuture<CompletableFuture<Boolean>> started = new CompletableFuture<>();
        own.execute(() -> started.complete(refresh(false)));
        return started.thenCompose(f -> f == null ? CompletableFuture.completedFuture(false) : f);
    }

    /** Reads the accounts again now ({@code tungsten flush privileges}); the message says what happened. */
    public CompletableFuture<String> reload() {
        EventLoop own = loop;
        if (own == null) {
            return CompletableFuture.completedFuture("account loading is off (connector-load-accounts=false)");
        }
        CompletableFuture<CompletableFuture<Boolean>> started = new CompletableFuture<>();
        own.execute(() -> started.complete(refresh(true)));
        return started.thenCompose(f -> f == null ? CompletableFuture.completedFuture(false) : f)
                .thenApply(replaced -> replaced
                        ? snapshot.size() + " accounts loaded from the primary"
                        : "accounts not reloaded: " + lastFailure);
    }

    /** On the loader's loop: a read, joined when one is in flight; null when rate-limited. */
    private @Nullable CompletableFuture<Boolean> refresh(boolean scheduled) {
        if (inFlight != null) {
            return inFlight;
        }
        long now = System.nanoTime();
        long wait = lastStartNanos + MIN_REFRESH_GAP.toNanos() - now;
        if (!scheduled && wait > 0) {
            // Answered at once; a client that tries again a moment later finds what the primary has.
            if (!deferred) {
                deferred = true;
                java.util.Objects.requireNonNull(loop, "enabled")
                        .schedule(
                                () -> {
                                    deferred = false;
                                    refresh(true);
                                },
                                wait,
                                TimeUnit.NANOSECONDS);
            }
            return null;
        }
        ConnectorConfig settings = java.util.Objects.requireNonNull(config, "enabled");
        EventLoop own = java.util.Objects.requireNonNull(loop, "enabled");
        Datasource primary = java.util.Objects.requireNonNull(topology, "enabled")
                .holder()
                .current()
                .dataservice(topology.service())
                .masterOrNull();
        if (primary == null) {
            return CompletableFuture.completedFuture(false);
        }
        lastStartNanos = now;
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        inFlight = done;
        AccountQuery query = AccountQuery.start(
                settings, own, java.util.Objects.requireNonNull(dialer, "enabled"), primary.host(), primary.port());
        query.result.whenComplete((accounts, failure) -> own.execute(() -> {
            inFlight = null;
            done.complete(loaded(accounts, failure, primary, now));
        }));
        return done;
    }

    private boolean loaded(
            @Nullable List<ServerAccount> accounts,
            @Nullable Throwable failure,
            Datasource primary,
            long startedNanos) {
        if (accounts == null) {
            String reason = failure == null ? "no answer" : String.valueOf(failure.getMessage());
            if (!reason.equals(lastFailure)) {
                log.warn(
                        "accounts not loaded from the primary {}:{} (only application-user and the user map log in"
                                + " until they are): {}; the service account application-user needs SELECT on"
                                + " mysql.global_priv (MariaDB) or mysql.user (MySQL)",
                        primary.host(),
                        primary.port(),
                        LogSafe.text(reason, LogSafe.TEXT));
            }
            lastFailure = reason;
            return false;
        }
        AccountSnapshot previous = snapshot;
        snapshot = new AccountSnapshot(accounts, startedNanos);
        if (lastFailure != null || previous == AccountSnapshot.EMPTY) {
            log.info("{} accounts loaded from the primary {}:{}", accounts.size(), primary.host(), primary.port());
        }
        lastFailure = null;
        return true;
    }
}
