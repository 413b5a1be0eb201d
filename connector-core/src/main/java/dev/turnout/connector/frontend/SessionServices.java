package dev.turnout.connector.frontend;

import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.session.RouteMetrics;
import dev.turnout.connector.session.RoutingSettings;
import dev.turnout.connector.topology.ConnectorControl;
import dev.turnout.connector.topology.ConnectorTopology;
import dev.turnout.connector.backend.BackendDialer;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Ticker;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What every client session of one connector shares: the sealed configuration, the TLS context,
 * the primary's greeting, the source of connection ids, and which server thread serves each
 * session. Immutable or thread-safe; read by all event loops.
 *
 * @param dialer        opens the channels of backend connections
 * @param ticker        the clock of sessions (back-offs, deadlines); a mock one in tests
 * @param sslContext null when no certificate is configured (TLS is then not offered)
 * @param serverThreads connection id of a session → id of the server thread of its backend
 *     connection, for {@code KILL}; written when a backend becomes ready, removed when the session ends
 *     or lets its connections go
 * @param releasedSessions sessions that let their connections go while idle (connector-idle-release),
 *     by connection id, for {@code KILL}
 * @param topology      the dataservice's topology and per-datasource session counts
 * @param routing       the connector-wide routing settings
 * @param metrics       counters of routed statements
 * @param sessionCount  client sessions open now
 * @param usersReload   re-reads the user map ({@code tungsten flush privileges}); returns what happened
 * @param control       the connector's state (ONLINE, ON-HOLD, OFFLINE) as managers set it
 */
public record SessionServices(ConnectorConfig config, SslContext sslContext, GreetingCache greetings,
        BackendDialer dialer, Ticker ticker, AtomicLong connectionIds, SecureRandom random,
        ConcurrentHashMap<Long, Long> serverThreads, ConnectorTopology topology, RoutingSettings routing,
        RouteMetrics metrics, AtomicInteger sessionCount, Supplier<String> usersReload, ConnectorControl control,
        ConcurrentHashMap<Long, FrontendHandler> releasedSessions) {

    /**
     * Connection ids the connector gives its clients start here, far above the thread ids a server
     * hands out, so that a {@code KILL} meant for a connector session can never hit an unrelated
     * server thread.
     */
    public static final long FIRST_CONNECTION_ID = 0x4000_0000L;

    /** Re-reads the user map; the message says what happened. */
    public String reloadUsers() {
        return usersReload.get();
    }

    public long nextConnectionId() {
        return connectionIds.getAndIncrement();
    }
}
