package dev.turnout.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The protocol between real servers and clients, as both ends use it when nothing goes wrong. */
class PushServerClientTest {

    private final PushFixture fixture = new PushFixture();

    @AfterEach
    void closeAll() throws Exception {
        fixture.close();
    }

    private PushServer server(int port, AtomicReference<TopologySnapshot> current) throws IOException {
        return fixture.server(
                port,
                current::get,
                new PushServer.Settings(PushFixture.SECRET, Duration.ofSeconds(5), 16, 4, 64, Duration.ofSeconds(5)));
    }

    private PushClient client(TopologyHolder holder, PushClient.Listener listener, PushServer... servers) {
        return fixture.client(holder, listener, servers);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        PushFixture.await(what, condition);
    }

    private static TopologySnapshot v(long version) {
        return PushCodecTest.sample(version);
    }

    @Test
    void aSubscribingConnectorGetsTheFullSnapshotAndIsListedWithItsStats() throws Exception {
        PushServer server = server(0, new AtomicReference<>(v(5)));
        TopologyHolder holder = new TopologyHolder(TopologySnapshot.of(0, Policy.AUTOMATIC));

        PushClient client = client(holder, PushClient.Listener.acknowledging(), server);

        await("snapshot 5 arrives", () -> holder.current().version() == 5);
        assertThat(holder.current()).isEqualTo(v(5));
        await(
                "stats arrive",
                () -> server.routers().size() == 1 && server.routers().get(0).created() == 7);
        RouterInfo r = server.routers().get(0);
        assertThat(r.display()).isEqualTo("connector@host1[8616](ONLINE, created=7, active=2)");
        assertThat(r.ports()).containsExactly(9999);
        assertThat(client.connectedManagers()).isEqualTo(1);
    }

    @Test
    void laterSnapshotsArriveAndOlderOnesAreIgnored() throws Exception {
        PushServer server = server(0, new AtomicReference<>(v(5)));
        TopologyHolder holder = new TopologyHolder(TopologySnapshot.of(0, Policy.AUTOMATIC));
        List<Long> seen = new CopyOnWriteArrayList<>();
        holder.addListener(s -> seen.add(s.version()));
        client(holder, PushClient.Listener.acknowledging(), server);
        await("snapshot 5 arrives", () -> holder.current().version() == 5);

        server.broadcast(v(8));
        server.broadcast(v(6));
        server.broadcast(v(9));

        await("snapshot 9 arrives", () -> holder.current().version() == 9);
        assertThat(seen).containsExactly(5L, 8L, 9L);
    }

    @Test
    void aConnectorSubscribesToTwoManagersAndKeepsTheNewestOfBoth() throws Exception {
        PushServer a = server(0, new AtomicReference<>(v(3)));
        PushServer b = server(0, new AtomicReference<>(v(4)));
        TopologyHolder holder = new TopologyHolder(TopologySnapshot.of(0, Policy.AUTOMATIC));
        List<Long> seen = new CopyOnWriteArrayList<>();
        holder.addListener(s -> seen.add(s.version()));

        PushClient client = client(holder, PushClient.Listener.acknowledging(), a, b);

        await("both list it", () -> a.routers().size() == 1 && b.routers().size() == 1);
        await("the newer snapshot wins", () -> holder.current().version() == 4);
        assertThat(client.connectedManagers()).isEqualTo(2);
        a.broadcast(v(10));
        await("manager a pushes 10", () -> holder.current().version() == 10);
        b.broadcast(v(7));
        b.broadcast(v(12)); // after 7 on the same connection: once 12 is in, 7 was judged
        await("manager b pushes 12", () -> holder.current().version() == 12);
        assertThat(seen).doesNotContain(7L).endsWith(10L, 12L);
    }

