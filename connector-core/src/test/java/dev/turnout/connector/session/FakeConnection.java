package dev.turnout.connector.session;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.server.AuthSwitchRequest;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One connection accepted by a {@link FakeServer}: it greets, checks the login, then answers each
 * command as the server's defaults say, keeping the state a server keeps per connection
 * (transaction, autocommit, prepared statements). Bytes leave it only when the connector's backend
 * channel asks for a read ({@link ReadGatedChannel}).
 */
final class FakeConnection {

    /** The plugin the fake servers ask {@link SessionHarness#RELAYED_USER} for; its answer is "signed:" + password. */
    static final String RELAYED_PLUGIN = "client_ed25519";

    private enum Phase {
        CONNECTING,
        AWAITING_LOGIN,
        AWAITING_RELAYED_ANSWER,
        COMMANDS,
        CLOSED
    }

    private record Statement(int parameters, int columns) {}

    private static final Pattern KILL =
            Pattern.compile("KILL\\s+(?:(?:HARD|SOFT)\\s+)?(CONNECTION\\s+|QUERY\\s+)?(\\d+)\\s*;?");
    private static final Pattern AUTOCOMMIT =
            Pattern.compile("SET\\s+(?:SESSION\\s+|@@SESSION\\.|@@)?AUTOCOMMIT\\s*=\\s*(\\w+)");

    private final FakeServer server;
    private final long threadId;
    private final ReadGatedChannel channel;
    private final ChannelPromise connected;
    private Phase phase = Phase.CONNECTING;
    /** Bytes from the connector not yet split into packets. */
    private final ByteBuf received = Unpooled.buffer();
    /** Bytes for the connector not delivered yet (it has not asked for a read). */
    private final ByteBuf outbox = Unpooled.buffer();
    /** Commands received and not answered yet (the server holds its answers). */
    private final ArrayDeque<byte[]> unanswered = new ArrayDeque<>();

    private final Map<Integer, Statement> statements = new HashMap<>();
    /** The id of the statement prepared last, which id -1 names (MariaDB's pipelined PREPARE + EXECUTE). */
    private int lastPrepared;
    /** Statements told their parameter types on this connection. */
    private final Set<Integer> typesKnown = new HashSet<>();

    private final List<ReceivedCommand> commands = new ArrayList<>();
    private HandshakeResponse41 login;
    private boolean inTransaction;
    private boolean autocommit = true;
    private boolean closing;
    private boolean released;

    FakeConnection(FakeServer server, long threadId, ReadGatedChannel channel, ChannelPromise connected) {
        this.server = server;
        this.threadId = threadId;
        this.channel = channel;
        this.connected = connected;
    }

    long threadId() {
        return threadId;
    }

    boolean isOpen() {
        return phase != Phase.CLOSED;
    }

    /** The commands received on this connection, as {@link ReceivedCommand#toString()}. */
    List<String> commands() {
        return commands.stream().map(ReceivedCommand::toString).toList();
    }

    /** The login the connector sent (null before it did). */
    HandshakeResponse41 login() {
        return login;
    }

    @Override
    public String toString() {
        return server.name() + " thread " + threadId + (isOpen() ? "" : " (closed)");
    }

    void closeFromServer() {
        if (phase != Phase.CLOSED) {
            closing = true;
        }
    }

    /** One step: connect, take what the connector sent, answer, deliver, close. True when anything happened. */
    boolean pump() {
        if (phase == Phase.CLOSED) {
            return false;
        }
        boolean progress = false;
        if (phase == Phase.CONNECTING) {
            phase = Phase.AWAITING_LOGIN;
            connected.setSuccess();
            ServerPackets.greeting(outbox, threadId);
            progress = true;
        }
        for (Object message; (message = channel.readOutbound()) != null; progress = true) {
            ByteBuf bytes = (ByteBuf) message;
            received.writeBytes(bytes);
            bytes.release();
        }
        while (phase != Phase.CLOSED
                && received.readableBytes() >= Packets.HEADER_SIZE
                && received.readableBytes() >= Packets.HEADER_SIZE + Packets.payloadLength(received)) {
            int length = Packets.payloadLength(received);
            int sequenceId = Packets.sequenceId(received);
            if (length == Packets.MAX_PAYLOAD) {
                throw new IllegalStateException(this + ": the fake servers do not take packets of 16 MiB");
            }
            byte[] payload = new byte[length];
            received.skipBytes(Packets.HEADER_SIZE).readBytes(payload);
            onPacket(payload, sequenceId);
            progress = true;
        }
        received.discardReadBytes();
        while (!server.holding() && !unanswered.isEmpty() && !closing) {
            answer(unanswered.poll());
            progress = true;
        }
        if (outbox.isReadable() && channel.wantsRead()) {
            channel.deliver(outbox.readBytes(outbox.readableBytes())); // a copy: the pipeline owns and releases it
            outbox.clear();
            progress = true;
        }
        if (closing && channel.isOpen() && !outbox.isReadable()) {
            channel.close(); // the session sees its backend channel go inactive, as when a server closes the socket
            progress = true;
        }
        if (!channel.isOpen() && channel.outboundMessages().isEmpty()) {
            phase = Phase.CLOSED;
            release();
            progress = true;
        }
        return progress;
    }

