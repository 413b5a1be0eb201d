package dev.turnout.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A minimal MySQL client on a plain {@link Socket}, for tests that must send what no driver sends:
 * garbage, wrong sequence ids, oversized or truncated packets, commands such as
 * {@code COM_FIELD_LIST} or {@code COM_SET_OPTION}, exactly the capabilities asked for.
 *
 * <p>It reads the greeting on {@link #connect}, can log in with {@code mysql_native_password},
 * {@code caching_sha2_password} (fast path) or {@code mysql_clear_password} (after
 * {@link #startTls()}), runs text queries without {@code CLIENT_DEPRECATE_EOF}, and can
 * {@link #drain} a response until the server falls quiet, for callers that have no notion of
 * where a response ends.
 *
 * <p>This module must not depend on the protocol module (whose tests use it), so the few
 * packets it needs are written and read here with plain byte arrays; protocol's
 * {@code RawClientAgreesWithTheProtocolTest} checks them against the real codecs. Not
 * thread-safe: one test thread owns it.
 */
public final class RawClient implements AutoCloseable {

    public static final long CLIENT_LONG_PASSWORD = 1L;
    public static final long CLIENT_CONNECT_WITH_DB = 1L << 3;
    public static final long CLIENT_PROTOCOL_41 = 1L << 9;
    public static final long CLIENT_SSL = 1L << 11;
    public static final long CLIENT_TRANSACTIONS = 1L << 13;
    public static final long CLIENT_SECURE_CONNECTION = 1L << 15;
    public static final long CLIENT_MULTI_RESULTS = 1L << 17;
    public static final long CLIENT_PLUGIN_AUTH = 1L << 19;
    public static final long CLIENT_CONNECT_ATTRS = 1L << 20;
    public static final long CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 1L << 21;

    /** What {@link #login} announces: protocol 4.1 with plugin auth, no EOF deprecation, no TLS. */
    public static final long CAPABILITIES = CLIENT_LONG_PASSWORD
            | CLIENT_PROTOCOL_41
            | CLIENT_SECURE_CONNECTION
            | CLIENT_PLUGIN_AUTH
            | CLIENT_TRANSACTIONS
            | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
            | CLIENT_CONNECT_WITH_DB
            | CLIENT_MULTI_RESULTS
            | CLIENT_CONNECT_ATTRS;

    public static final String MYSQL_NATIVE_PASSWORD = "mysql_native_password";
    public static final String CACHING_SHA2_PASSWORD = "caching_sha2_password";
    public static final String MYSQL_CLEAR_PASSWORD = "mysql_clear_password";

    /** The maximum packet size announced in the handshake response and the SSLRequest: 16 MiB. */
    public static final int MAX_PACKET_SIZE = 1 << 24;
    /** The collation announced: utf8mb4_general_ci. */
    public static final int UTF8MB4_GENERAL_CI = 45;
    /** The attribute {@link #login} sends when {@code CLIENT_CONNECT_ATTRS} is set. */
    public static final String CLIENT_NAME = "turnout-raw-it";

    private static final String DEFAULT_DATABASE = "test";
    private static final int FILLER = 23;
    private static final int READ_TIMEOUT_MILLIS = 5000;
    private static final int QUIET_MILLIS = 400;
    private static final int ERR = 0xFF;
    private static final int EOF = 0xFE;

    /**
     * One physical packet as read from the socket.
     *
     * @param sequenceId the header's sequence id
     * @param payload    the bytes after the header
     */
    public record Packet(int sequenceId, byte[] payload) {

        /** The payload's first byte, -1 for an empty payload. */
        public int firstByte() {
            return payload.length == 0 ? -1 : payload[0] & 0xFF;
        }

        public boolean isErr() {
            return firstByte() == ERR;
        }

        /** This packet read as an ERR packet. */
        public Err err() {
            return Err.parse(payload);
        }
    }

    /**
     * An ERR packet's fields.
     *
     * @param errorCode the server error number
     * @param sqlState  five characters; {@code HY000} when the packet has no '#' marker
     * @param message   the text
     */
    public record Err(int errorCode, String sqlState, String message) {

        /** Reads an ERR payload (header 0xFF included). */
        public static Err parse(byte[] payload) {
            if (payload.length < 3 || (payload[0] & 0xFF) != ERR) {
                throw new IllegalArgumentException("not an ERR packet: " + hex(payload));
            }
            int code = (payload[1] & 0xFF) | (payload[2] & 0xFF) << 8;
            int message = 3;
            String sqlState = "HY000";
            if (payload.length >= 9 && payload[3] == '#') {
                sqlState = new String(payload, 4, 5, StandardCharsets.US_ASCII);
                message = 9;
            }
            return new Err(
                    code, sqlState, new String(payload, message, payload.length - message, StandardCharsets.UTF_8));
        }
    }

    /**
     * What the client needs of the server's greeting (HandshakeV10).
     *
     * @param serverVersion  e.g. {@code 11.4.5-MariaDB}
     * @param connectionId   the server's thread id
     * @param capabilities   the server's flags, MariaDB's extended ones in the high 32 bits
     * @param authPluginName the default plugin, empty if none
     */
    public record Greeting(
            String serverVersion, long connectionId, byte[] authPluginData, long capabilities, String authPluginName) {

        /** The scramble without its trailing NUL (normally 20 bytes); a copy. */
        @Override
        public byte[] authPluginData() {
            return authPluginData.clone();
        }

        /** Reads a HandshakeV10 payload; throws {@link IllegalArgumentException} for anything else (an ERR, say). */
        public static Greeting parse(byte[] payload) {
            if (payload.length == 0 || payload[0] != 10) {
                throw new IllegalArgumentException("not a HandshakeV10 greeting: " + hex(payload));
            }
            try {
                int index = 1;
                int versionEnd = nul(payload, index);
                String version = new String(payload, index, versionEnd - index, StandardCharsets.US_ASCII);
                index = versionEnd + 1;
                long connectionId = int4(payload, index);
                index += 4;
                byte[] part1 = Arrays.copyOfRange(payload, index, index + 8);
                index += 8 + 1;
                long capabilities = int2(payload, index);
                index += 2;
                if (index >= payload.length) {
                    return new Greeting(version, connectionId, part1, capabilities, "");
                }
                index += 1 + 2; // character set, status flags
                capabilities |= (long) int2(payload, index) << 16;
                index += 2;
                int authDataLength = payload[index] & 0xFF;
                index += 1 + 6;
                long extended = int4(payload, index);
                index += 4;
                if ((capabilities & CLIENT_LONG_PASSWORD) == 0) { // a MariaDB server: CLIENT_MYSQL is clear
                    capabilities |= extended << 32;
                }
                byte[] scramble = part1;
                if ((capabilities & CLIENT_SECURE_CONNECTION) != 0) {
                    int part2Length = (capabilities & CLIENT_PLUGIN_AUTH) != 0 ? Math.max(13, authDataLength - 8) : 13;
                    int kept = payload[index + part2Length - 1] == 0 ? part2Length - 1 : part2Length;
                    scramble = Arrays.copyOf(part1, 8 + kept);
                    System.arraycopy(payload, index, scramble, 8, kept);
                    index += part2Length;
                }
                String plugin = "";
                if ((capabilities & CLIENT_PLUGIN_AUTH) != 0 && index < payload.length) {
                    plugin = new String(payload, index, nul(payload, index) - index, StandardCharsets.US_ASCII);
                }
                return new Greeting(version, connectionId, scramble, capabilities, plugin);
            } catch (IndexOutOfBoundsException e) {
                throw new IllegalArgumentException("truncated greeting: " + hex(payload), e);
            }
        }

        /** The index of the next NUL from {@code from}, or the payload's length if there is none. */
        private static int nul(byte[] payload, int from) {
            int index = from;
            while (index < payload.length && payload[index] != 0) {
                index++;
            }
            return index;
        }
    }

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final Greeting greeting;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.greeting = Greeting.parse(readPacket().payload());
    }

    /** Connects to {@code 127.0.0.1:port} and reads the greeting; reads time out after 5 seconds. */
    public static RawClient connect(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            return new RawClient(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public Greeting greeting() {
        return greeting;
    }

    public Socket socket() {
        return socket;
    }

    /** Reads one packet, waiting at most the socket timeout for its header and 5 seconds for the rest. */
    public Packet readPacket() throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] header = new byte[4];
        data.readFully(header);
        int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
        byte[] payload = new byte[length];
        int timeout = socket.getSoTimeout();
        if (timeout != 0 && timeout < READ_TIMEOUT_MILLIS) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS); // the header came: the rest is on its way
        }
        try {
            data.readFully(payload);
        } finally {
            socket.setSoTimeout(timeout);
        }
        return new Packet(header[3] & 0xFF, payload);
    }

    /** Writes one packet with the given sequence id and flushes. */
    public void writePacket(int sequenceId, byte[] payload) throws IOException {
        out.write(header(payload.length, sequenceId));
        out.write(payload);
        out.flush();
    }

    /** Writes bytes as they are (a header may lie about what follows). */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads whatever bytes arrive next (blocking at most the socket timeout); -1 at the end of the stream. */
    public int readRaw(byte[] buffer) throws IOException {
        return in.read(buffer);
    }

    /** Sends a command (sequence id 0) and returns every packet the server sent until it fell quiet. */
    public List<Packet> command(byte[] payload) throws IOException {
        writePacket(0, payload);
        return drain();
    }

    /**
     * Every packet until the server fell quiet for 400 ms, waiting up to 5 s for the first one;
     * empty if none came.
     */
    public List<Packet> drain() throws IOException {
        List<Packet> packets = new ArrayList<>();
        int timeout = socket.getSoTimeout();
        try {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            try {
                packets.add(readPacket());
            } catch (SocketTimeoutException quiet) {
                return packets;
            }
            socket.setSoTimeout(QUIET_MILLIS);
            while (true) {
                try {
                    packets.add(readPacket());
                } catch (SocketTimeoutException quiet) {
                    return packets;
                }
            }
        } finally {
            socket.setSoTimeout(timeout);
        }
    }

    /** A TLS context that trusts any certificate: the tests' connectors use throw-away self-signed ones. */
    public static SSLContext trustingTlsContext() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, null);
        return context;
    }

    /** The SSLRequest packet, header included (sequence id 1), with which a client asks for TLS. */
    public static byte[] sslRequestPacket() {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        writeFixedPart(payload, CAPABILITIES | CLIENT_SSL);
        return concat(header(payload.size(), 1), payload.toByteArray());
    }

    /**
     * Logs in as {@code user} to the database {@code test} with {@link #CAPABILITIES} (and
     * {@code CLIENT_SSL} after {@link #startTls()}), with a response computed by {@code plugin}
     * (one of the three this class knows); returns the server's next packet.
     */
    public Packet login(String user, String password, String plugin) throws IOException {
        return login(user, password, plugin, 1);
    }

    /** {@link #login} after {@link #startTls()}: the handshake response then carries sequence id 2. */
    public Packet loginAfterTls(String user, String password, String plugin) throws IOException {
        return login(user, password, plugin, 2);
    }

    private Packet login(String user, String password, String plugin, int sequenceId) throws IOException {
        byte[] response = switch (plugin) {
            case MYSQL_NATIVE_PASSWORD -> nativeScramble(password, greeting.authPluginData());
            case CACHING_SHA2_PASSWORD -> cachingSha2Scramble(password, greeting.authPluginData());
            case MYSQL_CLEAR_PASSWORD -> nul(password);
            default -> throw new IllegalArgumentException("unknown plugin " + plugin);
        };
        long capabilities = CAPABILITIES | (socket instanceof SSLSocket ? CLIENT_SSL : 0);
        writePacket(sequenceId, handshakeResponse(capabilities, user, response, DEFAULT_DATABASE, plugin));
        return readPacket();
    }

    /**
     * Logs in with {@code mysql_native_password} announcing exactly {@code capabilities}
     * (MariaDB extended ones in the high 32 bits, sent when {@code CLIENT_LONG_PASSWORD} is clear).
     *
     * @throws IOException unless the server answers OK
     */
    public void authenticate(String user, String password, String database, long capabilities) throws IOException {
        writePacket(
                1,
                handshakeResponse(
                        capabilities,
                        user,
                        nativeScramble(password, greeting.authPluginData()),
                        database,
                        MYSQL_NATIVE_PASSWORD));
        Packet answer = readPacket();
        if (answer.firstByte() != 0) {
            throw new IOException("authentication failed: " + (answer.isErr() ? answer.err() : hex(answer.payload())));
        }
    }

    /** Sends a native-password login without waiting for the answer (to pipeline commands behind it). */
    public void sendLogin(String user, String password) throws IOException {
        writePacket(
                1,
                handshakeResponse(
                        CAPABILITIES,
                        user,
                        nativeScramble(password, greeting.authPluginData()),
                        DEFAULT_DATABASE,
                        MYSQL_NATIVE_PASSWORD));
    }

    /**
     * Sends an SSLRequest and continues over TLS, trusting any certificate (the tests' connectors
     * use throw-away self-signed ones). Login afterwards with sequence id 2: {@link #loginAfterTls}.
     */
    public void startTls() throws Exception {
        writeRaw(sslRequestPacket());
        SSLSocket tls = (SSLSocket)
                trustingTlsContext().getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        socket = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
    }

    /**
     * A HandshakeResponse41 payload. The capabilities decide the form, as the protocol does: the
     * auth response length-encoded, one length byte or NUL-terminated; the database and plugin
     * only with their bits; one attribute {@code _client_name} with {@code CLIENT_CONNECT_ATTRS}.
     */
    public static byte[] handshakeResponse(
            long capabilities, String user, byte[] authResponse, String database, String plugin) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        writeFixedPart(b, capabilities);
        b.writeBytes(nul(user));
        if ((capabilities & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
            b.writeBytes(lenenc(authResponse.length));
            b.writeBytes(authResponse);
        } else if ((capabilities & CLIENT_SECURE_CONNECTION) != 0) {
            b.write(authResponse.length);
            b.writeBytes(authResponse);
        } else {
            b.writeBytes(authResponse);
            b.write(0);
        }
        if ((capabilities & CLIENT_CONNECT_WITH_DB) != 0) {
            b.writeBytes(nul(database));
        }
        if ((capabilities & CLIENT_PLUGIN_AUTH) != 0) {
            b.writeBytes(nul(plugin));
        }
        if ((capabilities & CLIENT_CONNECT_ATTRS) != 0) {
            byte[] attributes = concat(lenencString("_client_name"), lenencString(CLIENT_NAME));
            b.writeBytes(lenenc(attributes.length));
            b.writeBytes(attributes);
        }
        return b.toByteArray();
    }

    /**
     * Runs a text query and returns the rows as strings (null for SQL NULL).
     *
     * @throws SQLException with the server's code and SQLSTATE on an ERR
     */
    public List<List<String>> query(String sql) throws IOException, SQLException {
        writePacket(0, payload(0x03, text(sql)));
        Packet first = readPacket();
        throwIfErr(first);
        List<List<String>> rows = new ArrayList<>();
        if (first.firstByte() == 0x00) {
            return rows;
        }
        int[] index = {0};
        long columns = readLenenc(first.payload(), index);
        for (long i = 0; i < columns; i++) {
            readPacket();
        }
        Packet eof = readPacket();
        if (eof.firstByte() != EOF) {
            throw new IOException("expected an EOF packet after the column definitions, got 0x"
                    + Integer.toHexString(eof.firstByte()));
        }
        while (true) {
            Packet row = readPacket();
            if (row.firstByte() == EOF && row.payload().length < 9) {
                return rows;
            }
            throwIfErr(row);
            List<String> values = new ArrayList<>();
            byte[] payload = row.payload();
            index[0] = 0;
            while (index[0] < payload.length) {
                if ((payload[index[0]] & 0xFF) == 0xFB) {
                    index[0]++;
                    values.add(null);
                } else {
                    int length = (int) readLenenc(payload, index);
                    values.add(new String(payload, index[0], length, StandardCharsets.UTF_8));
                    index[0] += length;
                }
            }
            rows.add(values);
        }
    }

    /** The first column of the first row of {@code sql} as a long. */
    public long queryLong(String sql) throws IOException, SQLException {
        return Long.parseLong(query(sql).get(0).get(0));
    }

    private static void throwIfErr(Packet packet) throws SQLException {
        if (packet.isErr()) {
            Err err = packet.err();
            throw new SQLException(err.message(), err.sqlState(), err.errorCode());
        }
    }

    /**
     * Waits until the peer has closed the connection: end of stream, or a reset. Bytes that
     * still arrive are skipped.
     *
     * @return true when closed within {@code timeout}, false if the connection is still open
     */
    public boolean awaitClosedByPeer(Duration timeout) throws IOException {
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
    public void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A command payload: the command byte, then the parts. */
    public static byte[] payload(int command, byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(command);
        for (byte[] part : parts) {
            b.writeBytes(part);
        }
        return b.toByteArray();
    }

    /** UTF-8 bytes. */
    public static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** UTF-8 bytes and a NUL. */
    public static byte[] nul(String s) {
        byte[] text = text(s);
        return Arrays.copyOf(text, text.length + 1);
    }

    /** Four bytes, little-endian. */
    public static byte[] int4(long v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    /** mysql_native_password: SHA1(pw) XOR SHA1(seed + SHA1(SHA1(pw))); empty for an empty password. */
    public static byte[] nativeScramble(String password, byte[] seed) {
        return scramble("SHA-1", password, seed, true);
    }

    /** caching_sha2_password's fast path: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + seed); empty for an empty password. */
    public static byte[] cachingSha2Scramble(String password, byte[] seed) {
        return scramble("SHA-256", password, seed, false);
    }

    private static byte[] scramble(String algorithm, String password, byte[] seed, boolean seedFirst) {
        if (password.isEmpty()) {
            return new byte[0];
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides " + algorithm, e);
        }
        byte[] stage1 = digest.digest(text(password));
        byte[] stage2 = digest.digest(stage1);
        digest.update(seedFirst ? seed : stage2);
        digest.update(seedFirst ? stage2 : seed);
        byte[] result = digest.digest();
        for (int i = 0; i < result.length; i++) {
            result[i] ^= stage1[i];
        }
        return result;
    }

    /** Capabilities, max packet size, character set, filler (MariaDB's extended capabilities in its last four bytes). */
    private static void writeFixedPart(ByteArrayOutputStream b, long capabilities) {
        b.writeBytes(int4(capabilities));
        b.writeBytes(int4(MAX_PACKET_SIZE));
        b.write(UTF8MB4_GENERAL_CI);
        b.writeBytes(new byte[FILLER - 4]);
        b.writeBytes(int4((capabilities & CLIENT_LONG_PASSWORD) == 0 ? capabilities >>> 32 : 0));
    }

    private static byte[] header(int length, int sequenceId) {
        return new byte[] {(byte) length, (byte) (length >>> 8), (byte) (length >>> 16), (byte) sequenceId};
    }

    private static byte[] lenenc(long v) {
        if (v < 0xFB) {
            return new byte[] {(byte) v};
        }
        if (v <= 0xFFFF) {
            return new byte[] {(byte) 0xFC, (byte) v, (byte) (v >> 8)};
        }
        if (v <= 0xFFFFFF) {
            return new byte[] {(byte) 0xFD, (byte) v, (byte) (v >> 8), (byte) (v >> 16)};
        }
        byte[] b = new byte[9];
        b[0] = (byte) 0xFE;
        for (int i = 0; i < 8; i++) {
            b[1 + i] = (byte) (v >> (8 * i));
        }
        return b;
    }

    private static byte[] lenencString(String s) {
        byte[] text = text(s);
        return concat(lenenc(text.length), text);
    }

    /** Reads a length-encoded integer at {@code index[0]} and moves the index past it. */
    private static long readLenenc(byte[] b, int[] index) {
        int first = b[index[0]++] & 0xFF;
        int bytes = switch (first) {
            case 0xFC -> 2;
            case 0xFD -> 3;
            case 0xFE -> 8;
            default -> 0;
        };
        if (bytes == 0) {
            return first;
        }
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) (b[index[0]++] & 0xFF) << (8 * i);
        }
        return v;
    }

    private static int int2(byte[] b, int index) {
        return (b[index] & 0xFF) | (b[index + 1] & 0xFF) << 8;
    }

    private static long int4(byte[] b, int index) {
        return int2(b, index) | (long) int2(b, index + 2) << 16;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 64); i++) {
            s.append(String.format("%02x", bytes[i]));
        }
        return bytes.length > 64 ? s + "..." : s.toString();
    }

    /** Trusts every certificate: the tests' connectors present throw-away self-signed ones. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
