package dev.turnout.benchmarks;

import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.auth.Scrambles;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.server.AuthSwitchRequest;
import dev.turnout.protocol.message.server.EofPacket;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.message.server.OkPacket;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A minimal blocking MySQL client for {@link ConnectorRoundTripBenchmark}: it logs in with
 * {@code mysql_native_password}, announcing {@code CLIENT_DEPRECATE_EOF}, and then runs text
 * queries that were encoded beforehand, reading the response by its packet headers into one
 * reusable array. After the login nothing it does per query allocates: no {@code String}, no
 * {@code ByteBuf} (the array is viewed through one wrapped buffer, re-indexed per packet), no
 * boxing; so that {@code -prof gc} measures the server side of the round trip (in the benchmark's
 * JVM: the connector).
 *
 * <p>A response is read up to its terminal packet: an OK (a statement without a result set), or
 * the column count, the column definitions, an EOF unless {@code CLIENT_DEPRECATE_EOF} was
 * negotiated, the rows, and the final OK/EOF (0xFE with a payload shorter than 9 bytes). An ERR
 * throws. Multi-results, LOCAL INFILE and packets larger than the receive array are not supported.
 *
 * <p>Not thread-safe: one JMH thread owns it.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset.html">Text Resultset</a>
 */
final class BenchClient implements AutoCloseable {

    /** What the client announces; {@code CLIENT_LONG_PASSWORD} (MariaDB's {@code CLIENT_MYSQL}) says it sends no extended capabilities. */
    static final long CAPABILITIES = Capabilities.CLIENT_LONG_PASSWORD
            | Capabilities.CLIENT_PROTOCOL_41
            | Capabilities.CLIENT_SECURE_CONNECTION
            | Capabilities.CLIENT_PLUGIN_AUTH
            | Capabilities.CLIENT_TRANSACTIONS
            | Capabilities.CLIENT_CONNECT_WITH_DB
            | Capabilities.CLIENT_DEPRECATE_EOF;

