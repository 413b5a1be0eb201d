package dev.turnout.connector;

import dev.turnout.connector.backend.BackendConnection;
import dev.turnout.connector.backend.BackendDialer;
import dev.turnout.connector.backend.BackendListener;
import dev.turnout.connector.backend.GreetingCache;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.error.LogSafe;
import dev.turnout.protocol.auth.ClientAuthExchange;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.message.server.OkPacket;
import dev.turnout.protocol.response.ResponseTracker;
import dev.turnout.protocol.response.ServerStep;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs in to the primary once when the connector starts, so that the first client already sees
 * the primary's version and capabilities, and reads the server's global {@code wait_timeout}, below
 * which the backend pool keeps its idle connections. A primary that is down is logged, not fatal.
 *
 * <p>Its callbacks run on the event loop it connects on; {@link #run} waits for them.
 */
final class PrimaryProbe implements BackendListener {

    private static final Logger log = LoggerFactory.getLogger(PrimaryProbe.class);
    private static final byte[] QUERY = "SELECT @@global.wait_timeout".getBytes(StandardCharsets.US_ASCII);

    private final String target;
    /** The primary's wait_timeout in seconds, or -1 when it was not read. */
    private final CompletableFuture<Long> waitTimeout = new CompletableFuture<>();

    @SuppressWarnings("NullAway.Init") // set by backendReady, which comes before any backendPacket
    private ResponseTracker tracker;

    private long seconds = -1;

    private PrimaryProbe(String target) {
        this.target = target;
    }

    /**
     * Probes the configured primary, waiting at most the connect timeout (and a second); returns its
     * {@code wait_timeout} in seconds, or -1 when the primary did not say.
     */
    static long run(ConnectorConfig config, EventLoop loop, BackendDialer dialer, GreetingCache greetings) {
        HostPort master = config.dataservice().requireMaster();
        long capabilities = Capabilities.CLIENT_PROTOCOL_41
                | Capabilities.CLIENT_SECURE_CONNECTION
                | Capabilities.CLIENT_PLUGIN_AUTH
                | Capabilities.CLIENT_LONG_PASSWORD
                | Capabilities.CLIENT_TRANSACTIONS
                | Capabilities.CLIENT_CONNECT_ATTRS
                | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
        ClientAuthExchange exchange = new ClientAuthExchange(
                config.applicationUser(),
                config.applicationPassword(),
                null,
                capabilities,
                45,
                Map.of("_client_name", "turnout-probe"));
        exchange.allowPublicKeyRetrieval(config.backends().allowPublicKeyRetrieval());
        BackendConnection.Target target = new BackendConnection.Target(
                config.serviceName(), master.host(), master.port(), config.connectTimeout());
        PrimaryProbe probe = new PrimaryProbe(target.toString());
        loop.execute(() -> BackendConnection.connect(loop, dialer, target, exchange, probe, greetings::update));
        try {
            return probe.waitTimeout.get(config.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("primary {} did not answer in time", target);
            return -1;
        }
    }

    @Override
    public void backendReady(BackendConnection backend, OkPacket ok) {
        HandshakeV10 greeting = Objects.requireNonNull(backend.greeting(), "a ready backend has had its greeting");
        log.info("primary {} is {}", target, greeting.serverVersion());
        tracker = new ResponseTracker(backend.capabilities());
        ByteBuf query = backend.alloc().buffer(Packets.HEADER_SIZE + 1 + QUERY.length);
        Packets.writeHeader(query, 1 + QUERY.length, 0);
        query.writeByte(Command.COM_QUERY).writeBytes(QUERY);
        tracker.onClientPacket(query);
        backend.write(query);
        backend.flush();
        backend.read();
    }

    @Override
    public void backendFailed(BackendConnection backend, ErrPacket error) {
        log.info("primary {} is not available yet: {}", target, LogSafe.text(error.message(), LogSafe.TEXT));
        waitTimeout.complete(-1L);
    }

    @Override
    public void backendPacket(BackendConnection backend, ByteBuf frame) {
        int first = Packets.firstByte(frame);
        if (tracker.state() == ResponseTracker.State.ROWS && first != 0xFE && first != 0xFF) {
            seconds = wholeNumber(frame); // one row, one column: the number as text
        }
        ServerStep step = tracker.onServerPacket(frame);
        frame.release();
        if (step == ServerStep.COMPLETE || step == ServerStep.UNEXPECTED) {
            backend.quit();
            waitTimeout.complete(seconds);
        }
    }

    private static long wholeNumber(ByteBuf row) {
        int index = Packets.payloadIndex(row);
        int length = row.getUnsignedByte(index);
        if (length == 0 || length > 18 || length + 1 > Packets.payloadLength(row)) {
            return -1;
        }
        long value = 0;
        for (int i = index + 1; i <= index + length; i++) {
            byte digit = row.getByte(i);
            if (digit < '0' || digit > '9') {
                return -1;
            }
            value = value * 10 + (digit - '0');
        }
        return value;
    }

    @Override
    public void backendReadComplete(BackendConnection backend) {
        backend.read();
    }

    @Override
    public void backendWritabilityChanged(BackendConnection backend, boolean writable) {}

    @Override
    public void backendClosed(BackendConnection backend) {
        waitTimeout.complete(seconds);
    }
}
