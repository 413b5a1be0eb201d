package dev.turnout.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.Role;
import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What one peer can do to the other even with the secret is bounded: versions, holds, what a
 * connector takes from a snapshot, and how long a manager waits for a connector that does not read.
 */
class PushBoundsTest {

    private final PushFixture fixture = new PushFixture();

    @AfterEach
    void closeAll() throws Exception {
        fixture.close();
    }

    private static TopologySnapshot v(long version) {
        return PushCodecTest.sample(version);
    }

    @Test
    void aVersionOfTwoToTheSixtyThreeMinusOneIsRefusedAndLoggedAndLaterVersionsStillApply() throws Exception {
        PushServer server = fixture.server(() -> v(5));
        TopologyHolder holder = new TopologyHolder(v(0));
        fixture.client(holder, PushClient.Listener.acknowledging(), server);
        PushFixture.await("snapshot 5 arrives", () -> holder.current().version() == 5);

        server.broadcast(v(Long.MAX_VALUE));
        server.broadcast(v(6));

        PushFixture.await("snapshot 6 arrives", () -> holder.current().version() == 6);
        assertThat(fixture.warnings())
                .anyMatch(w -> w.contains("refused topology version " + Long.MAX_VALUE + " from manager")
                        && w.contains(":" + server.port())
                        && w.contains("ahead of this host's clock"));
    }

    @Test
    void theVersionBoundFollowsTheClockAndAllowsTheConfiguredLead() {
        long[] now = {1_000_000};
        SnapshotCheck bound = SnapshotCheck.versionBound(Duration.ofMinutes(5), () -> now[0]);

        assertThat(bound.refusal(v(1_000_000 + 300_000))).isNull();
        assertThat(bound.refusal(v(1_000_000 + 300_001))).contains("more than 300000 ms ahead");
        now[0] += 1;
        assertThat(bound.refusal(v(1_000_000 + 300_001))).isNull();
        assertThat(bound.refusal(v(Long.MAX_VALUE))).isNotNull();
    }

    @Test
    void aSnapshotTheCallersCheckRefusesIsLoggedAndNotAppliedAndTheConnectionStays() throws Exception {
        AtomicReference<TopologySnapshot> current = new AtomicReference<>(v(5));
        PushServer server = fixture.server(current::get);
        TopologyHolder holder = new TopologyHolder(v(0));
        SnapshotCheck needsAlpha = s -> s.dataservices().containsKey("alpha") ? null : "it has no dataservice 'alpha'";
        PushClient client = fixture.client(
                PushFixture.clientSettings(PushFixture.SECRET, server.port()),
                holder,
                PushClient.Listener.acknowledging(),
                needsAlpha);

        fixture.awaitWarning("refused topology version 5 from manager", "it has no dataservice 'alpha'");
        TopologySnapshot withAlpha = TopologySnapshot.of(
                6,
                Policy.AUTOMATIC,
                new Dataservice("alpha", List.of(Datasource.configured("db1", "db1", 3306, Role.MASTER))));
        server.broadcast(withAlpha);

        PushFixture.await("snapshot 6 arrives", () -> holder.current().version() == 6);
        assertThat(client.connectedManagers()).isEqualTo(1);
    }

    @Test
    void aHoldThatNoReleaseFollowsExpiresByItselfWithALogLine() throws Exception {
        PushServer server = fixture.server(() -> v(1));
        List<String> events = new CopyOnWriteArrayList<>();
        PushClient.Listener listener = new PushClient.Listener() {
            @Override
            public void onHold(long request, Runnable ack) {
                events.add("hold " + request);
                ack.run();
            }

            @Override
            public void onRelease() {
                events.add("release");
            }

            @Override
            public void onState(ConnectorState state) {}
        };
        fixture.client(
                PushFixture.clientSettings(PushFixture.SECRET, server.port()).withHoldExpiry(Duration.ofMillis(300)),
                new TopologyHolder(v(0)),
                listener,
                SnapshotCheck.none());
        PushFixture.await("subscribed", () -> server.routers().size() == 1);

        assertThat(server.hold(Duration.ofSeconds(5)).complete()).isTrue();
        // the manager "dies" here: it never sends the release

        PushFixture.await("the hold expired", () -> events.contains("release"));
        assertThat(events).containsExactly("hold 1", "release");
        fixture.awaitWarning("hold 1 of manager", "not released within 300 ms: released by this connector");
    }

