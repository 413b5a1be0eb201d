package dev.turnout.connector.backend;

import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.OkPacket;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Authenticated idle backend connections of one event loop ({@code connector-backend-pool}), so
 * that a new client session does not pay a backend handshake. A connection is pooled by everything
 * its login fixed: datasource, user, negotiated capabilities, character set and database.
 *
 * <p>A session gives a connection back at a command boundary; the pool sends
 * {@code COM_RESET_CONNECTION} (the server forgets variables, temporary tables, locks, prepared
 * statements, and rolls back) and {@code COM_INIT_DB} (the login's database again), and keeps the
 * connection once both succeed. Idle connections older than the idle limit
 * ({@code connector-backend-pool-idle}, kept below the server's {@code wait_timeout}) are closed
 * when the pool is next used. A pooled connection keeps the connection attributes of the session
 * that opened it.
 *
 * <p>Threading: one pool per event loop, used only on that loop; no locks.
 */
public final class BackendPool implements BackendListener {

    /** What a pooled connection's login fixed. */
    public record Key(String datasource, String user, long capabilities, int characterSet, String database) {}

    private record Idle(BackendConnection connection, long since) {}

    private final Map<Key, ArrayDeque<Idle>> idle = new HashMap<>();
    /** Connections being reset, with their key and the responses still to come. */
    private final Map<BackendConnection, Key> resetting = new IdentityHashMap<>();

    private final Map<BackendConnection, int[]> pendingResponses = new IdentityHashMap<>();

    private final Ticker ticker;
    private final long idleNanos;

    /** @param idle how long a connection may stay idle in the pool */
    public BackendPool(Ticker ticker, Duration idle) {
        this.ticker = ticker;
        this.idleNanos = idle.toNanos();
    }

    /** An idle connection for {@code key}, or null; the caller becomes its listener. */
    public @Nullable BackendConnection take(Key key) {
        ArrayDeque<Idle> connections = idle.get(key);
        long now = ticker.nanoTime();
        while (connections != null && !connections.isEmpty()) {
            Idle candidate = connections.pollLast();
            if (now - candidate.since() > idleNanos || !candidate.connection().isReady()) {
                candidate.connection().quit();
                continue;
            }
            return candidate.connection();
        }
        return null;
    }

    /**
     * Takes back a connection at a command boundary, up to {@code max} idle ones per key; beyond
     * that, or when it cannot be reset, it is closed.
     */
    public void release(BackendConnection connection, Key key, int max) {
        ArrayDeque<Idle> connections = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
        expire(connections);
        if (connections.size() + countResetting(key) >= max || !connection.isReady()) {
            connection.quit();
            return;
        }
        connection.listener(this);
        resetting.put(connection, key);
        pendingResponses.put(connection, new int[] {2});
        connection.write(command(connection, Command.COM_RESET_CONNECTION, new byte[0]));
        connection.write(command(connection, Command.COM_INIT_DB, key.database().getBytes(StandardCharsets.UTF_8)));
        connection.flush();
        connection.read();
    }

    private int countResetting(Key key) {
        int count = 0;
        for (Key k : resetting.values()) {
            if (k.equals(key)) {
                count++;
            }
        }
        return count;
    }

    private void expire(ArrayDeque<Idle> connections) {
        long now = ticker.nanoTime();
        while (!connections.isEmpty() && now - connections.peekFirst().since() > idleNanos) {
            connections.pollFirst().connection().quit();
        }
    }

    private static ByteBuf command(BackendConnection connection, int command, byte[] argument) {
        ByteBuf frame = connection.alloc().buffer(Packets.HEADER_SIZE + 1 + argument.length);
        Packets.writeHeader(frame, 1 + argument.length, 0);
        frame.writeByte(command).writeBytes(argument);
        return frame;
    }

    // ---- the pool as the listener of the connections it holds

    @Override
    public void backendPacket(BackendConnection connection, ByteBuf frame) {
        int first = Packets.firstByte(frame);
        frame.release();
        Key key = resetting.get(connection);
        if (key == null || first != 0x00) {
            forget(connection); // a packet nobody asked for, or a reset that failed
            connection.close();
            return;
        }
        int[] left = Objects.requireNonNull(pendingResponses.get(connection), "kept and forgotten with resetting");
        if (--left[0] == 0) {
            forget(connection);
            idle.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(new Idle(connection, ticker.nanoTime()));
        }
    }

    private void forget(BackendConnection connection) {
        resetting.remove(connection);
        pendingResponses.remove(connection);
    }

    @Override
    public void backendReadComplete(BackendConnection connection) {
        connection.read(); // keep reading: a close or an error while idle must be seen
    }

    @Override
    public void backendClosed(BackendConnection connection) {
        forget(connection);
        for (ArrayDeque<Idle> connections : idle.values()) {
            connections.removeIf(i -> i.connection() == connection);
        }
    }

    @Override
    public void backendReady(BackendConnection connection, OkPacket ok) {}

    @Override
    public void backendFailed(BackendConnection connection, ErrPacket error) {}

    @Override
    public void backendWritabilityChanged(BackendConnection connection, boolean writable) {}
}
