package dev.turnout.push;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * One push connection: {@link PushMessage}s as UTF-8 lines over a socket.
 *
 * <p>Threading: one reader thread calls {@link #read()}; any thread may {@link #send} (sends are
 * serialised on this object) or {@link #close()}.
 */
final class LineChannel implements Closeable {

    /** A line longer than this closes the connection: a full snapshot of a large cluster is far smaller. */
    static final int MAX_LINE_CHARS = 16 * 1024 * 1024;

    private final Socket socket;
    private final BufferedReader in;
    private final Writer out;

    LineChannel(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
    }

    /** The peer as {@code host:port}, for logs. */
    String peer() {
        return socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
    }

    /** Writes one message and flushes. */
    synchronized void send(PushMessage message) throws IOException {
        out.write(PushCodec.encode(message));
        out.write('\n');
        out.flush();
    }

    /**
     * The next message, or null at end of stream.
     *
     * @throws IOException when the connection fails or a line is longer than {@link #MAX_LINE_CHARS}
     * @throws IllegalArgumentException when a line is not a valid message
     */
    @Nullable
    PushMessage read() throws IOException {
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
            if (line.length() >= MAX_LINE_CHARS) {
                throw new IOException("push line from " + peer() + " longer than " + MAX_LINE_CHARS + " characters");
            }
            line.append((char) c);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket that already failed: nothing more to do
        }
    }
}
