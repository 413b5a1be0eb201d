package dev.turnout.connector.frontend;

import dev.turnout.connector.config.ConnectorConfig;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every client session of one connector shares: the sealed configuration, the TLS context,
 * the primary's greeting, the source of connection ids, and which server thread serves each
 * session. Immutable or thread-safe; read by all event loops.
 *
 * @param sslContext null when no certificate is configured (TLS is then not offered)
 * @param serverThreads connection id of a session → id of the server thread of its backend
 *     connection, for {@code KILL}; written when a backend becomes ready, removed when the session ends
 */
public record SessionServices(ConnectorConfig config, SslContext sslContext, GreetingCache greetings,
        Class<? extends Channel> backendChannelClass, AtomicLong connectionIds, SecureRandom random,
        ConcurrentHashMap<Long, Long> serverThreads) {

    /**
     * Connection ids the connector gives its clients start here, far above the thread ids a server
     * hands out, so that a {@code KILL} meant for a connector session can never hit an unrelated
     * server thread.
     */
    public static final long FIRST_CONNECTION_ID = 0x4000_0000L;

    public long nextConnectionId() {
        return connectionIds.getAndIncrement();
    }
}
