package dev.turnout.connector.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Name lookups of datasource hosts: off the event loop, bounded, shared, kept briefly, and failing
 * with an UnknownHostException that names the host. The lookups are scripted; nothing asks a name server.
 */
class HostResolverTest {

    private static final InetAddress DB1 = address(10, 0, 0, 1);

    private final AtomicLong clock = new AtomicLong();
    private final AtomicInteger lookups = new AtomicInteger();
    private final CountDownLatch neverAnswers = new CountDownLatch(1);
    private HostResolver resolver;

    @AfterEach
    void close() {
        neverAnswers.countDown();
        if (resolver != null) {
            resolver.close();
        }
    }

    private HostResolver resolver(HostResolver.Lookup lookup, Duration timeout) {
        resolver = HostResolver.of(
                host -> {
                    lookups.incrementAndGet();
                    return lookup.addressesOf(host);
                },
                timeout,
                clock::get);
        return resolver;
    }

    @Test
    void aNameIsResolvedAndItsAddressKeptForAWhile() throws Exception {
        HostResolver resolver = resolver(host -> new InetAddress[] {DB1}, Duration.ofSeconds(5));

        assertThat(resolver.resolve("db1.example").get(5, TimeUnit.SECONDS)).containsExactly(DB1);
        assertThat(resolver.resolve("db1.example").get(5, TimeUnit.SECONDS)).containsExactly(DB1);
        assertThat(lookups).hasValue(1);

        clock.addAndGet(HostResolver.CACHE_TIME.toNanos() + 1);
        assertThat(resolver.resolve("db1.example").get(5, TimeUnit.SECONDS)).containsExactly(DB1);
        assertThat(lookups).hasValue(2);
    }

    @Test
    void aNameThatDoesNotResolveFailsNamingTheHostAndIsNotAskedAgainAtOnce() {
        HostResolver resolver = resolver(
                host -> {
                    throw new UnknownHostException(host + ": Name or service not known");
                },
                Duration.ofSeconds(5));

        Throwable failure = failureOf(resolver.resolve("no-such-host.invalid"));
        failureOf(resolver.resolve("no-such-host.invalid"));

        assertThat(failure)
                .isInstanceOf(UnknownHostException.class)
                .hasMessage("no-such-host.invalid (the name does not resolve)");
        assertThat(lookups).hasValue(1);
    }

    @Test
    void aLookupThatNeverAnswersFailsWithinItsBound() {
        HostResolver resolver = resolver(
                host -> {
                    awaitQuietly(neverAnswers);
                    return new InetAddress[] {DB1};
                },
                Duration.ofMillis(100));

        Throwable failure = failureOf(resolver.resolve("slow.example"));

        assertThat(failure)
                .isInstanceOf(UnknownHostException.class)
                .hasMessage("slow.example (no answer from the name service within 100 ms)");
    }

    @Test
    void callersWaitingForTheSameNameShareOneLookup() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        HostResolver resolver = resolver(
                host -> {
                    awaitQuietly(answer);
                    return new InetAddress[] {DB1};
                },
                Duration.ofSeconds(5));

        CompletableFuture<InetAddress[]> first = resolver.resolve("db1.example");
        CompletableFuture<InetAddress[]> second = resolver.resolve("db1.example");
        answer.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly(DB1);
        assertThat(second.get(5, TimeUnit.SECONDS)).containsExactly(DB1);
        assertThat(lookups).hasValue(1);
    }

    @Test
    void anAddressLiteralIsNotLookedUp() throws Exception {
        HostResolver resolver = resolver(host -> new InetAddress[] {DB1}, Duration.ofSeconds(5));

        assertThat(resolver.resolve("127.0.0.1").get(5, TimeUnit.SECONDS))
                .containsExactly(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        assertThat(resolver.resolve("::1").get(5, TimeUnit.SECONDS)).hasSize(1);
        assertThat(lookups).hasValue(0);
    }

    @Test
    void nettysResolverOfAnEventLoopGetsTheSameAnswers() throws Exception {
        HostResolver resolver = resolver(
                host -> {
                    if (host.equals("db1.example")) {
                        return new InetAddress[] {DB1};
                    }
                    throw new UnknownHostException(host);
                },
                Duration.ofSeconds(5));
        var netty = resolver.getResolver(ImmediateEventExecutor.INSTANCE);

        Future<InetSocketAddress> resolved = netty.resolve(InetSocketAddress.createUnresolved("db1.example", 3306))
                .await();
        Future<InetSocketAddress> unknown = netty.resolve(
                        InetSocketAddress.createUnresolved("no-such-host.invalid", 3306))
                .await();

        assertThat(resolved.getNow()).isEqualTo(new InetSocketAddress(DB1, 3306));
        assertThat(unknown.cause())
                .isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("no-such-host.invalid");
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("the lookup did not fail within 10 s", e);
        }
        throw new AssertionError("the lookup succeeded");
    }

    /** Waits for {@code latch}; an interrupted lookup fails as an unknown host, as the JDK's does. */
    private static void awaitQuietly(CountDownLatch latch) throws UnknownHostException {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnknownHostException("interrupted");
        }
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