    @Test
    void aReleasedHoldDoesNotExpireLater() throws Exception {
        PushServer server = fixture.server(() -> v(1));
        List<String> events = new CopyOnWriteArrayList<>();
        PushClient.Listener listener = new PushClient.Listener() {
            @Override
            public void onHold(long request, Runnable ack) {
                ack.run();
            }

            @Override
            public void onRelease() {
                events.add("release");
            }

            @Override
            public void onState(ConnectorState state) {}
        };
        fixture.client(
                PushFixture.clientSettings(PushFixture.SECRET, server.port()).withHoldExpiry(Duration.ofSeconds(1)),
                new TopologyHolder(v(0)),
                listener,
                SnapshotCheck.none());
        PushFixture.await("subscribed", () -> server.routers().size() == 1);
        server.hold(Duration.ofSeconds(5));
        server.release();
        PushFixture.await("released", () -> events.contains("release"));

        server.hold(Duration.ofSeconds(5)); // a second hold: its expiry is the one that counts
        PushFixture.await("the second hold expired", () -> events.size() == 2);

        assertThat(fixture.warnings()).noneMatch(w -> w.contains("hold 1 of manager"));
        assertThat(fixture.warnings()).anyMatch(w -> w.contains("hold 2 of manager"));
    }

    /** A snapshot of {@code n} datasources: a few tens of kilobytes a line, to fill socket buffers soon. */
    private static TopologySnapshot large(long version, int n) {
        List<Datasource> sources = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sources.add(Datasource.configured(
                    "datasource-with-a-long-name-" + i,
                    "host-" + i + ".example.internal",
                    3306,
                    i == 0 ? Role.MASTER : Role.SLAVE));
        }
        return TopologySnapshot.of(version, Policy.AUTOMATIC, new Dataservice("east", sources));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSubscriberThatStopsReadingIsDroppedWithoutDelayingBroadcastsToTheOthers() throws Exception {
        PushServer server = fixture.server(
                () -> large(1, 200),
                new PushServer.Settings(PushFixture.SECRET, Duration.ofSeconds(5), 16, 4, 1024, Duration.ofSeconds(2)));
        TopologyHolder good = new TopologyHolder(v(0));
        fixture.client(good, PushClient.Listener.acknowledging(), server);
        LineChannel stalled = fixture.rawConnector(server, PushFixture.SECRET); // says hello, never reads
        PushFixture.await("both subscribed", () -> server.routers().size() == 2);

        for (int version = 2; version <= 400; version++) {
            server.broadcast(large(version, 200)); // queued: never waits for a connector
        }

        PushFixture.await(
                "the reading connector has every snapshot", () -> good.current().version() == 400);
        fixture.awaitWarning("push peer", "dropped: a write did not complete within 2000 ms");
        PushFixture.await("the stalled one is gone", () -> server.routers().size() == 1);
        assertThat(server.routers().get(0).connector()).isEqualTo("connector@host1[8616]");
        assertThat(stalled.isClosed()).isFalse(); // it is the server that let go
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSubscriberWhoseQueueFillsIsDroppedAndTheBroadcastReturns() throws Exception {
        PushServer server = fixture.server(
                () -> large(1, 200),
                new PushServer.Settings(PushFixture.SECRET, Duration.ofSeconds(5), 16, 4, 4, Duration.ofSeconds(30)));
        fixture.rawConnector(server, PushFixture.SECRET); // says hello, never reads
        PushFixture.await("subscribed", () -> server.routers().size() == 1);

        for (int version = 2; version <= 400; version++) {
            server.broadcast(large(version, 200));
        }

        fixture.awaitWarning("push peer", "dropped: it did not read its last 4 messages");
        PushFixture.await("it is gone", () -> server.routers().isEmpty());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aHoldDoesNotWaitForASubscriberThatStoppedReadingBeyondItsBound() throws Exception {
        PushServer server = fixture.server(() -> v(1));
        fixture.rawConnector(server, PushFixture.SECRET); // says hello, never reads, never acks
        fixture.client(new TopologyHolder(v(0)), PushClient.Listener.acknowledging(), server);
        PushFixture.await("both subscribed", () -> server.routers().size() == 2);

        HoldResult result = server.hold(Duration.ofSeconds(1));

        assertThat(result.acknowledged()).containsExactly("connector@host1[8616]");
        assertThat(result.unacknowledged()).containsExactly("connector@raw[1]");
        server.release();
    }

    @Test
    void theGeneratedCertificateIsAValidSelfSignedX509Certificate() throws Exception {
        SelfSignedCertificate c = SelfSignedCertificate.generate("turnout-manager", new java.security.SecureRandom());

        c.certificate().verify(c.keys().getPublic());
        c.certificate().checkValidity();
        assertThat(c.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=turnout-manager");
        assertThat(c.certificate().getVersion()).isEqualTo(3);
    }
}
