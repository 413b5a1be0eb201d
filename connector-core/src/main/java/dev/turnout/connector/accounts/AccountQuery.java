package dev.turnout.connector.accounts;

import dev.turnout.connector.backend.BackendConnection;
import dev.turnout.connector.backend.BackendDialer;
import dev.turnout.connector.backend.BackendListener;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.protocol.auth.ClientAuthExchange;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.message.server.OkPacket;
import dev.turnout.protocol.response.ResponseTracker;
import dev.turnout.protocol.response.ServerStep;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One read of the primary's accounts: logs in as the service account ({@code application-user}),
 * reads {@code mysql.global_priv} (MariaDB, which keeps plugin and hash in its JSON) or
 * {@code mysql.user} (MySQL), and quits. The outcome completes {@link #result}: the accounts, or
 * an exception whose message says why not (the server's error, such as a missing SELECT grant).
 *
 * <p>Confined to the event loop it runs on (the loader's own, never a session's).
 */
final class AccountQuery implements BackendListener {

    /** MariaDB 10.4 and later; roles are left out (they cannot log in). */
    static final String MARIADB = "SELECT User, Host, JSON_VALUE(Priv, '$.plugin'),"
            + " JSON_VALUE(Priv, '$.authentication_string') FROM mysql.global_priv"
            + " WHERE IFNULL(JSON_VALUE(Priv, '$.is_role'), 'false') <> 'true'";

    static final String MYSQL = "SELECT User, Host, plugin, authentication_string FROM mysql.user";

    private static final long CAPABILITIES = Capabilities.CLIENT_PROTOCOL_41
            | Capabilities.CLIENT_SECURE_CONNECTION
            | Capabilities.CLIENT_PLUGIN_AUTH
            | Capabilities.CLIENT_LONG_PASSWORD
            | Capabilities.CLIENT_TRANSACTIONS
            | Capabilities.CLIENT_CONNECT_ATTRS
            | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;

    /** How long the query may take once logged in (beyond the connect timeout). */
    private static final long ANSWER_WITHIN_MILLIS = 10_000;

    final CompletableFuture<List<ServerAccount>> result = new CompletableFuture<>();
    private final List<ServerAccount> accounts = new ArrayList<>();
    private @Nullable ResponseTracker tracker;
    private @Nullable String failure;

    private AccountQuery() {}

    /** Starts a read of the accounts of the primary at {@code host:port} on {@code loop}. */
    static AccountQuery start(ConnectorConfig config, EventLoop loop, BackendDialer dialer, String host, int port) {
        byte[] password = config.applicationPassword();
        ClientAuthExchange exchange = new ClientAuthExchange(
                config.applicationUser(), password, null, CAPABILITIES, 45, Map.of("_client_name", "turnout-accounts"));
        java.util.Arrays.fill(password, (byte) 0); // the exchange keeps its own copy
        exchange.allowPublicKeyRetrieval(config.backends().allowPublicKeyRetrieval());
        BackendConnection.Target target =
                new BackendConnection.Target(config.serviceName(), host, port, config.connectTimeout());
        AccountQuery query = new AccountQuery();
        long limit = config.connectTimeout().toMillis() + ANSWER_WITHIN_MILLIS;
        loop.execute(() -> {
            BackendConnection connection =
                    BackendConnection.connect(loop, dialer, target, exchange, query, greeting -> {});
            // A primary that stalls after the login must not hold up every later read.
            loop.schedule(
                    () -> {
                        if (query.result.completeExceptionally(
                                new IllegalStateException("no answer within " + limit + " ms"))) {
                            connection.close();
                        }
                    },
                    limit,
                    TimeUnit.MILLISECONDS);
        });
        return query;
    }

    @Override
    public void backendReady(BackendConnection backend, OkPacket ok) {
        HandshakeV10 greeting = Objects.requireNonNull(backend.greeting(), "a ready backend has had its greeting");
        byte[] sql = (greeting.serverVersion().contains("MariaDB") ? MARIADB : MYSQL).getBytes(StandardCharsets.UTF_8);
        ResponseTracker responses = new ResponseTracker(backend.capabilities());
        tracker = responses;
        ByteBuf query = backend.alloc().buffer(Packets.HEADER_SIZE + 1 + sql.length);
        Packets.writeHeader(query, 1 + sql.length, 0);
        query.writeByte(Command.COM_QUERY).writeBytes(sql);
        responses.onClientPacket(query);
        backend.write(query);
        backend.flush();
        backend.read();
    }

    @Override
    public void backendFailed(BackendConnection backend, ErrPacket error) {
        result.completeExceptionally(new IllegalStateException(error.errorCode() + " " + error.message()));
    }

    @Override
    public void backendPacket(BackendConnection backend, ByteBuf frame) {
        ResponseTracker responses = Objects.requireNonNull(tracker, "set by backendReady");
        try {
            int first = Packets.firstByte(frame);
            ResponseTracker.State state = responses.state();
            if (first == ErrPacket.HEADER && state == ResponseTracker.State.RESULT_HEAD) {
                ErrPacket err = ErrPacket.decode(
                        frame.slice(Packets.payloadIndex(frame), Packets.payloadLength(frame)), backend.capabilities());
                failure = err.errorCode() + " " + err.message();
            } else if (state == ResponseTracker.State.ROWS && first != 0xFE && first != ErrPacket.HEADER) {
                accounts.add(row(frame.slice(Packets.payloadIndex(frame), Packets.payloadLength(frame))));
            }
            ServerStep step = responses.onServerPacket(frame);
            if (step == ServerStep.COMPLETE || step == ServerStep.UNEXPECTED) {
                backend.quit();
                finish(step == ServerStep.UNEXPECTED ? "unexpected packet from the primary" : failure);
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            backend.close();
            finish("malformed row: " + e.getMessage());
        } finally {
            frame.release();
        }
    }

    private static ServerAccount row(ByteBuf payload) {
        String user = Objects.requireNonNullElse(text(payload), "");
        String host = Objects.requireNonNullElse(text(payload), "");
        return ServerAccount.of(user, host, text(payload), text(payload));
    }

    private static @Nullable String text(ByteBuf payload) {
        if (payload.getUnsignedByte(payload.readerIndex()) == 0xFB) {
            payload.skipBytes(1);
            return null;
        }
        return Wire.readLenencString(payload);
    }

    private void finish(@Nullable String error) {
        if (error == null) {
            result.complete(List.copyOf(accounts));
        } else {
            result.completeExceptionally(new IllegalStateException(error));
        }
    }

    @Override
    public void backendReadComplete(BackendConnection backend) {
        backend.read();
    }

    @Override
    public void backendWritabilityChanged(BackendConnection backend, boolean writable) {}

    @Override
    public void backendClosed(BackendConnection backend) {
        result.completeExceptionally(new IllegalStateException("the primary closed the connection"));
    }
}
