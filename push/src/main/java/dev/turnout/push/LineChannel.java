package dev.turnout.push;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * One push connection: {@link PushMessage}s as UTF-8 lines over TLS.
 *
 * <p>Threading: one reader thread calls {@link #read}; one thread at a time writes (the
 * handshake's thread, then the connection's {@link PeerWriter}); any thread may {@link #close()}.
 * Closing closes the plain socket under the TLS one, at once: it never waits for a blocked writer
 * (as closing the TLS socket would, to send its close_notify) and it wakes a blocked reader.
 */
final class LineChannel implements Closeable {

    /** A line longer than this closes the connection: a full snapshot of a large cluster is far smaller. */
    static final int MAX_LINE_CHARS = 16 * 1024 * 1024;
    /** The longest line before the peer is authenticated, and from a connector at all: a handshake or a hello. */
    static final int MAX_SHORT_LINE_CHARS = 64 * 1024;

    private final Socket raw;
    private final String peer;
    private final BufferedReader in;
    private final Writer out;

    /** A channel over {@code ssl}, layered on {@code raw}. */
    LineChannel(SSLSocket ssl, Socket raw) throws IOException {
        this.raw = raw;
        this.peer = peerOf(raw);
        in = new BufferedReader(new InputStreamReader(ssl.getInputStream(), StandardCharsets.UTF_8));
        out = new BufferedWriter(new OutputStreamWriter(ssl.getOutputStream(), StandardCharsets.UTF_8));
    }

    /** {@code ip:port} of the other end of {@code socket}, for logs. */
    static String peerOf(Socket socket) {
        return socket.getInetAddress() == null
                ? "(not connected)"
                : socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
    }

    /** The peer as {@code ip:port}, for logs. */
    String peer() {
        return peer;
    }

    /** Bounds every later read: a read that waits longer fails (0: no bound). */
    void readTimeout(int millis) throws SocketException {
        raw.setSoTimeout(millis);
    }

    /** Writes one message and flushes. */
    void send(PushMessage message) throws IOException {
        write(PushCodec.encode(message));
        flush();
    }

    /** Writes one encoded message and its newline; {@link #flush()} sends it. */
    void write(String line) throws IOException {
        out.write(line);
        out.write('\n');
    }

    void flush() throws IOException {
        out.flush();
    }

    /**
     * The next message, or null at end of stream.
     *
     * @param maxChars the longest line accepted
     * @throws IOException when the connection fails or a line is longer than {@code maxChars}
     * @throws IllegalArgumentException when a line is not a valid message
     */
    @Nullable
    PushMessage read(int maxChars) throws IOException {
        StringBuilder line = new StringBuilder(256);
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            if (c == '\n') {
                if (line.length() > 0 && !line.toString().isBlank()) {
                    return PushCodec.decode(line.toString());
                }
                line.setLength(0);
                continue;
            }
            if (line.length() >= maxChars) {
                throw new IOException("a line longer than " + maxChars + " characters");
            }
            line.append((char) c);
        }
    }

    /** Closes the connection at once. Idempotent. */
    @Override
    public void close() {
        try {
            raw.close();
        } catch (IOException ignored) {
            // closing a socket that already failed: nothing more to do
        }
    }

    boolean isClosed() {
        return raw.isClosed();
    }
}
