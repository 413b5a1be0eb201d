package dev.turnout.connector.backend;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the host names of datasources off the event loops: the system resolver
 * ({@code getaddrinfo}, which honours {@code /etc/hosts} and {@code nsswitch.conf}) blocks, for a
 * minute when a name server does not answer, and on an event loop that would stall every session
 * of the loop. Lookups run on two daemon threads; each is bounded ({@link #lookupTimeout}, three
 * quarters of {@code connector-connect-timeout}, so that the connect timeout still has time to
 * connect and authenticate), shared by the callers that want the same name meanwhile, and its
 * outcome — an address, or the failure — is kept for {@link #CACHE_TIME} (on top of the JVM's own
 * cache), so that a name that does not resolve is asked for and logged once per five seconds, not
 * once per login. A failure is an {@link UnknownHostException} whose message names the host and
 * says why, e.g. {@code no-such-host.invalid (the name does not resolve)}.
 *
 * <p>It is the {@link AddressResolverGroup} of the connector's backend {@code Bootstrap}s: an
 * address literal is taken as it is, a name is resolved here, and Netty connects on the event loop
 * once the address is known. Thread-safe.
 */
public final class HostResolver extends AddressResolverGroup<InetSocketAddress> {

    /** How long a lookup's outcome is kept. */
    public static final Duration CACHE_TIME = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(HostResolver.class);

    /** The lookup a resolver makes, {@link InetAddress#getAllByName} unless a test says otherwise. */
    @FunctionalInterface
    public interface Lookup {
        InetAddress[] addressesOf(String host) throws UnknownHostException;
    }

    private final Lookup lookup;
    private final Duration lookupTimeout;
    private final ExecutorService executor;
    private final Cache<String, CompletableFuture<InetAddress[]>> outcomes;

    private HostResolver(Lookup lookup, Duration lookupTimeout, Ticker ticker) {
        this.lookup = lookup;
        this.lookupTimeout = lookupTimeout;
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "turnout-resolver-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        pool.allowCoreThreadTimeOut(true);
        this.executor = pool;
        this.outcomes = Caffeine.newBuilder()
                .expireAfterWrite(CACHE_TIME)
                .maximumSize(10_000)
                .ticker(ticker)
                .build();
    }

    /** The system resolver, each lookup bounded by three quarters of {@code connectTimeout}. */
    public static HostResolver system(Duration connectTimeout) {
        return new HostResolver(
                InetAddress::getAllByName, connectTimeout.multipliedBy(3).dividedBy(4), Ticker.systemTicker());
    }

    /** A resolver with another lookup, timeout and clock (tests). */
    public static HostResolver of(Lookup lookup, Duration lookupTimeout, Ticker ticker) {
        return new HostResolver(lookup, lookupTimeout, ticker);
    }

    /** How long one lookup may take before it fails. */
    public Duration lookupTimeout() {
        return lookupTimeout;
    }

    /**
     * The addresses of {@code host}, completed on a resolver thread (or at once for an address
     * literal or a kept outcome); fails with an {@link UnknownHostException} naming the host.
     */
    public CompletableFuture<InetAddress[]> resolve(String host) {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                return CompletableFuture.completedFuture(new InetAddress[] {InetAddress.getByAddress(literal)});
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(e); // not for a literal of the right length
            }
        }
        return outcomes.get(host, this::lookUp);
    }

    private CompletableFuture<InetAddress[]> lookUp(String host) {
        long started = System.nanoTime();
        return CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return lookup.addressesOf(host);
                            } catch (UnknownHostException e) {
                                throw new CompletionException(e);
                            }
                        },
                        executor)
                .orTimeout(lookupTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause()
                            : failure;
                    String why = cause instanceof UnknownHostException
                            ? "the name does not resolve"
                            : cause instanceof TimeoutException
                                    ? "no answer from the name service within " + lookupTimeout.toMillis() + " ms"
                                    : String.valueOf(cause);
                    log.warn(
                            "cannot resolve datasource host {}: {} (after {} ms; not asked again for {} s)",
                            host,
                            why,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                            CACHE_TIME.toSeconds());
                    throw new CompletionException(unknown(host, why));
                });
    }

    private static UnknownHostException unknown(String host, String why) {
        return new UnknownHostException(host + " (" + why + ")");
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new InetSocketAddressResolver(executor, new Names(executor));
    }

    @Override
    public void close() {
        super.close();
        executor.shutdownNow();
    }

    /** The Netty view of the lookups, one per event loop (Netty's contract): promises complete from a resolver thread. */
    private final class Names extends InetNameResolver {

        Names(EventExecutor executor) {
            super(executor);
        }

        @Override
        protected void doResolve(String inetHost, Promise<InetAddress> promise) {
            HostResolver.this.resolve(inetHost).whenComplete((addresses, failure) -> {
                if (failure != null) {
                    promise.tryFailure(unwrap(failure));
                } else {
                    promise.trySuccess(addresses[0]);
                }
            });
        }

        @Override
        protected void doResolveAll(String inetHost, Promise<List<InetAddress>> promise) {
            HostResolver.this.resolve(inetHost).whenComplete((addresses, failure) -> {
                if (failure != null) {
                    promise.tryFailure(unwrap(failure));
                } else {
                    promise.trySuccess(Arrays.asList(addresses));
                }
            });
        }

        private Throwable unwrap(Throwable failure) {
            return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        }
    }
}
