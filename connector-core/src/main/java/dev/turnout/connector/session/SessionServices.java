package dev.turnout.connector.session;

import dev.turnout.connector.accounts.ServerAccounts;
import dev.turnout.connector.backend.BackendDialer;
import dev.turnout.connector.backend.GreetingCache;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.topology.ConnectorControl;
import dev.turnout.connector.topology.ConnectorTopology;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Ticker;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What every client session of one connector shares: the sealed configuration, the TLS context,
 * the primary's greeting, the source of connection ids, the topology, and the registry of sessions.
 * Immutable or thread-safe; read by all event loops.
 *
 * @param sslContext    null when no certificate is configured (TLS is then not offered)
 * @param dialer        opens the channels of backend connections
 * @param ticker        the clock of sessions (back-offs, deadlines); a mock one in tests
 * @param topology      the dataservice's topology and per-datasource session counts
 * @param routing       the connector-wide routing settings
 * @param metrics       counters of routed statements
 * @param usersReload   re-reads the user map ({@code tungsten flush privileges}); returns what happened
 * @param control       the connector's state (ONLINE, ON-HOLD, OFFLINE) as managers set it
 * @param registry      the sessions, per event loop, and what KILL needs to know of them
 * @param tally         events many sessions see at once, logged once with a count
 * @param accounts      the primary's accounts ({@code connector-load-accounts})
 */
public record SessionServices(
        ConnectorConfig config,
        @Nullable SslContext sslContext,
        GreetingCache greetings,
        BackendDialer dialer,
        Ticker ticker,
        AtomicLong connectionIds,
        SecureRandom random,
        ConnectorTopology topology,
        RoutingSettings routing,
        RouteMetrics metrics,
        Supplier<String> usersReload,
        ConnectorControl control,
        SessionRegistry registry,
        EventTally tally,
        ServerAccounts accounts) {

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
