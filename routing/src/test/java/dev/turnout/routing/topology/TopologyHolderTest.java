package dev.turnout.routing.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TopologyHolderTest {

    static TopologySnapshot snapshot(long version) {
        return TopologySnapshot.of(
                version,
                Policy.AUTOMATIC,
                new Dataservice("alpha", List.of(Datasource.configured("db1", "db1", 3306, Role.MASTER))));
    }

    @Test
    void startsAtTheInitialSnapshot() {
        TopologySnapshot initial = snapshot(7);
        assertThat(new TopologyHolder(initial).current()).isSameAs(initial);
    }

    @Test
    void theEpochComesBeforeTheVersion() {
        TopologyHolder holder = new TopologyHolder(snapshot(5).withEpoch(2));
        assertThat(holder.offer(snapshot(1_000).withEpoch(1))).isFalse(); // an older epoch, a higher version
        assertThat(holder.current().epoch()).isEqualTo(2);
        assertThat(holder.offer(snapshot(3).withEpoch(3))).isTrue(); // a newer epoch, a lower version
        assertThat(holder.current().version()).isEqualTo(3);
        assertThat(holder.update(s -> s.withPolicy(Policy.MAINTENANCE)).epoch()).isEqualTo(3);
        assertThatThrownBy(() -> holder.update(s -> snapshot(99).withEpoch(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not newer");
    }

    @Test
    void offerInstallsOnlyNewerVersions() {
        TopologyHolder holder = new TopologyHolder(snapshot(5));
        TopologySnapshot six = snapshot(6);
        assertThat(holder.offer(snapshot(4))).isFalse();
        assertThat(holder.offer(snapshot(5))).isFalse();
        assertThat(holder.current().version()).isEqualTo(5);
        assertThat(holder.offer(six)).isTrue();
        assertThat(holder.current()).isSameAs(six);
        assertThat(holder.offer(snapshot(5))).isFalse();
        assertThat(holder.current()).isSameAs(six);
    }

    @Test
    void updateWithNoChangeKeepsTheSameSnapshotAndNotifiesNobody() {
        TopologySnapshot initial = snapshot(1);
        TopologyHolder holder = new TopologyHolder(initial);
        List<TopologySnapshot> seen = new ArrayList<>();
        holder.addListener(seen::add);
        assertThat(holder.update(s -> s)).isSameAs(initial);
        assertThat(seen).isEmpty();
    }

    @Test
    void updateRejectsASnapshotThatIsNotNewer() {
        TopologyHolder holder = new TopologyHolder(snapshot(3));
        assertThatThrownBy(() -> holder.update(s -> snapshot(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 3");
        assertThatThrownBy(() -> holder.update(s -> null)).isInstanceOf(NullPointerException.class);
        assertThat(holder.current().version()).isEqualTo(3);
    }

    @Test
    void listenersSeeEachAcceptedChangeOnTheChangingThread() {
        TopologyHolder holder = new TopologyHolder(snapshot(1));
        List<Long> versions = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        holder.addListener(s -> {
            versions.add(s.version());
            threads.add(Thread.currentThread());
        });
        holder.offer(snapshot(2));
        holder.offer(snapshot(2));
        holder.update(s -> s.withPolicy(Policy.MAINTENANCE));
        holder.offer(snapshot(1));
        assertThat(versions).containsExactly(2L, 3L);
        assertThat(threads).containsOnly(Thread.currentThread());
    }

    @Test
    void aFailingListenerDoesNotStopTheOthersAndTheChangeStays() {
        TopologyHolder holder = new TopologyHolder(snapshot(1));
        List<Long> seen = new ArrayList<>();
        holder.addListener(s -> {
            throw new IllegalStateException("listener failed");
        });
        holder.addListener(s -> seen.add(s.version()));
        assertThatThrownBy(() -> holder.offer(snapshot(2))).hasMessage("listener failed");
        assertThat(seen).containsExactly(2L);
        assertThat(holder.current().version()).isEqualTo(2);
    }

    @Test
    void concurrentUpdatesFromFourThreadsLoseNothing() throws Exception {
        int threads = 4;
        int perThread = 2_000;
        TopologyHolder holder = new TopologyHolder(snapshot(0));
        AtomicLong notified = new AtomicLong();
        List<Long> versions = new CopyOnWriteArrayList<>();
        holder.addListener(s -> {
            notified.incrementAndGet();
            if (s.version() % 1000 == 0) {
                versions.add(s.version());
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        holder.update(s ->
                                s.withPolicy(s.policy() == Policy.AUTOMATIC ? Policy.MAINTENANCE : Policy.AUTOMATIC));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // Every update was applied exactly once on top of the previous one.
        assertThat(holder.current().version()).isEqualTo((long) threads * perThread);
        assertThat(holder.current().policy()).isEqualTo(Policy.AUTOMATIC); // an even number of flips
        assertThat(notified.get()).isEqualTo((long) threads * perThread);
        assertThat(versions).containsExactlyInAnyOrder(1000L, 2000L, 3000L, 4000L, 5000L, 6000L, 7000L, 8000L);
    }

    @Test
    void concurrentOffersNeverGoBack() throws Exception {
        TopologyHolder holder = new TopologyHolder(snapshot(0));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                done.add(pool.submit(() -> {
                    for (long v = offset; v <= 4_000; v += 4) {
                        holder.offer(snapshot(v));
                        assertThat(holder.current().version()).isGreaterThanOrEqualTo(v);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(holder.current().version()).isEqualTo(4_000);
    }
}