    private void onPacket(byte[] payload, int sequenceId) {
        if (phase == Phase.AWAITING_LOGIN) {
            ByteBuf in = Unpooled.wrappedBuffer(payload);
            try {
                login = HandshakeResponse41.decode(in);
            } finally {
                in.release();
            }
            if (!Capabilities.has(login.capabilities(), Capabilities.CLIENT_DEPRECATE_EOF)) {
                throw new IllegalStateException(
                        this + ": the fake servers answer only sessions with CLIENT_DEPRECATE_EOF");
            }
            if (login.username().equals(SessionHarness.RELAYED_USER)) {
                // As MariaDB for an ed25519 account: whatever came first, the client is asked for that plugin.
                int start = outbox.writerIndex();
                outbox.writeZero(Packets.HEADER_SIZE);
                new AuthSwitchRequest(RELAYED_PLUGIN, new byte[32]).encode(outbox);
                outbox.setMediumLE(start, outbox.writerIndex() - start - Packets.HEADER_SIZE);
                outbox.setByte(start + 3, sequenceId + 1);
                phase = Phase.AWAITING_RELAYED_ANSWER;
                return;
            }
            if (!server.acceptsLogin(ServerPackets.greetingSeed(), login.authResponse())) {
                ServerPackets.err(
                        outbox, sequenceId + 1, 1045, "28000", "Access denied for user '" + login.username() + "'");
                closing = true;
                return;
            }
            ServerPackets.loginOk(outbox, sequenceId + 1, status(), login.capabilities());
            phase = Phase.COMMANDS;
            return;
        }
        if (phase == Phase.AWAITING_RELAYED_ANSWER) {
            if (!server.acceptsRelayed(payload)) {
                ServerPackets.err(outbox, sequenceId + 1, 1045, "28000", "Access denied for user 'ed'");
                closing = true;
                return;
            }
            ServerPackets.loginOk(outbox, sequenceId + 1, status(), login.capabilities());
            phase = Phase.COMMANDS;
            return;
        }
        int parameters = -1;
        if ((payload[0] & 0xFF) == Command.COM_STMT_EXECUTE && payload.length >= 5) {
            Statement statement = statements.get(statementId(payload));
            parameters = statement == null ? -1 : statement.parameters();
        }
        ReceivedCommand command = new ReceivedCommand(threadId, payload, parameters);
        commands.add(command);
        server.record(command);
        unanswered.add(payload);
    }

