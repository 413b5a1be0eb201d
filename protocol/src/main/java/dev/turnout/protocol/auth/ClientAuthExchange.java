package dev.turnout.protocol.auth;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_ATTRS;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_WITH_DB;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SECURE_CONNECTION;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SSL;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.message.Fields;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.client.SslRequest;
import dev.turnout.protocol.message.server.AuthMoreData;
import dev.turnout.protocol.message.server.AuthSwitchRequest;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.message.server.OkPacket;
import io.netty.buffer.ByteBuf;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The connector acting as a client towards a backend server: the authentication half of the
 * connection phase as a pure state machine, with no I/O. The caller sends the
 * {@link HandshakeResponse41} returned by {@link #start}, then feeds the payload of every server
 * packet to {@link #onServerPacket} and does what the returned {@link Step} says, until
 * {@link Step.Done} or {@link Step.Failed}. Sequence ids and TLS are the caller's: when the
 * negotiated capabilities carry {@code CLIENT_SSL}, send {@link #sslRequest()} and upgrade the
 * channel before the handshake response, then call {@link #secureTransport(boolean)}.
 *
 * <p>Plugins: {@code mysql_native_password}, {@code caching_sha2_password} (fast authentication,
 * full authentication over a secure transport, or by RSA with a configured server key, or with a
 * key requested from the server when {@link #allowPublicKeyRetrieval} allows it) and {@code mysql_clear_password} (secure transport only). A greeting naming another
 * plugin is answered with a native response in the hope of a switch; a switch to another plugin
 * fails with error 2059. Failures the client side detects are reported as {@link Step.Failed}
 * with the client error codes libmysqlclient uses (2027 malformed packet, 2059, 2061).
 *
 * <p>Not thread-safe: one instance per backend connection, used on that connection's event loop.
 * It keeps a copy of the password until the exchange ends, then clears it.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html">Connection Phase</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html">caching_sha2_password exchanges</a>
 */
public final class ClientAuthExchange {

    /** The max packet size this client announces (1 GiB, MariaDB's and MySQL's upper bound of max_allowed_packet). */
    public static final int MAX_PACKET_SIZE = 0x4000_0000;
    /** libmysqlclient's CR_MALFORMED_PACKET. */
    public static final int CR_MALFORMED_PACKET = 2027;
    /** libmysqlclient's CR_AUTH_PLUGIN_CANNOT_LOAD. */
    public static final int CR_AUTH_PLUGIN_CANNOT_LOAD = 2059;
    /** libmysqlclient's CR_AUTH_PLUGIN_ERR. */
    public static final int CR_AUTH_PLUGIN_ERR = 2061;

    /** caching_sha2_password: the client asks for the server's RSA public key. */
    private static final byte REQUEST_PUBLIC_KEY = 0x02;

    private static final long ALWAYS =
            CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;

    /** What the caller does next. */
    public sealed interface Step {

        /** Send this payload to the server as the next packet (the caller frames it). */
        record Send(byte[] payload) implements Step {
            public Send {
                payload = payload.clone();
            }

            /** A copy of the payload. */
            @Override
            public byte[] payload() {
                return payload.clone();
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Send s && Arrays.equals(payload, s.payload);
            }

            @Override
            public int hashCode() {
                return Arrays.hashCode(payload);
            }

            /** Prints the length only: the payload is authentication data. */
            @Override
            public String toString() {
                return "Send[payload=<" + payload.length + " bytes>]";
            }
        }

        /** Nothing to send; feed the next server packet (after caching_sha2_password's fast-auth success). */
        record Await() implements Step {}

        /** Authenticated: the server's OK. */
        record Done(OkPacket ok) implements Step {}

        /** Not authenticated: the server's ERR, or one made here for a failure found on this side. */
        record Failed(ErrPacket err) implements Step {}

        /**
         * A relayed exchange ({@link #relayed}): the server's auth switch or more-data packet, whole,
         * for the real client to answer; its answer goes back to the server as it is.
         */
        record Relay(byte[] packet) implements Step {
            public Relay {
                packet = packet.clone();
            }

            @Override
            public byte[] packet() {
                return packet.clone();
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Relay r && Arrays.equals(packet, r.packet);
            }

            @Override
            public int hashCode() {
                return Arrays.hashCode(packet);
            }

            @Override
            public String toString() {
                return "Relay[" + packet.length + " bytes]";
            }
        }
    }

    private enum Phase {
        INITIAL,
        AUTHENTICATING,
        AWAITING_PUBLIC_KEY,
        DONE,
        FAILED
    }

    private final String username;
    private final byte[] password;
    private final @Nullable String database;
    private final long clientCapabilities;
    private final int characterSet;
    private final Map<String, String> connectAttributes;
    private boolean secureTransport;
    private boolean requestTls;
    private boolean allowPublicKeyRetrieval;
    private boolean stage1;
    private boolean relayed;
    private @Nullable PublicKey serverPublicKey;

    private Phase phase = Phase.INITIAL;
    private long negotiated;
    private String plugin = "";
    private byte[] seed = new byte[0];
    private boolean switched;

    /**
     * @param username           the backend user
     * @param password           the backend password (UTF-8 bytes); copied, and cleared when the exchange ends
     * @param database           the initial schema, or null
     * @param clientCapabilities the capabilities this client wants; protocol 4.1, secure connection and plugin
     *                           auth are added, {@code CLIENT_CONNECT_WITH_DB} and {@code CLIENT_CONNECT_ATTRS}
     *                           follow {@code database} and {@code connectAttributes}
     * @param characterSet       the collation id to announce
     * @param connectAttributes  connection attributes to send (insertion order kept)
     */
    public ClientAuthExchange(
            String username,
            byte[] password,
            @Nullable String database,
            long clientCapabilities,
            int characterSet,
            Map<String, String> connectAttributes) {
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password").clone();
        this.database = database;
        this.clientCapabilities = clientCapabilities;
        this.characterSet = Fields.checkRange("characterSet", characterSet, 0xFF);
        this.connectAttributes = Collections.unmodifiableMap(
                new LinkedHashMap<>(Objects.requireNonNull(connectAttributes, "connectAttributes")));
    }

    /**
     * Declares whether the transport is secure (TLS, or a Unix socket): only then may the password
     * travel in clear, for mysql_clear_password and caching_sha2_password's full authentication.
     * May be called at any time before the step that needs it.
     */
    public ClientAuthExchange secureTransport(boolean secure) {
        this.secureTransport = secure;
        return this;
    }

    /**
     * Whether to ask for TLS: {@code CLIENT_SSL} is added to the capabilities {@link #start} offers,
     * so that it is negotiated when the server's greeting offers it too ({@link #sslRequest()} then
     * returns the request to send). Call before {@link #start}; default false.
     *
     * @throws IllegalStateException after {@link #start}
     */
    public ClientAuthExchange requestTls(boolean request) {
        if (phase != Phase.INITIAL) {
            throw new IllegalStateException("capabilities are negotiated by start(), which was called");
        }
        this.requestTls = request;
        return this;
    }

    /** The password given is the stage 1 SHA1(pw) ({@link NativePassword}): native only, another plugin fails (2059). */
    public ClientAuthExchange passwordIsStage1(boolean isStage1) {
        this.stage1 = isStage1;
        return this;
    }

    /**
     * Whether the exchange is answered by someone else: the handshake response carries no
     * credentials, and every auth switch or more-data packet of the server is handed out as
     * {@link Step.Relay} for a real client to answer (a plugin this side cannot answer for).
     */
    public ClientAuthExchange relayed(boolean relay) {
        this.relayed = relay;
        return this;
    }

    /** A known RSA public key of the server, for caching_sha2_password's full authentication without TLS. */
    public ClientAuthExchange serverPublicKey(@Nullable PublicKey key) {
        this.serverPublicKey = key;
        return this;
    }

    /**
     * Whether to ask the server for its RSA public key when full authentication is needed without
     * TLS and without a configured key (default false: fail instead, as Connector/J does by default).
     * A key obtained this way is only as trustworthy as the network: whoever answers in the server's
     * place gets the password.
     */
    public ClientAuthExchange allowPublicKeyRetrieval(boolean allow) {
        this.allowPublicKeyRetrieval = allow;
        return this;
    }

    /**
     * Negotiates capabilities with the server's greeting and returns the handshake response to send.
     *
     * @throws IllegalStateException    if called twice
     * @throws IllegalArgumentException if the server does not speak protocol 4.1 with secure connection
     */
    public HandshakeResponse41 start(HandshakeV10 greeting) {
        if (phase != Phase.INITIAL) {
            throw new IllegalStateException("start() was already called");
        }
        long server = greeting.capabilities();
        if (!Capabilities.has(server, CLIENT_PROTOCOL_41) || !Capabilities.has(server, CLIENT_SECURE_CONNECTION)) {
            throw new IllegalArgumentException(
                    "server " + greeting.serverVersion() + " does not speak protocol 4.1 with secure connection");
        }
        long wanted = clientCapabilities | ALWAYS | (requestTls ? CLIENT_SSL : 0);
        wanted = database != null ? wanted | CLIENT_CONNECT_WITH_DB : wanted & ~CLIENT_CONNECT_WITH_DB;
        wanted = connectAttributes.isEmpty() ? wanted & ~CLIENT_CONNECT_ATTRS : wanted | CLIENT_CONNECT_ATTRS;
        negotiated = wanted & server;
        if (!Capabilities.isMariaDb(negotiated)) {
            negotiated &= 0xFFFF_FFFFL; // extended capabilities are MariaDB's, sent only without CLIENT_MYSQL
        }
        seed = greeting.authPluginData();
        byte[] response;
        if (relayed) {
            plugin = AuthPlugins.MYSQL_NATIVE_PASSWORD; // no answer: the server asks for its account's own plugin
            response = new byte[0];
        } else if (greeting.authPluginName().equals(AuthPlugins.CACHING_SHA2_PASSWORD) && !stage1) {
            plugin = AuthPlugins.CACHING_SHA2_PASSWORD;
            response = Scrambles.cachingSha2(password, seed);
        } else {
            plugin = AuthPlugins.MYSQL_NATIVE_PASSWORD;
            response = nativeAnswer();
        }
        phase = Phase.AUTHENTICATING;
        return new HandshakeResponse41(
                negotiated,
                MAX_PACKET_SIZE,
                characterSet,
                username,
                response,
                Capabilities.has(negotiated, CLIENT_CONNECT_WITH_DB) ? database : null,
                Capabilities.has(negotiated, CLIENT_PLUGIN_AUTH) ? plugin : null,
                Capabilities.has(negotiated, CLIENT_CONNECT_ATTRS) ? connectAttributes : Map.of());
    }

    /**
     * The TLS request to send before the handshake response, or null when the negotiated
     * capabilities do not carry {@code CLIENT_SSL}.
     *
     * @throws IllegalStateException before {@link #start}
     */
    public @Nullable SslRequest sslRequest() {
        if (phase == Phase.INITIAL) {
            throw new IllegalStateException("capabilities are negotiated by start()");
        }
        return Capabilities.has(negotiated, CLIENT_SSL)
                ? new SslRequest(negotiated, MAX_PACKET_SIZE, characterSet)
                : null;
    }

    /**
     * Feeds the payload of the next server packet (read from its reader index; the buffer is
     * neither retained nor released) and returns what to do next.
     *
     * @throws IllegalStateException before {@link #start} or after Done/Failed
     */
    public Step onServerPacket(ByteBuf payload) {
        if (phase == Phase.INITIAL || phase == Phase.DONE || phase == Phase.FAILED) {
            throw new IllegalStateException("no server packet is expected in phase " + phase);
        }
        if (!payload.isReadable()) {
            return fail(CR_MALFORMED_PACKET, "Malformed packet: empty packet during authentication");
        }
        int header = payload.getUnsignedByte(payload.readerIndex());
        try {
            switch (header) {
                case OkPacket.HEADER:
                    return done(OkPacket.decode(payload, negotiated));
                case ErrPacket.HEADER:
                    return failed(ErrPacket.decode(payload, negotiated));
                case AuthSwitchRequest.HEADER, AuthMoreData.HEADER:
                    if (relayed) {
                        byte[] packet = new byte[payload.readableBytes()];
                        payload.getBytes(payload.readerIndex(), packet);
                        return new Step.Relay(packet);
                    }
                    if (header == AuthMoreData.HEADER) {
                        AuthMoreData more = AuthMoreData.decode(payload);
                        return phase == Phase.AWAITING_PUBLIC_KEY ? onPublicKey(more) : onMoreData(more);
                    }
                    if (phase == Phase.AUTHENTICATING) {
                        return onAuthSwitch(AuthSwitchRequest.decode(payload));
                    }
                    break;
                default:
                    break;
            }
            return fail(
                    CR_MALFORMED_PACKET,
                    "Malformed packet: unexpected packet 0x" + Integer.toHexString(header)
                            + " during authentication with " + plugin);
        } catch (MalformedPacketException e) {
            return fail(CR_MALFORMED_PACKET, "Malformed packet: " + e.getMessage());
        }
    }

    /** The capabilities both sides agreed on (valid after {@link #start}). */
    public long negotiatedCapabilities() {
        return negotiated;
    }

    /** The plugin currently authenticating ("" before {@link #start}). */
    public String pluginName() {
        return plugin;
    }

    private Step onAuthSwitch(AuthSwitchRequest request) {
        if (switched) {
            return fail(
                    CR_MALFORMED_PACKET, "Malformed packet: the server asked to switch authentication plugin twice");
        }
        switched = true;
        plugin = request.pluginName();
        seed = request.pluginData();
        if (stage1 && !plugin.equals(AuthPlugins.MYSQL_NATIVE_PASSWORD)) {
            return fail(
                    CR_AUTH_PLUGIN_CANNOT_LOAD,
                    "Authentication plugin '" + plugin + "' cannot be used:"
                            + " the connector has only the mysql_native_password hash of this account");
        }
        return switch (plugin) {
            case AuthPlugins.MYSQL_NATIVE_PASSWORD -> new Step.Send(nativeAnswer());
            case AuthPlugins.CACHING_SHA2_PASSWORD -> new Step.Send(Scrambles.cachingSha2(password, seed));
            case AuthPlugins.MYSQL_CLEAR_PASSWORD ->
                secureTransport
                        ? new Step.Send(Scrambles.nulTerminated(password))
                        : fail(
                                CR_AUTH_PLUGIN_ERR,
                                "Authentication plugin '" + plugin
                                        + "' reported error: Authentication requires secure connection.");
            default -> fail(CR_AUTH_PLUGIN_CANNOT_LOAD, "Authentication plugin '" + plugin + "' cannot be loaded");
        };
    }

    private byte[] nativeAnswer() {
        return stage1 ? NativePassword.scrambleFromStage1(password, seed) : Scrambles.nativePassword(password, seed);
    }

    private Step onMoreData(AuthMoreData more) {
        byte[] data = more.data();
        if (!plugin.equals(AuthPlugins.CACHING_SHA2_PASSWORD) || data.length != 1) {
            return fail(
                    CR_MALFORMED_PACKET,
                    "Malformed packet: unexpected AuthMoreData of " + data.length + " bytes for " + plugin);
        }
        if (data[0] == AuthMoreData.FAST_AUTH_SUCCESS) {
            return new Step.Await();
        }
        if (data[0] != AuthMoreData.PERFORM_FULL_AUTHENTICATION) {
            return fail(
                    CR_MALFORMED_PACKET,
                    "Malformed packet: unknown caching_sha2_password status 0x" + Integer.toHexString(data[0] & 0xFF));
        }
        if (secureTransport) {
            return new Step.Send(Scrambles.nulTerminated(password));
        }
        if (serverPublicKey != null) {
            return sendEncrypted(serverPublicKey);
        }
        if (!allowPublicKeyRetrieval) {
            return fail(
                    CR_AUTH_PLUGIN_ERR,
                    "Authentication plugin '" + plugin
                            + "' reported error: Authentication requires secure connection.");
        }
        phase = Phase.AWAITING_PUBLIC_KEY;
        return new Step.Send(new byte[] {REQUEST_PUBLIC_KEY});
    }

    private Step onPublicKey(AuthMoreData more) {
        phase = Phase.AUTHENTICATING;
        PublicKey key = RsaFullAuth.parseKey(more.data());
        return key == null
                ? fail(
                        CR_AUTH_PLUGIN_ERR,
                        "Authentication plugin '" + plugin + "' reported error: " + RsaFullAuth.UNUSABLE_KEY)
                : sendEncrypted(key);
    }

    private Step sendEncrypted(PublicKey key) {
        byte[] encrypted = RsaFullAuth.encrypt(password, seed, key);
        return encrypted == null
                ? fail(
                        CR_AUTH_PLUGIN_ERR,
                        "Authentication plugin '" + plugin + "' reported error: " + RsaFullAuth.CANNOT_ENCRYPT)
                : new Step.Send(encrypted);
    }

    private Step done(OkPacket ok) {
        phase = Phase.DONE;
        Arrays.fill(password, (byte) 0);
        return new Step.Done(ok);
    }

    private Step failed(ErrPacket err) {
        phase = Phase.FAILED;
        Arrays.fill(password, (byte) 0);
        return new Step.Failed(err);
    }

    private Step fail(int code, String message) {
        return failed(new ErrPacket(code, ErrPacket.GENERAL_SQL_STATE, message));
    }
}
