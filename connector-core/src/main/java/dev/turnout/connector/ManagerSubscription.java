package dev.turnout.connector;

import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.connector.session.Session;
import dev.turnout.connector.session.SessionRegistry;
import dev.turnout.connector.session.SessionServices;
import dev.turnout.connector.topology.ConnectorControl;
import dev.turnout.connector.topology.ConnectorTopology;
import dev.turnout.push.ConnectorState;
import dev.turnout.push.PushClient;
import dev.turnout.push.PushMessage;
import dev.turnout.push.PushSecret;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.Ticker;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's side of the managers' push ({@code connector-managers}): it subscribes to every
 * manager, hands their snapshots to the topology (older versions are ignored, and a snapshot of an
 * older coordinator epoch than the one applied is refused and logged, whatever its version:
 * docs/push-protocol.md), reports the session
 * counts, and obeys them:
 * <ul>
 *   <li><b>hold</b>: the connector goes ON-HOLD (statements that would start outside a
 *       transaction wait), and acknowledges once every session is at a transaction boundary with
 *       nothing in flight — polled every 20 ms, for at most {@link #HOLD_WAIT_MILLIS}; sessions
 *       still inside a transaction after {@code connector-disconnect-timeout} are ended with an
 *       error (their transactions roll back);</li>
 *   <li><b>release</b>: ONLINE again; the waiting statements run, on the new master if the
 *       topology changed meanwhile. A hold that no release follows within
 *       {@code connector-hold-expiry} is released by the push client itself (a manager that
 *       stopped between hold and release);</li>
 *   <li><b>state</b>: ONLINE, ON-HOLD, or OFFLINE (sessions are closed as at shutdown, with their
 *       running statements let finish; logins are refused).</li>
 * </ul>
 * With no manager reachable the connector keeps routing on the last topology it has. Managers
 * must prove {@code manager-push-secret}; snapshots must describe this connector's dataservice at
 * its configured members ({@link PushedTopologyCheck}); what is refused is logged.
 *
 * <p>Thread-safe; its work runs on the push client's threads and one scheduler thread, and reaches
 * sessions only through tasks on their event loops.
 */
final class ManagerSubscription implements PushClient.Listener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ManagerSubscription.class);
    /** How long an acknowledgement of a hold waits for sessions in transactions to finish. */
    static final long HOLD_WAIT_MILLIS = 30_000;
    /** How long no manager may be reachable before {@code connector-without-managers=offline} takes the connector offline. */
    static final long LOSS_GRACE_MILLIS = 2_000;

    /** Touched only by the scheduler thread. */
    private long lostSince;

    private boolean offlineForLoss;

    private final ChannelGroup sessions;
    private final SessionServices services;
    private final SessionRegistry registry;
    private final ConnectorControl control;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "turnout-hold");
        thread.setDaemon(true);
        return thread;
    });
    private final PushClient client;

    ManagerSubscription(List<HostPort> managers, List<Integer> ports, ChannelGroup sessions, SessionServices services) {
        this.sessions = sessions;
        this.services = services;
        this.registry = services.registry();
        this.control = services.control();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (HostPort manager : managers) {
            addresses.add(new InetSocketAddress(manager.host(), manager.port())); // resolved once, at start
        }
        ConnectorTopology topology = services.topology();
        topology.holder().addListener(snapshot -> registry.forEach(Session::wake));
        byte[] secret = services.config().failover().pushSecret();
        PushClient.Settings settings = PushClient.Settings.defaults(
                        addresses, secret == null ? PushSecret.none() : PushSecret.of(secret))
                .withHoldExpiry(services.config().failover().holdExpiry());
        this.client = PushClient.start(
                settings,
                PushClient.Identity.ofThisProcess(ports),
                topology.holder(),
                this::stats,
                this,
                new PushedTopologyCheck(services.config().dataservice()));
        log.info(
                "following the topology of manager(s) {} ({}); a hold without release expires after {} ms",
                managers,
                secret == null ? "NOT authenticated: no manager-push-secret" : "TLS, shared secret",
                settings.holdExpiry().toMillis());
        if (services.config().failover().offlineWithoutManagers()) {
            scheduler.scheduleWithFixedDelay(this::checkManagers, LOSS_GRACE_MILLIS, 200, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * With {@code connector-without-managers=offline}: OFFLINE once no manager has been reachable for
     * {@link #LOSS_GRACE_MILLIS}, ONLINE again when one is.
     */
    private void checkManagers() {
        if (client.connectedManagers() > 0) {
            lostSince = 0;
            if (offlineForLoss) {
                offlineForLoss = false;
                control.state(ConnectorState.ONLINE);
                log.info("a manager is reachable again: ONLINE");
            }
            return;
        }
        long now = services.ticker().nanoTime();
        if (lostSince == 0) {
            lostSince = now;
        } else if (!offlineForLoss && now - lostSince > TimeUnit.MILLISECONDS.toNanos(LOSS_GRACE_MILLIS)) {
            offlineForLoss = true;
            control.state(ConnectorState.OFFLINE);
            log.warn("no manager reachable for {} ms: OFFLINE (connector-without-managers=offline)", LOSS_GRACE_MILLIS);
            registry.forEach(session -> session.drain(ConnectorErrors.offline()));
        }
    }

    private PushMessage.Stats stats() {
        long created = services.connectionIds().get() - SessionServices.FIRST_CONNECTION_ID;
        return new PushMessage.Stats(created, sessions.size());
    }

    @Override
    public void onHold(long request, Runnable ack) {
        control.state(ConnectorState.ON_HOLD);
        log.info("on hold (request {}): new transactions wait", request);
        Ticker ticker = services.ticker();
        long deadline = ticker.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HOLD_WAIT_MILLIS);
        long grace = ticker.nanoTime()
                + services.config().failover().disconnectTimeout().toNanos();
        scheduler.execute(new Runnable() {
            @Override
            public void run() {
                if (!control.holding()) {
                    return; // released or changed meanwhile
                }
                if (registry.allAtTransactionBoundary(1000)) {
                    log.info("every session held (request {})", request);
                    ack.run();
                } else if (ticker.nanoTime() - deadline < 0) {
                    if (ticker.nanoTime() - grace > 0) {
                        registry.forEach(Session::abortTransactionForSwitch);
                    }
                    scheduler.schedule(this, 20, TimeUnit.MILLISECONDS);
                } else {
                    log.warn(
                            "sessions still inside transactions after {} ms; not acknowledging hold request {}",
                            HOLD_WAIT_MILLIS,
                            request);
                }
            }
        });
    }

    @Override
    public void onRelease() {
        control.state(ConnectorState.ONLINE);
        log.info("released: statements run again");
        registry.forEach(Session::wake);
    }

    @Override
    public void onState(ConnectorState state) {
        control.state(state);
        log.info("state {} set by a manager", state.label());
        registry.forEach(
                state == ConnectorState.OFFLINE ? session -> session.drain(ConnectorErrors.offline()) : Session::wake);
    }

    /** Managers this connector is subscribed to right now. */
    int connectedManagers() {
        return client.connectedManagers();
    }

    @Override
    public void close() {
        client.close();
        scheduler.shutdownNow();
    }
}
