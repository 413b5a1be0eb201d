package dev.turnout.connector.session;

import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.auth.Scrambles;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.server.AuthSwitchRequest;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The application's side of one client connection, driven by a test: it logs in (HandshakeResponse41
 * with mysql_native_password against the connector's seed), sends commands with correct sequence
 * ids, and decodes what the connector sends back into {@link Reply}s, checking their sequence ids.
 *
 * <p>The {@code send…} methods only queue a command (the connector reads it when it asks for a read,
 * see {@link ReadGatedChannel}); the others send, {@linkplain SessionHarness#settle() settle} the
 * harness and return the one reply. Commands sent one after the other without settling are a
 * pipelined batch, as drivers send them.
 */
final class ClientDriver {

    /** What the client announces: a MySQL 4.1 client with plugin auth, multi-results and CLIENT_DEPRECATE_EOF. */
    static final long CAPABILITIES = Capabilities.CLIENT_LONG_PASSWORD
            | Capabilities.CLIENT_FOUND_ROWS
            | Capabilities.CLIENT_LONG_FLAG
            | Capabilities.CLIENT_PROTOCOL_41
            | Capabilities.CLIENT_TRANSACTIONS
            | Capabilities.CLIENT_SECURE_CONNECTION
            | Capabilities.CLIENT_MULTI_STATEMENTS
            | Capabilities.CLIENT_MULTI_RESULTS
            | Capabilities.CLIENT_PS_MULTI_RESULTS
            | Capabilities.CLIENT_PLUGIN_AUTH
            | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
            | Capabilities.CLIENT_DEPRECATE_EOF;

    private static final int UTF8MB4_GENERAL_CI = 45;
    private static final int MYSQL_TYPE_VAR_STRING = 0xFD;

    private enum Phase {
        AWAITING_GREETING,
        AUTHENTICATING,
        COMMANDS,
        LOGIN_FAILED
    }

    private final SessionHarness harness;
    private final ReadGatedChannel channel;
    private final String user;
    private final byte[] password;
    private final String database;
    private Phase phase = Phase.AWAITING_GREETING;
    private long connectionId;
    private Reply loginReply;
    private int loginReplySequence = -1;
    private boolean greeted;
    /** Whether the login waits for {@link #sendHeldLogin()} after the greeting arrived. */
    private boolean holdLogin;

    private boolean stallAuthSwitch;
    /** The greeting's seed and sequence id while the login is held; null otherwise. */
    private byte[] heldSeed;

    private int heldSequence;
    /** Bytes from the connector not yet split into packets. */
    private final ByteBuf fromConnector = Unpooled.buffer();
    /** Packets the connector has not read yet. */
    private final ByteBuf toConnector = Unpooled.buffer();

    private final ArrayDeque<ResponseReader> expected = new ArrayDeque<>();
    private final List<Reply> replies = new ArrayList<>();
    private boolean released;

    ClientDriver(SessionHarness harness, ReadGatedChannel channel, String user, String password, String database) {
        this.harness = harness;
        this.channel = channel;
        this.user = user;
        this.password = password.getBytes(StandardCharsets.UTF_8);
        this.database = database;
    }

    /** The connection id the connector's greeting gave this session (what {@code KILL} names). */
    long connectionId() {
        return connectionId;
    }

    /** The connector's answer to the login: OK, or the ERR that refused it; null before it came. */
    Reply loginReply() {
        return loginReply;
    }

    /** The sequence id of {@link #loginReply()}'s packet; -1 before it came. */
    int loginReplySequence() {
        return loginReplySequence;
    }

    /** Whether the connector sent its greeting (false when it refused the connection in its place). */
    boolean greeted() {
        return greeted;
    }

    /** An auth switch is never answered (a client that stalls its login). */
    void stallAuthSwitch() {
        stallAuthSwitch = true;
    }

    /** From now on, a greeting is not answered until {@link #sendHeldLogin()} (the client is slow). */
    void holdLogin() {
        holdLogin = true;
    }

    /** Sends the login held since the greeting, and settles. */
    void sendHeldLogin() {
        if (heldSeed == null) {
            throw new IllegalStateException("no greeting is waiting for its login");
        }
        sendLogin(heldSeed, heldSequence + 1);
        heldSeed = null;
        phase = Phase.AUTHENTICATING;
        harness.settle();
    }

    /** Whether the connector has closed the connection. */
    boolean isClosed() {
        return !channel.isOpen();
    }

    // ---------------------------------------------------------------- commands that wait for their reply

    Reply query(String sql) {
        sendQuery(sql);
        return settleForOneReply();
    }

    Reply.Prepared prepare(String sql) {
        sendPrepare(sql);
        return settleForOneReply().asPrepared();
    }

    /** COM_STMT_EXECUTE with new_params_bound_flag 1: every parameter typed VAR_STRING. */
    Reply execute(int statementId, String... parameters) {
        sendExecute(statementId, true, parameters);
        return settleForOneReply();
    }

    /** COM_STMT_EXECUTE with new_params_bound_flag 0, as drivers send after the first execute: no types. */
    Reply executeWithoutTypes(int statementId, String... parameters) {
        sendExecute(statementId, false, parameters);
        return settleForOneReply();
    }

    Reply initDb(String schema) {
        send(Command.COM_INIT_DB, schema.getBytes(StandardCharsets.UTF_8), Kind.TEXT);
        return settleForOneReply();
    }

    Reply processKill(long id) {
        send(
                Command.COM_PROCESS_KILL,
                new byte[] {(byte) id, (byte) (id >> 8), (byte) (id >> 16), (byte) (id >> 24)},
                Kind.TEXT);
        return settleForOneReply();
    }

    /** COM_STMT_CLOSE, which has no response. */
    void closeStatement(int statementId) {
        send(Command.COM_STMT_CLOSE, intLE(statementId), Kind.NONE);
        harness.settle();
    }

    /** COM_QUIT, which has no response: the connector closes the connection. */
    void quit() {
        send(Command.COM_QUIT, new byte[0], Kind.NONE);
        harness.settle();
    }

    // ---------------------------------------------------------------- commands that are only queued

    void sendQuery(String sql) {
        send(Command.COM_QUERY, sql.getBytes(StandardCharsets.UTF_8), Kind.TEXT);
    }

    void sendPrepare(String sql) {
        send(Command.COM_STMT_PREPARE, sql.getBytes(StandardCharsets.UTF_8), Kind.PREPARE);
    }

    /** COM_STMT_EXECUTE with new_params_bound_flag 1, every parameter declared of {@code type} (a MYSQL_TYPE_*). */
    Reply executeTyped(int statementId, int type, String... parameters) {
        sendExecute(statementId, type, parameters);
        return settleForOneReply();
    }

    /** COM_STMT_SEND_LONG_DATA (no response) of {@code data} for parameter {@code parameter}; only queued. */
    void sendLongData(int statementId, int parameter, byte[] data) {
        byte[] arguments = new byte[4 + 2 + data.length];
        System.arraycopy(intLE(statementId), 0, arguments, 0, 4);
        arguments[4] = (byte) parameter;
        arguments[5] = (byte) (parameter >> 8);
        System.arraycopy(data, 0, arguments, 6, data.length);
        send(Command.COM_STMT_SEND_LONG_DATA, arguments, Kind.NONE);
    }

    void sendExecute(int statementId, boolean withTypes, String... parameters) {
        sendExecute(statementId, withTypes ? MYSQL_TYPE_VAR_STRING : -1, parameters);
    }

    /** COM_STMT_EXECUTE; {@code type} -1: new_params_bound_flag 0, else 1 with every parameter of that type. */
    private void sendExecute(int statementId, int type, String... parameters) {
        boolean withTypes = type >= 0;
        ByteBuf args = Unpooled.buffer();
        try {
            args.writeIntLE(statementId).writeByte(0).writeIntLE(1); // no cursor, one iteration
            if (parameters.length > 0) {
                byte[] nulls = new byte[(parameters.length + 7) / 8];
                for (int i = 0; i < parameters.length; i++) {
                    if (parameters[i] == null) {
                        nulls[i / 8] |= (byte) (1 << (i % 8));
                    }
                }
                args.writeBytes(nulls).writeByte(withTypes ? 1 : 0);
                if (withTypes) {
                    for (int i = 0; i < parameters.length; i++) {
                        args.writeByte(type).writeByte(0);
                    }
                }
                for (String parameter : parameters) {
                    if (parameter != null) {
                        Wire.writeLenencString(args, parameter);
                    }
                }
            }
            byte[] bytes = new byte[args.readableBytes()];
            args.readBytes(bytes);
            send(Command.COM_STMT_EXECUTE, bytes, Kind.BINARY);
        } finally {
            args.release();
        }
    }

    /** The replies received since the last call, oldest first. */
    List<Reply> takeReplies() {
        List<Reply> taken = List.copyOf(replies);
        replies.clear();
        return taken;
    }

    /** The one reply received since the last call; fails when there is none or more than one. */
    Reply takeReply() {
        List<Reply> taken = takeReplies();
        if (taken.size() != 1) {
            throw new AssertionError("expected one reply, the client received " + taken.size() + ": " + taken);
        }
        return taken.get(0);
    }

    private Reply settleForOneReply() {
        harness.settle();
        return takeReply();
    }

    private void send(int command, byte[] arguments, Kind kind) {
        if (phase != Phase.COMMANDS) {
            throw new IllegalStateException("the client is not logged in (" + phase + ")");
        }
        Packets.writeHeader(toConnector, 1 + arguments.length, 0);
        toConnector.writeByte(command).writeBytes(arguments);
        if (kind != Kind.NONE) {
            expected.add(new ResponseReader(kind));
        }
    }

    private static byte[] intLE(int value) {
        return new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)};
    }

    // ---------------------------------------------------------------- driven by the harness

    /** Takes what the connector wrote and hands it what the client sent, if it asked; true when anything happened. */
    boolean pump() {
        boolean progress = false;
        for (Object message; (message = channel.readOutbound()) != null; progress = true) {
            ByteBuf bytes = (ByteBuf) message;
            fromConnector.writeBytes(bytes);
            bytes.release();
        }
        while (fromConnector.readableBytes() >= Packets.HEADER_SIZE
                && fromConnector.readableBytes() >= Packets.HEADER_SIZE + Packets.payloadLength(fromConnector)) {
            int length = Packets.payloadLength(fromConnector);
            int sequenceId = Packets.sequenceId(fromConnector);
            ByteBuf payload = fromConnector.skipBytes(Packets.HEADER_SIZE).readSlice(length);
            onPacket(payload, sequenceId);
            progress = true;
        }
        fromConnector.discardReadBytes();
        if (toConnector.isReadable() && channel.wantsRead()) {
            channel.deliver(toConnector.readBytes(toConnector.readableBytes()));
            toConnector.clear();
            progress = true;
        }
        return progress;
    }

    private void onPacket(ByteBuf payload, int sequenceId) {
        switch (phase) {
            case AWAITING_GREETING -> {
                if (payload.getUnsignedByte(payload.readerIndex()) == 0xFF) {
                    // Refused in place of the greeting, as a server does when it refuses a connection.
                    loginReply = ResponseReader.okOrErr(payload);
                    loginReplySequence = sequenceId;
                    phase = Phase.LOGIN_FAILED;
                    return;
                }
                HandshakeV10 greeting = HandshakeV10.decode(payload);
                greeted = true;
                connectionId = greeting.connectionId();
                if (holdLogin) {
                    heldSeed = greeting.authPluginData();
                    heldSequence = sequenceId;
                    return;
                }
                sendLogin(greeting.authPluginData(), sequenceId + 1);
                phase = Phase.AUTHENTICATING;
            }
            case AUTHENTICATING -> {
                int first = payload.getUnsignedByte(payload.readerIndex());
                if (first == 0xFE && stallAuthSwitch) {
                    return;
                }
                if (first == 0xFE) {
                    AuthSwitchRequest request = AuthSwitchRequest.decode(payload);
                    byte[] answer = request.pluginName().equals(FakeConnection.RELAYED_PLUGIN)
                            ? relayedAnswer(password)
                            : Scrambles.nativePassword(password, request.pluginData());
                    Packets.writeHeader(toConnector, answer.length, sequenceId + 1);
                    toConnector.writeBytes(answer);
                    return;
                }
                loginReply = ResponseReader.okOrErr(payload);
                loginReplySequence = sequenceId;
                phase = loginReply instanceof Reply.Ok ? Phase.COMMANDS : Phase.LOGIN_FAILED;
            }
            case COMMANDS, LOGIN_FAILED -> {
                ResponseReader reader = expected.peek();
                if (reader == null) {
                    // Nothing asked: only an error the connector sends on its own (a session it ends) is expected.
                    replies.add(ResponseReader.unsolicitedErr(payload, sequenceId));
                    return;
                }
                Reply reply = reader.onPacket(payload, sequenceId);
                if (reply != null) {
                    expected.poll();
                    replies.add(reply);
                }
            }
        }
    }

    /** What this fake client answers the fake servers' {@link FakeConnection#RELAYED_PLUGIN}. */
    static byte[] relayedAnswer(byte[] password) {
        return ("signed:" + new String(password, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    private void sendLogin(byte[] seed, int sequenceId) {
        long capabilities = database == null ? CAPABILITIES : CAPABILITIES | Capabilities.CLIENT_CONNECT_WITH_DB;
        HandshakeResponse41 response = new HandshakeResponse41(
                capabilities,
                Packets.MAX_PAYLOAD,
                UTF8MB4_GENERAL_CI,
                user,
                Scrambles.nativePassword(password, seed),
                database,
                AuthPlugins.MYSQL_NATIVE_PASSWORD,
                Map.of());
        int start = toConnector.writerIndex();
        toConnector.writeZero(Packets.HEADER_SIZE);
        response.encode(toConnector);
        toConnector.setMediumLE(start, toConnector.writerIndex() - start - Packets.HEADER_SIZE);
        toConnector.setByte(start + 3, sequenceId);
    }

    /** Lets go of the buffers (the harness closes the channel). */
    void release() {
        if (!released) {
            released = true;
            fromConnector.release();
            toConnector.release();
        }
    }

    enum Kind {
        TEXT,
        BINARY,
        PREPARE,
        NONE
    }
}
