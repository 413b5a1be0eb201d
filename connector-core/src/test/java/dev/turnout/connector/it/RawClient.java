package dev.turnout.connector.it;

import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.auth.Scrambles;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.client.SslRequest;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A minimal MySQL client on a plain {@link Socket}, for tests that must send what no driver sends:
 * garbage, wrong sequence ids, oversized or truncated packets. It reads the greeting on connect,
 * can log in with {@code mysql_native_password}, {@code caching_sha2_password} (fast path) or
 * {@code mysql_clear_password} (after {@link #startTls()}), and runs text queries without
 * {@code CLIENT_DEPRECATE_EOF}. Not thread-safe; one test thread owns it.
 */
final class RawClient implements AutoCloseable {

    /** What the raw client announces: protocol 4.1 with plugin auth, no EOF deprecation, no TLS. */
    static final long CAPABILITIES = Capabilities.CLIENT_LONG_PASSWORD | Capabilities.CLIENT_PROTOCOL_41
            | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_TRANSACTIONS
            | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CLIENT_CONNECT_WITH_DB
            | Capabilities.CLIENT_MULTI_RESULTS | Capabilities.CLIENT_CONNECT_ATTRS;

    private static final int UTF8MB4_GENERAL_CI = 45;

    /** One physical packet as read from the socket. */
    record Packet(int sequenceId, byte[] payload) {
        int firstByte() {
            return payload.length == 0 ? -1 : payload[0] & 0xFF;
        }

        boolean isErr() {
            return firstByte() == ErrPacket.HEADER;
        }

        ErrPacket err() {
            return decode(payload, buf -> ErrPacket.decode(buf, CAPABILITIES));
        }
    }

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final HandshakeV10 greeting;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        Packet first = readPacket();
        this.greeting = decode(first.payload(), HandshakeV10::decode);
    }

    /** Connects to {@code 127.0.0.1:port} and reads the greeting; reads time out after 5 seconds. */
    static RawClient connect(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            socket.setTcpNoDelay(true);
            return new RawClient(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    HandshakeV10 greeting() {
        return greeting;
    }

    Socket socket() {
        return socket;
    }

    /** Reads one packet (blocking at most the socket timeout). */
    Packet readPacket() throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] header = new byte[4];
        data.readFully(header);
        int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
        byte[] payload = new byte[length];
        data.readFully(payload);
        return new Packet(header[3] & 0xFF, payload);
    }

    /** Writes one packet with the given sequence id and flushes. */
    void writePacket(int sequenceId, byte[] payload) throws IOException {
        byte[] header = {(byte) payload.length, (byte) (payload.length >>> 8), (byte) (payload.length >>> 16),
            (byte) sequenceId};
        out.write(header);
        out.write(payload);
        out.flush();
    }

    /** Writes bytes as they are (a header may lie about what follows). */
    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads whatever bytes arrive next (blocking at most the socket timeout); -1 at the end of the stream. */
    int readRaw(byte[] buffer) throws IOException {
        return in.read(buffer);
    }

    /** A TLS context that trusts any certificate: the tests' connectors use throw-away self-signed ones. */
    static SSLContext trustingTlsContext() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, null);
        return context;
    }

    /** The SSLRequest packet (sequence id 1) with which a client asks for TLS. */
    static byte[] sslRequestPacket() {
        SslRequest request = new SslRequest(CAPABILITIES | Capabilities.CLIENT_SSL, 1 << 24, UTF8MB4_GENERAL_CI);
        byte[] payload = encode(request::encode);
        byte[] packet = new byte[payload.length + 4];
        packet[0] = (byte) payload.length;
        packet[3] = 1;
        System.arraycopy(payload, 0, packet, 4, payload.length);
        return packet;
    }

    /** Logs in as {@code user}, with a response computed by {@code plugin}; returns the server's last packet. */
    Packet login(String user, String password, String plugin) throws IOException {
        return login(user, password, plugin, 1);
    }

    private Packet login(String user, String password, String plugin, int sequenceId) throws IOException {
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        byte[] response = switch (plugin) {
            case AuthPlugins.MYSQL_NATIVE_PASSWORD -> Scrambles.nativePassword(secret, greeting.authPluginData());
            case AuthPlugins.CACHING_SHA2_PASSWORD -> Scrambles.cachingSha2(secret, greeting.authPluginData());
            case AuthPlugins.MYSQL_CLEAR_PASSWORD -> Scrambles.nulTerminated(secret);
            default -> throw new IllegalArgumentException(plugin);
        };
        long capabilities = CAPABILITIES | (socket instanceof SSLSocket ? Capabilities.CLIENT_SSL : 0);
        HandshakeResponse41 handshake = new HandshakeResponse41(capabilities, 1 << 24, UTF8MB4_GENERAL_CI, user,
                response, "test", plugin, Map.of("_client_name", "turnout-raw-it"));
        writePacket(sequenceId, encode(handshake::encode));
        return readPacket();
    }

    /** Sends a native-password login without waiting for the answer (to pipeline commands behind it). */
    void sendLogin(String user, String password) throws IOException {
        byte[] response = Scrambles.nativePassword(password.getBytes(StandardCharsets.UTF_8), greeting.authPluginData());
        HandshakeResponse41 handshake = new HandshakeResponse41(CAPABILITIES, 1 << 24, UTF8MB4_GENERAL_CI, user,
                response, "test", AuthPlugins.MYSQL_NATIVE_PASSWORD, Map.of("_client_name", "turnout-raw-it"));
        writePacket(1, encode(handshake::encode));
    }

    /**
     * Sends an SSLRequest and continues over TLS, trusting any certificate (the tests' connectors
     * use throw-away self-signed ones). Login afterwards with sequence id 2: {@link #loginAfterTls}.
     */
    void startTls() throws Exception {
        writeRaw(sslRequestPacket());
        SSLSocket tls = (SSLSocket) trustingTlsContext().getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        socket = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
    }

    /** {@link #login} after {@link #startTls()}: the handshake response then carries sequence id 2. */
    Packet loginAfterTls(String user, String password, String plugin) throws IOException {
        return login(user, password, plugin, 2);
    }

    /**
     * Runs a text query and returns the rows as strings (null for SQL NULL).
     *
     * @throws java.sql.SQLException with the server's code and SQLSTATE on an ERR
     */
    List<List<String>> query(String sql) throws IOException, java.sql.SQLException {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[text.length + 1];
        payload[0] = (byte) Command.COM_QUERY;
        System.arraycopy(text, 0, payload, 1, text.length);
        writePacket(0, payload);
        Packet first = readPacket();
        if (first.isErr()) {
            ErrPacket err = first.err();
            throw new java.sql.SQLException(err.message(), err.sqlState(), err.errorCode());
        }
        List<List<String>> rows = new ArrayList<>();
        if (first.firstByte() == 0x00) {
            return rows;
        }
        int columns = (int) decode(first.payload(), Wire::readLenencInt).longValue();
        for (int i = 0; i < columns; i++) {
            readPacket();
        }
        expectEof(readPacket());
        while (true) {
            Packet row = readPacket();
            if (row.firstByte() == 0xFE && row.payload().length < 9) {
                return rows;
            }
            if (row.isErr()) {
                ErrPacket err = row.err();
                throw new java.sql.SQLException(err.message(), err.sqlState(), err.errorCode());
            }
            rows.add(decode(row.payload(), buf -> {
                List<String> values = new ArrayList<>();
                while (buf.isReadable()) {
                    if ((buf.getByte(buf.readerIndex()) & 0xFF) == 0xFB) {
                        buf.skipBytes(1);
                        values.add(null);
                    } else {
                        values.add(Wire.readLenencString(buf));
                    }
                }
                return values;
            }));
        }
    }

    /** The first column of the first row of {@code sql} as a long. */
    long queryLong(String sql) throws IOException, java.sql.SQLException {
        return Long.parseLong(query(sql).get(0).get(0));
    }

    private static void expectEof(Packet packet) throws IOException {
        if (packet.firstByte() != 0xFE) {
            throw new IOException("expected an EOF packet after the column definitions, got 0x"
                    + Integer.toHexString(packet.firstByte()));
        }
    }

    /**
     * Waits until the peer has closed the connection: end of stream, or a reset. Bytes that
     * still arrive are skipped.
     *
     * @return true when closed within {@code timeout}, false if the connection is still open
     */
    boolean awaitClosedByPeer(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] sink = new byte[8192];
        int original = socket.getSoTimeout();
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000)));
                try {
                    if (in.read(sink) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // still open: look again until the deadline
                } catch (SocketException e) {
                    return true; // reset by the peer
                }
            }
            return false;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(original);
            }
        }
    }

    /** Closes the socket with a reset (SO_LINGER 0), as a crashed client would. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Encodes with a heap buffer that is always released. */
    static byte[] encode(Consumer<ByteBuf> writer) {
        ByteBuf buf = Unpooled.buffer();
        try {
            writer.accept(buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    /** Decodes {@code bytes} with a wrapped buffer that is always released. */
    private static <T> T decode(byte[] bytes, Function<ByteBuf, T> reader) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return reader.apply(buf);
        } finally {
            buf.release();
        }
    }

    /** Trusts every certificate: the tests' connectors present throw-away self-signed ones. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