    @Test
    void aRestartedManagerSeesTheConnectorSubscribeAgainWhileItKeptItsTopology() throws Exception {
        AtomicReference<TopologySnapshot> current = new AtomicReference<>(v(5));
        PushServer first = server(0, current);
        int port = first.port();
        TopologyHolder holder = new TopologyHolder(TopologySnapshot.of(0, Policy.AUTOMATIC));
        PushClient client = client(holder, PushClient.Listener.acknowledging(), first);
        await("subscribed", () -> first.routers().size() == 1);
        await("snapshot 5 applied", () -> holder.current().version() == 5); // listed before it has read the snapshot

        first.close();
        await("disconnected", () -> client.connectedManagers() == 0);
        assertThat(holder.current().version()).isEqualTo(5);

        current.set(v(6));
        PushServer second = server(port, current);
        await("resubscribed", () -> second.routers().size() == 1);
        await("new snapshot", () -> holder.current().version() == 6);
    }

    @Test
    void holdWaitsForEveryAckListsConnectorsOnHoldAndReleaseReachesThem() throws Exception {
        PushServer server = server(0, new AtomicReference<>(v(1)));
        List<String> events = new CopyOnWriteArrayList<>();
        PushClient.Listener listener = new PushClient.Listener() {
            @Override
            public void onHold(long request, Runnable ack) {
                events.add("hold " + request);
                new Thread(() -> {
                            events.add("acked");
                            ack.run();
                        })
                        .start();
            }

            @Override
            public void onRelease() {
                events.add("release");
            }

            @Override
            public void onState(ConnectorState state) {
                events.add("state " + state.label());
            }
        };
        client(new TopologyHolder(v(0)), listener, server);
        client(new TopologyHolder(v(0)), PushClient.Listener.acknowledging(), server);
        await("two subscribed", () -> server.routers().size() == 2);

        HoldResult result = server.hold(Duration.ofSeconds(5));

        assertThat(result.complete()).isTrue();
        assertThat(result.acknowledged()).hasSize(2);
        assertThat(events).containsExactly("hold 1", "acked");
        assertThat(server.routers()).extracting(RouterInfo::state).containsOnly(ConnectorState.ON_HOLD);
        server.release();
        await("release arrives", () -> events.contains("release"));
        assertThat(server.routers()).extracting(RouterInfo::state).containsOnly(ConnectorState.ONLINE);
        assertThat(server.setState("connector@host1[8616]", ConnectorState.OFFLINE))
                .isTrue();
        assertThat(server.setState("connector@nobody[1]", ConnectorState.OFFLINE))
                .isFalse();
        await("state arrives", () -> events.contains("state OFFLINE"));
    }

    @Test
    void holdGoesOnWithoutASilentConnectorAfterTheBoundNamingItAndLeavesTheReleaseToTheCaller() throws Exception {
        PushServer server = server(0, new AtomicReference<>(v(1)));
        List<String> events = new CopyOnWriteArrayList<>();
        PushClient.Listener silent = new PushClient.Listener() {
            @Override
            public void onHold(long request, Runnable ack) {
                events.add("hold");
            }

            @Override
            public void onRelease() {
                events.add("release");
            }

            @Override
            public void onState(ConnectorState state) {}
        };
        client(new TopologyHolder(v(0)), silent, server);
        client(new TopologyHolder(v(0)), PushClient.Listener.acknowledging(), server);
        await("subscribed", () -> server.routers().size() == 2);

        HoldResult result = server.hold(Duration.ofSeconds(1));

        assertThat(result.complete()).isFalse();
        assertThat(result.unacknowledged()).containsExactly("connector@host1[8616]");
        assertThat(result.acknowledged()).containsExactly("connector@host1[8616]");
        fixture.awaitWarning("did not acknowledge within 1000 ms; going on without it", "connector@host1[8616]");
        assertThat(events).containsExactly("hold");
        server.release();
        await("released by the caller", () -> events.contains("release"));
    }

    @Test
    void holdWithNoConnectorReturnsAtOnce() throws Exception {
        PushServer server = server(0, new AtomicReference<>(v(1)));

        HoldResult result = server.hold(Duration.ofMillis(100));

        assertThat(result.acknowledged()).isEmpty();
        assertThat(result.unacknowledged()).isEmpty();
        assertThat(server.routers()).isEmpty();
    }
}