    private void answer(byte[] payload) {
        switch (payload[0] & 0xFF) {
            case Command.COM_QUERY -> query(new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8));
            case Command.COM_INIT_DB, Command.COM_PING, Command.COM_STMT_RESET -> ok(false);
            case Command.COM_RESET_CONNECTION -> {
                inTransaction = false;
                autocommit = true;
                statements.clear();
                typesKnown.clear();
                ok(false);
            }
            case Command.COM_PROCESS_KILL -> {
                server.kill(intLE(payload, 1) & 0xFFFF_FFFFL, false);
                ok(false);
            }
            case Command.COM_STMT_PREPARE ->
                prepare(new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8));
            case Command.COM_STMT_EXECUTE -> execute(payload);
            case Command.COM_STMT_CLOSE -> {
                statements.remove(intLE(payload, 1));
                typesKnown.remove(intLE(payload, 1));
            }
            case Command.COM_STMT_SEND_LONG_DATA -> {}
            case Command.COM_QUIT -> closing = true;
            default -> ServerPackets.unknownCommand(outbox, 1);
        }
    }

    private void query(String sql) {
        Reply.Err scripted = server.scriptedError(sql);
        if (scripted != null) {
            ServerPackets.err(outbox, 1, scripted.code(), scripted.sqlState(), scripted.message());
            return;
        }
        String upper = sql.strip().toUpperCase(Locale.ROOT);
        Matcher autocommitSet = AUTOCOMMIT.matcher(upper);
        Matcher kill = KILL.matcher(upper);
        if (upper.equals("SELECT @@SERVER_ID")) {
            ServerPackets.textRows(
                    outbox, "@@server_id", List.of(String.valueOf(server.serverId())), status(), capabilities());
        } else if (upper.startsWith("SELECT MASTER_GTID_WAIT(")) {
            ServerPackets.textRows(
                    outbox, sql.strip().substring("SELECT ".length()), List.of("0"), status(), capabilities());
        } else if (upper.startsWith("BEGIN") || upper.startsWith("START TRANSACTION")) {
            inTransaction = true;
            ok(false);
        } else if (upper.startsWith("COMMIT") || upper.startsWith("ROLLBACK")) {
            inTransaction = false;
            ok(false);
        } else if (autocommitSet.matches()) {
            autocommit =
                    autocommitSet.group(1).equals("1") || autocommitSet.group(1).equals("ON");
            if (autocommit) {
                inTransaction = false; // SET autocommit=1 commits
            }
            ok(false);
        } else if (kill.matches()) {
            server.kill(
                    Long.parseLong(kill.group(2)),
                    kill.group(1) != null && kill.group(1).startsWith("QUERY"));
            ok(false);
        } else if (upper.startsWith("SELECT") || upper.startsWith("SHOW") || upper.startsWith("WITH")) {
            inTransaction |= !autocommit;
            ServerPackets.textRows(outbox, "server", List.of(server.name()), status(), capabilities());
        } else if (upper.startsWith("INSERT")
                || upper.startsWith("UPDATE")
                || upper.startsWith("DELETE")
                || upper.startsWith("REPLACE")) {
            inTransaction |= !autocommit;
            ok(true);
        } else {
            ok(false); // SET, USE, DO, CREATE…: nothing this fake needs to remember
        }
    }

    private void prepare(String sql) {
        int parameters = (int) sql.chars().filter(c -> c == '?').count();
        int columns = sql.strip().toUpperCase(Locale.ROOT).startsWith("SELECT") ? 1 : 0;
        int id = server.nextStatementId();
        statements.put(id, new Statement(parameters, columns));
        lastPrepared = id;
        ServerPackets.prepareOk(outbox, id, columns, parameters);
    }

    private void execute(byte[] payload) {
        int id = statementId(payload);
        Statement statement = statements.get(id);
        if (statement == null) {
            ServerPackets.err(
                    outbox,
                    1,
                    1243,
                    "HY000",
                    "Unknown prepared statement handler (" + id + ") given to mysqld_stmt_execute");
            return;
        }
        if (statement.parameters() > 0) {
            int flag = 1 + 4 + 1 + 4 + (statement.parameters() + 7) / 8;
            if (flag < payload.length && payload[flag] == 1) {
                typesKnown.add(id);
            } else if (!typesKnown.contains(id)) {
                ServerPackets.err(outbox, 1, 1210, "HY000", "Incorrect arguments to mysqld_stmt_execute");
                return;
            }
        }
        inTransaction |= !autocommit;
        if (statement.columns() > 0) {
            ServerPackets.binaryRow(outbox, server.name(), status());
        } else {
            ok(true);
        }
    }

    private void ok(boolean oneRow) {
        ServerPackets.ok(outbox, 1, status(), oneRow);
    }

    private int status() {
        return (inTransaction ? ServerStatus.IN_TRANS : 0) | (autocommit ? ServerStatus.AUTOCOMMIT : 0);
    }

    private long capabilities() {
        return login.capabilities();
    }

    /** The statement a COM_STMT_* command names, -1 being the one prepared last. */
    private int statementId(byte[] payload) {
        int id = intLE(payload, 1);
        return id == -1 ? lastPrepared : id;
    }

    private static int intLE(byte[] bytes, int at) {
        return bytes[at] & 0xFF
                | (bytes[at + 1] & 0xFF) << 8
                | (bytes[at + 2] & 0xFF) << 16
                | (bytes[at + 3] & 0xFF) << 24;
    }

    /** Lets go of the buffers (when closed, or when the harness ends). */
    void release() {
        if (!released) {
            released = true;
            received.release();
            outbox.release();
        }
    }
}
