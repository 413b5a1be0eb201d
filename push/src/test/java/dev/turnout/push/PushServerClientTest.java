package dev.turnout.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PushServerClientTest {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private PushServer server(int port, AtomicReference<TopologySnapshot> current) throws IOException {
        PushServer s = PushServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), current::get);
        closeables.add(s);
        return s;
    }

    private PushClient client(TopologyHolder holder, PushClient.Listener listener, PushServer... servers) {
        List<InetSocketAddress> managers = new ArrayList<>();
        for (PushServer s : servers) {
            managers.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port()));
        }
        PushClient c = PushClient.start(
                new PushClient.Settings(
                        managers,
                        Duration.ofMillis(50),
                        Duration.ofMillis(20),
                        Duration.ofMillis(200),
                        Duration.ofSeconds(1)),
                new PushClient.Identity("connector@host1[8616]", "host1", 8616, List.of(9999)),
                holder,
                () -> new PushMessage.Stats(7, 2),
                listener);
        closeables.add(c);
        return c;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
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

        PushClient client = client(holder, PushClient.Listener.acknowledging(), a, b);

        await("both list it", () -> a.routers().size() == 1 && b.routers().size() == 1);
        await("the newer snapshot wins", () -> holder.current().version() == 4);
        assertThat(client.connectedManagers()).isEqualTo(2);
        a.broadcast(v(10));
        await("manager a pushes 10", () -> holder.current().version() == 10);
        b.broadcast(v(7));
        server(0, new AtomicReference<>(v(1))); // an unrelated manager: nothing changes
        Thread.sleep(100);
        assertThat(holder.current().version()).isEqualTo(10);
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

        server.hold(Duration.ofSeconds(5));

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
    void holdFailsOnTimeoutNamingTheSilentConnectorAndReleasesTheOthers() throws Exception {
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
        await("subscribed", () -> server.routers().size() == 1);

        assertThatThrownBy(() -> server.hold(Duration.ofMillis(200)))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("connector@host1[8616]");
        await("released after the timeout", () -> events.contains("release"));
        assertThat(events).containsExactly("hold", "release");
    }

    @Test
    void holdWithNoConnectorReturnsAtOnce() throws Exception {
        PushServer server = server(0, new AtomicReference<>(v(1)));

        server.hold(Duration.ofMillis(100));

        assertThat(server.routers()).isEmpty();
    }
}
