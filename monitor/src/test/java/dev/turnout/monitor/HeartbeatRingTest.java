package dev.turnout.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeartbeatRingTest {

    private final AtomicLong now = new AtomicLong(100_000);
    /** Heartbeats every 100 ms kept 10 s, stale after 1.2 s, room for 116. */
    private final HeartbeatRing ring = HeartbeatRing.forInterval(now::get, 100, 1_000, 10_000);

    /** Commits a heartbeat every 100 ms from {@code from} to {@code to} inclusive, the clock following. */
    private void heartbeats(long from, long to) {
        for (long ts = from; ts <= to; ts += 100) {
            now.set(ts);
            ring.committed(ts);
        }
    }

    @Test
    void aReplicaThatAppliedTheLatestHeartbeatAtSendTimeHasNoLatency() {
        heartbeats(100_000, 101_000);
        long mark = ring.latest();
        now.set(101_060);

        assertThat(ring.latency(101_000, mark)).isZero();
    }

    @Test
    void aHeartbeatCommittedWhileTheReadWasInFlightDoesNotCountAgainstTheReplica() {
        heartbeats(100_000, 101_000);
        long mark = ring.latest();
        heartbeats(101_100, 101_100);
        now.set(101_150);

        assertThat(ring.latency(101_000, mark)).isZero();
    }

    @Test
    void latencyIsMeasuredFromTheEarliestWriteTheReplicaHasNotApplied() {
        heartbeats(100_000, 101_300);
        long mark = ring.latest();
        now.set(101_350);

        // T = 101 100: the oldest unapplied write is 101 200, waiting 150 ms (not now - T = 250 ms).
        assertThat(ring.latency(101_100, mark)).isEqualTo(150);
    }

    @Test
    void aReplicaOneWriteBehindRightAfterTheWriteHasMillisecondsOfLatency() {
        heartbeats(100_000, 101_300);
        long mark = ring.latest();
        now.set(101_303);

        assertThat(ring.latency(101_200, mark)).isEqualTo(3);
    }

    @Test
    void aRowWrittenBetweenTwoRecordedHeartbeatsIsMeasuredFromTheNextOne() {
        heartbeats(100_000, 101_000);
        long mark = ring.latest();
        now.set(101_010);

        // 100 550 was written by an earlier monitor with the same source, say.
        assertThat(ring.latency(100_550, mark)).isEqualTo(101_010 - 100_600);
    }

    @Test
    void whenTheRingNoLongerReachesBackToTheRowLatencyIsNowMinusT() {
        heartbeats(100_000, 115_000);
        long mark = ring.latest();
        now.set(115_050);

        // 10 s window: the ring's oldest stamp is 105 100 at the latest, so the writes after 102 000 are gone.
        assertThat(ring.latency(102_000, mark)).isEqualTo(115_050 - 102_000);
    }

    @Test
    void whenNoHeartbeatCommittedRecentlyLatencyIsNowMinusTEvenForACaughtUpReplica() {
        heartbeats(100_000, 101_000);
        long mark = ring.latest();
        now.set(103_000);

        assertThat(ring.latency(101_000, mark)).isEqualTo(2_000);
    }

    @Test
    void withinTheStaleBoundACaughtUpReplicaStillHasNoLatency() {
        heartbeats(100_000, 101_000);
        long mark = ring.latest();
        now.set(102_200);

        assertThat(ring.latency(101_000, mark)).isZero();
    }

    @Test
    void beforeAnyHeartbeatCommittedLatencyIsNowMinusT() {
        now.set(100_500);

        assertThat(ring.latest()).isEqualTo(HeartbeatRing.NONE);
        assertThat(ring.latency(100_000, ring.latest())).isEqualTo(500);
    }

    @Test
    void aTimestampFromAClockThatSteppedBackIsIgnored() {
        heartbeats(100_000, 100_500);
        ring.committed(100_200);

        assertThat(ring.latest()).isEqualTo(100_500);
        assertThat(ring.size()).isEqualTo(6);
    }

    @Test
    void theRingIsBoundedInCountAndFallsBackToNowMinusTBeyondIt() {
        HeartbeatRing small = new HeartbeatRing(now::get, 10_000, 1_000, 4);
        for (long ts = 100_000; ts <= 100_009; ts++) {
            now.set(ts);
            small.committed(ts);
        }
        long mark = small.latest();
        now.set(100_010);

        assertThat(small.size()).isEqualTo(4);
        assertThat(small.latency(100_006, mark)).isEqualTo(100_010 - 100_007);
        assertThat(small.latency(100_002, mark)).isEqualTo(100_010 - 100_002);
    }

    @Test
    void latencyIsNeverNegative() {
        heartbeats(100_000, 101_000);
        long mark = ring.latest();
        now.set(100_550);

        assertThat(ring.latency(100_500, mark)).isZero();
        assertThat(ring.latency(101_500, mark)).isZero();
    }

    @Test
    void aGrowingBacklogShowsAsGrowingLatency() {
        heartbeats(100_000, 101_000);
        long applied = 101_000;
        long previous = -1;
        for (long t = 101_100; t <= 102_000; t += 100) {
            heartbeats(t, t);
            now.set(t + 20);
            long latency = ring.latency(applied, ring.latest());
            assertThat(latency).isEqualTo(t + 20 - 101_100).isGreaterThan(previous);
            previous = latency;
        }
    }
}
