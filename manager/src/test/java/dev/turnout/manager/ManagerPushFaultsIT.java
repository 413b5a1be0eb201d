package dev.turnout.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.push.ConnectorState;
import dev.turnout.push.PushClient;
import dev.turnout.push.PushMessage;
import dev.turnout.push.PushSecret;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import dev.turnout.sandbox.DbServer;
import dev.turnout.sandbox.SandboxCluster;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A manager whose push port has, besides a well-behaved connector, a connector that never
 * acknowledges a hold, one that stops reading after its first snapshot, and one without the
 * secret: a planned switch goes on after the hold bound, and a failover takes its normal time. The
 * tests run in order on one cluster: the failover kills the primary.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ManagerPushFaultsIT {

    /** Long enough that a failover waiting for the hung connector would show. */
    private static final Duration HOLD_TIMEOUT = Duration.ofSeconds(8);

    private static SandboxCluster cluster;
    private static Manager manager;
    private static final List<PushClient> clients = new ArrayList<>();
    private static final CountDownLatch unblock = new CountDownLatch(1);
    private static final TopologyHolder connectorView = new TopologyHolder(TopologySnapshot.of(0, Policy.AUTOMATIC));
    private static final TopologyHolder outsiderView = new TopologyHolder(TopologySnapshot.of(0, Policy.AUTOMATIC));

    @BeforeAll
    static void start() throws Exception {
        cluster = SandboxCluster.builder().replicas(2).start();
        List<DatasourceAddress> addresses = new ArrayList<>();
        for (DbServer s : cluster.servers()) {
            addresses.add(new DatasourceAddress(name(s), s.host(), s.port()));
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        manager = Manager.start(ManagerSettingsFixture.of(cluster)
                .dbAccount(cluster.rootUser(), cluster.rootPassword())
                .holdTimeout(HOLD_TIMEOUT)
                .build());
        client("connector@good[1]", ManagedCluster.PUSH_SECRET, connectorView, PushClient.Listener.acknowledging());
        client(
                "connector@hung[2]",
                ManagedCluster.PUSH_SECRET,
                new TopologyHolder(TopologySnapshot.of(0, Policy.AUTOMATIC)),
                neverAcknowledging());
        TopologyHolder stalled = new TopologyHolder(TopologySnapshot.of(0, Policy.AUTOMATIC));
        stalled.addListener(
                s -> { // its reader thread stops here: it never reads again
                    try {
                        unblock.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        client("connector@stalled[3]", ManagedCluster.PUSH_SECRET, stalled, PushClient.Listener.acknowledging());
        client(
                "connector@outsider[4]",
                PushSecret.of("not the cluster's secret at all"),
                outsiderView,
                PushClient.Listener.acknowledging());
    }

    private static void client(String name, PushSecret secret, TopologyHolder view, PushClient.Listener listener) {
        clients.add(PushClient.start(
                PushClient.Settings.defaults(
                                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), manager.pushPort())),
                                secret)
                        .withTimings(
                                Duration.ofMillis(100),
                                Duration.ofMillis(50),
                                Duration.ofMillis(500),
                                Duration.ofSeconds(1)),
                new PushClient.Identity(name, "host", 1, List.of(9999)),
                view,
                () -> new PushMessage.Stats(0, 0),
                listener));
    }

    private static PushClient.Listener neverAcknowledging() {
        return new PushClient.Listener() {
            @Override
            public void onHold(long request, Runnable ack) {}

            @Override
            public void onRelease() {}

            @Override
            public void onState(ConnectorState state) {}
        };
    }

    @AfterAll
    static void stop() {
        unblock.countDown();
        clients.forEach(PushClient::close);
        if (manager != null) {
            manager.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String name(DbServer s) {
        return s.host() + ":" + s.port();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "; topology " + manager.topology());
            }
            Thread.sleep(20);
        }
    }

    private static String master(TopologySnapshot s) {
        return s.dataservices().containsKey("alpha")
                ? s.dataservice("alpha").master().map(Datasource::name).orElse("none")
                : "none";
    }

    private static boolean allOnline() {
        return manager.dataservice().datasources().stream()
                .allMatch(d -> d.reachable() && d.state() == DatasourceState.ONLINE);
    }

    @Test
    @Order(1)
    void aSwitchGoesOnAfterTheHoldBoundDespiteAHungAndAStalledConnectorAndNoOutsiderSubscribes() throws Exception {
        await("every datasource online", ManagerPushFaultsIT::allOnline);
        await("three connectors subscribed", () -> manager.routers().size() == 3);
        await(
                "the good connector has the topology",
                () -> !master(connectorView.current()).equals("none"));
        String old = master(manager.topology());

        long started = System.nanoTime();
        String promoted = manager.switchOver(null);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("switch with a hung and a stalled connector: " + tookMillis + " ms");

        assertThat(promoted).isNotEqualTo(old);
        assertThat(tookMillis)
                .as("waited the hold bound, not more")
                .isGreaterThanOrEqualTo(HOLD_TIMEOUT.toMillis())
                .isLessThan(HOLD_TIMEOUT.toMillis() + 10_000);
        await(
                "the good connector routes to the new master",
                () -> master(connectorView.current()).equals(promoted));
        assertThat(manager.routers()).extracting(r -> r.connector()).doesNotContain("connector@outsider[4]");
        assertThat(master(outsiderView.current())).isEqualTo("none");
    }

    @Test
    @Order(2)
    void aFailoverDoesNotWaitForTheHungConnector() throws Exception {
        await("every datasource online", ManagerPushFaultsIT::allOnline);
        String oldName = master(manager.topology());
        DbServer old = cluster.servers().stream()
                .filter(s -> name(s).equals(oldName))
                .findFirst()
                .orElseThrow();

        long killed = System.nanoTime();
        old.kill();
        await(
                "a replica is the master at the good connector",
                () -> !master(connectorView.current()).equals(oldName)
                        && !master(connectorView.current()).equals("none"));
        long tookMillis = (System.nanoTime() - killed) / 1_000_000;
        System.out.println(
                "failover with a hung and a stalled connector: kill to new topology in " + tookMillis + " ms");

        assertThat(tookMillis).as("less than the hold bound it would wait").isLessThan(HOLD_TIMEOUT.toMillis());
    }
}
