package dev.turnout.push;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The holds of one {@link PushServer}: sends {@code hold} to every subscribed connector, waits —
 * bounded — for their acks, and sends {@code release}. A connector that does not acknowledge in
 * time is logged and left out, so that no connector can stop a switch; the hold stays in place for
 * the others until the release.
 *
 * <p>Threading: {@link #hold} and {@link #release} are serialised (one hold at a time) and the
 * waiting caller is the only one that blocks; acks arrive on the connections' reader threads.
 */
final class HoldCoordinator {

    private static final Logger log = LoggerFactory.getLogger(HoldCoordinator.class);

    private final PushServer server;
    private final AtomicLong requests = new AtomicLong();
    private final Object holdLock = new Object();
    private final Object ackMonitor = new Object();
    private volatile long active = -1;

    HoldCoordinator(PushServer server) {
        this.server = server;
    }

    /** The request of the hold in place, or -1. */
    long active() {
        return active;
    }

    HoldResult hold(Duration ackWait) throws InterruptedException {
        synchronized (holdLock) {
            long request = requests.incrementAndGet();
            active = request;
            List<Subscriber> waited = new ArrayList<>();
            for (Subscriber c : server.subscribed()) {
                if (c.send(new PushMessage.Hold(request))) {
                    waited.add(c);
                }
            }
            long deadline = System.nanoTime() + ackWait.toNanos();
            List<Subscriber> acknowledged = new ArrayList<>();
            List<Subscriber> missing = new ArrayList<>();
            synchronized (ackMonitor) {
                while (true) {
                    acknowledged.clear();
                    missing.clear();
                    for (Subscriber c : waited) {
                        if (c.acked >= request) {
                            acknowledged.add(c);
                        } else if (!c.closed) {
                            missing.add(c);
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (missing.isEmpty() || left <= 0) {
                        break;
                    }
                    ackMonitor.wait(Math.max(1, left / 1_000_000));
                }
            }
            if (ackWait.isZero()) {
                log.info("hold {} sent to {} connector(s), not waiting for their acks", request, waited.size());
            } else if (missing.isEmpty()) {
                log.info("hold {}: {} connector(s) acknowledged", request, acknowledged.size());
            }
            for (Subscriber c : ackWait.isZero() ? List.<Subscriber>of() : missing) {
                log.warn(
                        "hold {}: connector {} ({}) did not acknowledge within {} ms; going on without it",
                        request,
                        c.name(),
                        c.peer(),
                        ackWait.toMillis());
            }
            return new HoldResult(request, names(acknowledged), names(missing));
        }
    }

    private static List<String> names(List<Subscriber> connections) {
        return connections.stream().map(Subscriber::name).toList();
    }

    void release() {
        synchronized (holdLock) {
            active = -1;
            for (Subscriber c : server.subscribed()) {
                if (c.send(new PushMessage.Release())) {
                    c.updateState(ConnectorState.ONLINE);
                }
            }
        }
    }

    /** A connector acknowledged {@code request}. */
    void acknowledged(Subscriber c, long request) {
        synchronized (ackMonitor) {
            if (request > requests.get()) {
                log.warn(
                        "push connection {} ({}): ack of hold {}, which was never asked; ignored",
                        c.id,
                        c.name(),
                        request);
                return;
            }
            c.acked = Math.max(c.acked, request);
            if (request == active) {
                c.updateState(ConnectorState.ON_HOLD);
            }
            ackMonitor.notifyAll();
        }
    }

    /** A connection closed: a waiting hold need not wait for it. */
    void connectionClosed() {
        synchronized (ackMonitor) {
            ackMonitor.notifyAll();
        }
    }
}
