package dev.turnout.protocol.response;

import dev.turnout.protocol.constant.Capabilities;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A bare protocol client for {@link RecordFixtures}: sends the commands no JDBC driver sends
 * ({@code COM_FIELD_LIST}, {@code COM_STATISTICS}, {@code COM_SET_OPTION}, {@code COM_PROCESS_KILL},
 * unknown commands, a {@code COM_CHANGE_USER} that provokes an auth switch) with exactly the
 * capabilities asked for. It authenticates with {@code mysql_native_password} and reads a response
 * until the server has been quiet for a while, so it needs no notion of where a response ends.
 */
final class RawClient implements AutoCloseable {

    private static final int QUIET_MILLIS = 400;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    RawClient(int port, String user, String password, String database, long capabilities) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        socket.setSoTimeout(5000);
        byte[] greeting = readPacket();
        int index = 5;
        while (greeting[index] != 0) {
            index++;
        }
        index += 1 + 4;
        byte[] seed = new byte[20];
        System.arraycopy(greeting, index, seed, 0, 8);
        System.arraycopy(greeting, index + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10, seed, 8, 12);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        writeInt4(response, capabilities & 0xFFFFFFFFL);
        writeInt4(response, 64 << 20);
        response.write(45);
        response.write(new byte[19], 0, 19);
        writeInt4(response, capabilities >>> 32);
        writeNul(response, user);
        byte[] scramble = nativeScramble(password, seed);
        response.write(scramble.length);
        response.write(scramble, 0, scramble.length);
        writeNul(response, database);
        writeNul(response, "mysql_native_password");
        send(response.toByteArray(), 1);
        byte[] answer = readPacket();
        if ((answer[4] & 0xFF) != 0) {
            throw new IOException("authentication failed: " + new String(answer, StandardCharsets.UTF_8));
        }
        socket.setSoTimeout(QUIET_MILLIS);
    }

    /** Sends a command (sequence id 0) and returns every packet the server sent until it fell quiet. */
    List<byte[]> command(byte[] payload) throws IOException {
        send(payload, 0);
        return drain();
    }

    void send(byte[] payload, int sequenceId) throws IOException {
        byte[] packet = new byte[4 + payload.length];
        packet[0] = (byte) payload.length;
        packet[1] = (byte) (payload.length >> 8);
        packet[2] = (byte) (payload.length >> 16);
        packet[3] = (byte) sequenceId;
        System.arraycopy(payload, 0, packet, 4, payload.length);
        out.write(packet);
        out.flush();
    }

    /** Every packet until the server fell quiet, waiting up to 5 s for the first one. */
    List<byte[]> drain() throws IOException {
        List<byte[]> packets = new ArrayList<>();
        socket.setSoTimeout(5000);
        try {
            packets.add(readPacket());
        } catch (SocketTimeoutException quiet) {
            return packets;
        } finally {
            socket.setSoTimeout(QUIET_MILLIS);
        }
        while (true) {
            try {
                packets.add(readPacket());
            } catch (SocketTimeoutException quiet) {
                return packets;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static byte[] payload(int command, byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(command);
        for (byte[] part : parts) {
            b.write(part, 0, part.length);
        }
        return b.toByteArray();
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] nul(String s) {
        return Arrays.copyOf(text(s), text(s).length + 1);
    }

    static byte[] int4(long v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    static byte[] nativeScramble(String password, byte[] seed) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] stage1 = sha1.digest(text(password));
            byte[] stage2 = sha1.digest(stage1);
            sha1.update(seed, 0, 20);
            sha1.update(stage2);
            byte[] result = sha1.digest();
            for (int i = 0; i < result.length; i++) {
                result[i] ^= stage1[i];
            }
            return result;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean mariaDbCapabilities(long capabilities) {
        return Capabilities.isMariaDb(capabilities);
    }

    private byte[] readPacket() throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length < 4) {
            throw new IOException("connection closed");
        }
        int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
        byte[] packet = Arrays.copyOf(header, 4 + length);
        int read = 4;
        int previousTimeout = socket.getSoTimeout();
        socket.setSoTimeout(5000);
        try {
            while (read < packet.length) {
                int n = in.read(packet, read, packet.length - read);
                if (n < 0) {
                    throw new IOException("connection closed");
                }
                read += n;
            }
        } finally {
            socket.setSoTimeout(previousTimeout);
        }
        return packet;
    }

    private static void writeInt4(ByteArrayOutputStream b, long v) {
        byte[] bytes = int4(v);
        b.write(bytes, 0, 4);
    }

    private static void writeNul(ByteArrayOutputStream b, String s) {
        byte[] bytes = nul(s);
        b.write(bytes, 0, bytes.length);
    }
}