    private static final int UTF8MB4_GENERAL_CI = 45;
    private static final int RECEIVE_SIZE = 64 * 1024;
    private static final int LOCAL_INFILE_REQUEST = 0xFB;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] received = new byte[RECEIVE_SIZE];
    /** The one view of {@link #received}; its indexes are set to the packet being looked at. */
    private final ByteBuf view = Unpooled.wrappedBuffer(received);

    private final boolean deprecateEof;
    /** Next unread byte and end of the received bytes in {@link #received}. */
    private int position;

    private int end;
    /** Index in {@link #received} of the last packet read (its header). */
    private int packet;
    /** Index of the first row's packet of the last result set, or -1. */
    private int firstRow;

    private BenchClient(Socket socket, String user, String password, String database) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        HandshakeV10 greeting = HandshakeV10.decode(payload(nextPacket()));
        deprecateEof = Capabilities.has(greeting.capabilities(), Capabilities.CLIENT_DEPRECATE_EOF);
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        HandshakeResponse41 response = new HandshakeResponse41(
                CAPABILITIES,
                1 << 24,
                UTF8MB4_GENERAL_CI,
                user,
                Scrambles.nativePassword(secret, greeting.authPluginData()),
                database,
                AuthPlugins.MYSQL_NATIVE_PASSWORD,
                Map.of());
        ByteBuf encoded = Unpooled.buffer();
        try {
            response.encode(encoded);
            out.write(packetOf(1, encoded));
        } finally {
            encoded.release();
        }
        int answer = nextPacket();
        if (firstByte(answer) == EofPacket.HEADER) {
            // AuthSwitchRequest: the server's account uses another default; only native password is spoken here.
            AuthSwitchRequest request = AuthSwitchRequest.decode(payload(answer));
            if (!AuthPlugins.MYSQL_NATIVE_PASSWORD.equals(request.pluginName())) {
                throw new IOException("the server asks for " + request.pluginName() + "; only "
                        + AuthPlugins.MYSQL_NATIVE_PASSWORD + " is supported");
            }
            ByteBuf scramble = Unpooled.wrappedBuffer(Scrambles.nativePassword(secret, request.pluginData()));
            try {
                out.write(packetOf(sequenceId(answer) + 1, scramble));
            } finally {
                scramble.release();
            }
            answer = nextPacket();
        }
        if (firstByte(answer) != OkPacket.HEADER) {
            throw failure(answer, "login as " + user);
        }
        requireNothingPending();
    }

    /** Connects to {@code 127.0.0.1:port} and logs in; reads time out after 10 s. */
    static BenchClient connect(int port, String user, String password, String database) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            return new BenchClient(socket, user, password, database);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A whole {@code COM_QUERY} packet (header included, sequence id 0), to pass to {@link #execute}. */
    static byte[] comQuery(String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        ByteBuf payload = Unpooled.buffer(1 + text.length);
        try {
            payload.writeByte(Command.COM_QUERY).writeBytes(text);
            return packetOf(0, payload);
        } finally {
            payload.release();
        }
    }

    /**
     * Writes {@code comQuery} with one write and reads the whole response.
     *
     * @return the bytes of the response, headers included
     * @throws IOException on an ERR packet, a closed connection or a response it cannot follow
     */
    int execute(byte[] comQuery) throws IOException {
        requireNothingPending();
        position = 0;
        end = 0;
        firstRow = -1;
        out.write(comQuery);
        int first = nextPacket();
        int header = firstByte(first);
        if (header == OkPacket.HEADER) {
            return requireNothingPending();
        }
        if (header == ErrPacket.HEADER) {
            throw failure(first, "the query");
        }
        if (header == LOCAL_INFILE_REQUEST) {
            throw new IOException("a LOCAL INFILE request: not supported by this client");
        }
        long columns = Wire.getLenencInt(view, Packets.payloadIndex(view));
        for (long i = 0; i < columns; i++) {
            nextPacket();
        }
        if (!deprecateEof && !EofPacket.isEof(view.setIndex(nextPacket(), end))) {
            throw new IOException("expected an EOF packet after the column definitions");
        }
        while (true) {
            int row = nextPacket();
            if (EofPacket.isEof(view)) {
                return requireNothingPending();
            }
            if (firstByte(row) == ErrPacket.HEADER) {
                throw failure(row, "the result set");
            }
            if (firstRow < 0) {
                firstRow = row;
            }
        }
    }

    /** The first column of the first row of the last result set, as text (allocates: for checks outside the measurement). */
    String firstValue() {
        if (firstRow < 0) {
            throw new IllegalStateException("the last response had no row");
        }
        ByteBuf payload = payload(firstRow);
        return Wire.readLenencString(payload);
    }

    /** Runs {@code sql} and returns {@link #firstValue()} (allocates). */
    String queryValue(String sql) throws IOException {
        execute(comQuery(sql));
        return firstValue();
    }

    @Override
    public void close() throws IOException {
        view.release();
        socket.close();
    }

    /**
     * Makes sure the next packet is whole in {@link #received}, sets {@link #view} to it
     * (header included) and returns its index.
     */
    private int nextPacket() throws IOException {
        fill(Packets.HEADER_SIZE);
        int length = view.setIndex(position, end).getUnsignedMediumLE(position);
        if (length == Packets.MAX_PAYLOAD) {
            throw new IOException("a packet of 16 MiB or more: not supported by this client");
        }
        fill(Packets.HEADER_SIZE + length);
        packet = position;
        position += Packets.HEADER_SIZE + length;
        view.setIndex(packet, end);
        return packet;
    }

    /** Reads until {@code needed} bytes from {@link #position} are in the array, moving them to its start if they would not fit. */
    private void fill(int needed) throws IOException {
        if (position + needed > received.length) {
            if (needed > received.length) {
                throw new IOException("a packet of " + needed + " bytes does not fit the receive array");
            }
            System.arraycopy(received, position, received, 0, end - position);
            end -= position;
            firstRow = -1;
            position = 0;
        }
        while (end - position < needed) {
            int n = in.read(received, end, received.length - end);
            if (n < 0) {
                throw new IOException("the server closed the connection");
            }
            end += n;
        }
    }

    private int firstByte(int at) {
        view.setIndex(at, end);
        return Packets.firstByte(view);
    }

    private int sequenceId(int at) {
        return received[at + 3] & 0xFF;
    }

    /** A view of the payload of the packet at {@code at} (for decoding outside the measurement). */
    private ByteBuf payload(int at) {
        int length = view.setIndex(at, end).getUnsignedMediumLE(at);
        return view.slice(at + Packets.HEADER_SIZE, length);
    }

    /** The response must have been the last bytes sent: returns how many there were. */
    private int requireNothingPending() throws IOException {
        if (position != end) {
            throw new IOException((end - position) + " bytes after the end of the response");
        }
        return end;
    }

    private IOException failure(int at, String what) {
        if (firstByte(at) == ErrPacket.HEADER) {
            ErrPacket err = ErrPacket.decode(payload(at), CAPABILITIES);
            return new IOException(what + " failed: " + err.errorCode() + " (" + err.sqlState() + ") " + err.message());
        }
        return new IOException(what + ": unexpected packet 0x" + Integer.toHexString(firstByte(at)));
    }

    private static byte[] packetOf(int sequenceId, ByteBuf payload) {
        byte[] packet = new byte[Packets.HEADER_SIZE + payload.readableBytes()];
        ByteBuf target = Unpooled.wrappedBuffer(packet);
        target.writerIndex(0);
        Packets.writeHeader(target, payload.readableBytes(), sequenceId);
        target.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        return packet;
    }
}
