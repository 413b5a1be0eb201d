package dev.turnout.connector.session;

import dev.turnout.connector.backend.BackendConnection;
import dev.turnout.connector.backend.BackendListener;
import dev.turnout.connector.backend.BackendPool;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.protocol.auth.ClientAuthExchange;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.message.server.OkPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The backend connections of one session, one slot per datasource of the dataservice: opening one
 * (from the loop's pool when {@code connector-backend-pool} is set, else a new connection with the
 * session's login), letting one go (back to the pool, with COM_QUIT, or closed in the middle of a
 * command), the per-datasource back-off after a failure, which connection the client's last
 * command went to ({@link #current()}), and writes that are flushed once per read batch.
 *
 * <p>Confined to the session's event loop.
 */
final class SessionBackends {

    /** What a session takes a pooled connection's login to have answered (it was reset to the defaults). */
    private static final OkPacket POOLED_OK = new OkPacket(0, 0, ServerStatus.AUTOCOMMIT, 0, "");

    private final SessionServices services;
    private final ConnectorConfig config;
    private final EventLoop loop;
    private final BackendPool pool;
    private final PreparedStatements statements;
    private final String peer;
    private final long connectionId;
    private final SessionBackend[] slots;
    private final long[] backoffUntil;
    /** Slots with packets written since the last flush. */
    private long written;
    /** Where the client's last command went (its response comes from there); null after it was let go. */
    private @Nullable SessionBackend current;

    private @Nullable SessionLogin login;
    private long clientCapabilities;
    private @Nullable BackendListener listener;

    SessionBackends(
            SessionServices services,
            EventLoop loop,
            BackendPool pool,
            PreparedStatements statements,
            String peer,
            long connectionId) {
        this.services = services;
        this.connectionId = connectionId;
        this.statements = statements;
        this.config = services.config();
        this.loop = loop;
        this.pool = pool;
        this.peer = peer;
        this.slots = new SessionBackend[services.topology().slots()];
        this.backoffUntil = new long[slots.length];
    }

    /** Who hears the events of the session's connections (set once, before any is opened). */
    void listener(BackendListener events) {
        listener = events;
    }

    /** The login the session's connections are opened with, from now on. */
    void login(SessionLogin login, long clientCapabilities) {
        this.login = login;
        this.clientCapabilities = clientCapabilities;
    }

    /** The primary authenticated the session's login: it has that one connection and can open no other. */
    boolean relayed() {
        return login != null && login.relayed();
    }

    int slots() {
        return slots.length;
    }

    @Nullable
    SessionBackend at(int slot) {
        return slots[slot];
    }

    @Nullable
    SessionBackend of(BackendConnection connection) {
        for (SessionBackend backend : slots) {
            if (backend != null && backend.connection == connection) {
                return backend;
            }
        }
        return null;
    }

    @Nullable
    SessionBackend current() {
        return current;
    }

    /** The client's command goes to {@code backend}; the registry hears of it when that changes (for KILL QUERY). */
    void current(SessionBackend backend) {
        if (current != backend) {
            current = backend;
            services.registry().running(connectionId, backend.thread);
        }
    }

    /** The connection is ready: its server thread is known (and published if the session's commands go there). */
    void ready(SessionBackend backend, long serverThread) {
        backend.thread = new BackendThread(backend.slot, backend.datasource, serverThread, backend.primary);
        if (current == backend) {
            services.registry().running(connectionId, backend.thread);
        }
    }

    /** The open connection to a datasource, or a new one (its readiness resumes the waiting command). */
    SessionBackend openOrGet(int slot, String name, String host, int port) {
        SessionBackend backend = slots[slot];
        return backend != null ? backend : open(slot, name, host, port, false);
    }

    /** Opens a connection in {@code slot}; a pooled one is announced ready by a task on the loop. */
    SessionBackend open(int slot, String name, String host, int port, boolean isPrimary) {
        SessionLogin session = Objects.requireNonNull(login, "connections are opened only after the login");
        BackendListener events = Objects.requireNonNull(listener, "set once, before any connection is opened");
        boolean smartscale = services.routing().smartscale();
        long capabilities = clientCapabilities & ~Capabilities.CLIENT_SSL;
        if (isPrimary && smartscale) {
            capabilities |= Capabilities.CLIENT_SESSION_TRACK; // to learn the GTID of every write
        }
        BackendPool.Key poolKey = config.backends().pool() > 0 && session.database() != null && !session.relayed()
                ? new BackendPool.Key(
                        name, session.backendUser(), capabilities, session.characterSet(), session.database())
                : null;
        BackendConnection pooled = poolKey == null ? null : pool.take(poolKey);
        SessionBackend backend;
        if (pooled != null) {
            // Authenticated already: the session takes it over and treats it as just logged in.
            pooled.listener(events);
            backend = new SessionBackend(pooled, slot, name, isPrimary);
            SessionBackend taken = backend;
            loop.execute(() -> {
                if (slots[slot] == taken) {
                    events.backendReady(pooled, POOLED_OK);
                }
            });
        } else {
            Map<String, String> attributes = new LinkedHashMap<>(session.attributes());
            attributes.put("_turnout_client", peer);
            ClientAuthExchange exchange = new ClientAuthExchange(
                    session.backendUser(),
                    session.backendPassword(),
                    session.database(),
                    capabilities,
                    session.characterSet(),
                    attributes);
            exchange.allowPublicKeyRetrieval(config.backends().allowPublicKeyRetrieval());
            exchange.passwordIsStage1(session.credential() == SessionLogin.Credential.STAGE1);
            exchange.relayed(session.relayed());
            BackendConnection.Target target =
                    new BackendConnection.Target(config.serviceName(), host, port, config.connectTimeout());
            Consumer<dev.turnout.protocol.message.server.HandshakeV10> greetings =
                    isPrimary ? services.greetings()::update : greeting -> {};
            backend = new SessionBackend(
                    BackendConnection.connect(loop, services.dialer(), target, exchange, events, greetings),
                    slot,
                    name,
                    isPrimary);
        }
        backend.poolKey = poolKey;
        backend.stripSessionState =
                isPrimary && smartscale && !Capabilities.has(clientCapabilities, Capabilities.CLIENT_SESSION_TRACK);
        slots[slot] = backend;
        return backend;
    }

    /** The connection became ready: it counts in its datasource's sessions until let go. */
    void counted(SessionBackend backend) {
        services.topology().sessionMoved(backend.datasource, 1);
        backend.counted = true;
    }

    /** Forgets a connection that failed to open (nothing to close). */
    void forget(SessionBackend backend) {
        if (slots[backend.slot] == backend) {
            slots[backend.slot] = null;
        }
    }

    /** Closes one connection: to the pool or COM_QUIT at a command boundary, an abrupt close in the middle of a command. */
    void letGo(SessionBackend backend) {
        forget(backend);
        if (current == backend) {
            current = null;
            services.registry().running(connectionId, null);
        }
        if (backend.counted) {
            backend.counted = false;
            services.topology().sessionMoved(backend.datasource, -1);
        }
        if (backend.isIdle() && backend.poolKey != null) {
            pool.release(backend.connection, backend.poolKey, config.backends().pool());
        } else if (backend.isIdle()) {
            backend.connection.quit();
        } else {
            backend.connection.close();
        }
    }

    /**
     * Lets a connection go while the session goes on: its statement ids are forgotten, and with
     * {@code backoff} its datasource serves the session nothing for a while.
     */
    void drop(SessionBackend backend, boolean backoff) {
        letGo(backend);
        statements.forget(backend.slot);
        if (backoff) {
            backOff(backend.slot);
        }
    }

    void letGoAll() {
        for (SessionBackend backend : slots) {
            if (backend != null) {
                letGo(backend);
            }
        }
        if (current != null) {
            current = null;
            services.registry().running(connectionId, null);
        }
    }

    /** The datasource in {@code slot} serves this session nothing for connector-replica-backoff. */
    void backOff(int slot) {
        backoffUntil[slot] = services.ticker().nanoTime()
                + config.backends().replicaBackoff().toNanos();
    }

    boolean backedOff(int slot) {
        long until = backoffUntil[slot];
        return until != 0 && until - services.ticker().nanoTime() > 0;
    }

    /** No response is still to come on any connection. */
    boolean allIdle() {
        for (SessionBackend backend : slots) {
            if (backend != null && backend.isBusy()) {
                return false;
            }
        }
        return true;
    }

    /** A response is still to come on a connection other than {@code target}. */
    boolean othersBusy(SessionBackend target) {
        for (SessionBackend backend : slots) {
            if (backend != null && backend != target && backend.isBusy()) {
                return true;
            }
        }
        return false;
    }

    /** Writes a frame to a connection (ownership passes on); flushed by {@link #flush()}. */
    void write(SessionBackend backend, ByteBuf frame) {
        backend.connection.write(frame);
        written |= 1L << backend.slot;
    }

    void flush() {
        if (written == 0) {
            return;
        }
        for (SessionBackend backend : slots) {
            if (backend != null && (written & (1L << backend.slot)) != 0) {
                backend.connection.flush();
            }
        }
        written = 0;
    }

    /** Reads on from every connection (the client can take more). */
    void readAll() {
        for (SessionBackend backend : slots) {
            if (backend != null) {
                backend.connection.read();
            }
        }
    }

    void forEach(Consumer<SessionBackend> action) {
        for (SessionBackend backend : slots) {
            if (backend != null) {
                action.accept(backend);
            }
        }
    }
}
