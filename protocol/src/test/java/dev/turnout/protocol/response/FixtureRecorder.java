package dev.turnout.protocol.response;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A recording TCP relay between a client and a real server, for re-recording the fixtures under
 * {@code src/test/resources/response}; not a test. It forwards every byte, except that it may clear
 * capability flags in the server's greeting (always {@code CLIENT_SSL}, so the traffic stays
 * readable; optionally {@code CLIENT_DEPRECATE_EOF} and others, to record the same scenario in
 * both dialects). From the end of the connection phase on it writes each packet as one line of a
 * {@link Fixture}, with the step the tracker must return derived from the order of the traffic: the
 * last server packet before a client command ends a response. The client must not pipeline.
 */
final class FixtureRecorder implements AutoCloseable {

    private final ServerSocket listener;
    private final int serverPort;
    private volatile long clearedCapabilities;
    private volatile Recording current;

    FixtureRecorder(int serverPort) throws IOException {
        this.serverPort = serverPort;
        this.listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "fixture-recorder-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The next connection is recorded to {@code file}, with these server capabilities cleared. */
    void recordNext(Path file, String title, long cleared) {
        this.clearedCapabilities = cleared | Capabilities.CLIENT_SSL;
        this.current = new Recording(file, title);
    }

    /** Waits until the recorded connection closed and its file is written. */
    void awaitWritten() throws InterruptedException {
        Recording recording = current;
        if (!recording.written.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("connection to record did not close: " + recording.file);
        }
        current = null;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                Recording recording = current;
                Connection connection = new Connection(client, server, recording, clearedCapabilities);
                connection.start();
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private record Packet(boolean fromClient, byte[] bytes) {
        int first() {
            return bytes.length > 4 ? bytes[4] & 0xFF : -1;
        }

        int payloadLength() {
            return bytes.length - 4;
        }

        boolean continued() {
            return payloadLength() == 0xFFFFFF;
        }
    }

    private static final class Recording {
        final Path file;
        final String title;
        final List<Packet> packets = new ArrayList<>();
        final CountDownLatch written = new CountDownLatch(1);
        long serverCapabilities;
        long capabilities;
        boolean commandPhase;

        Recording(Path file, String title) {
            this.file = file;
            this.title = title;
        }
    }

    private static final class Connection {
        private final Socket client;
        private final Socket server;
        private final Recording recording;
        private final long cleared;
        private final CountDownLatch done = new CountDownLatch(2);

        Connection(Socket client, Socket server, Recording recording, long cleared) {
            this.client = client;
            this.server = server;
            this.recording = recording;
            this.cleared = cleared;
        }

        void start() {
            thread(() -> pump(false), "s2c").start();
            thread(() -> pump(true), "c2s").start();
            thread(
                            () -> {
                                try {
                                    done.await();
                                    if (recording != null) {
                                        write(recording);
                                        recording.written.countDown();
                                    }
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            },
                            "writer")
                    .start();
        }

        private static Thread thread(Runnable body, String name) {
            Thread t = new Thread(body, "fixture-recorder-" + name);
            t.setDaemon(true);
            return t;
        }

        private void pump(boolean fromClient) {
            try (InputStream in = (fromClient ? client : server).getInputStream()) {
                OutputStream out = (fromClient ? server : client).getOutputStream();
                ByteArrayOutputStream pending = new ByteArrayOutputStream();
                byte[] chunk = new byte[65536];
                int n;
                while ((n = in.read(chunk)) > 0) {
                    pending.write(chunk, 0, n);
                    byte[] all = pending.toByteArray();
                    int offset = 0;
                    while (all.length - offset >= 4) {
                        int length =
                                (all[offset] & 0xFF) | (all[offset + 1] & 0xFF) << 8 | (all[offset + 2] & 0xFF) << 16;
                        if (all.length - offset < 4 + length) {
                            break;
                        }
                        byte[] packet = java.util.Arrays.copyOfRange(all, offset, offset + 4 + length);
                        offset += 4 + length;
                        synchronized (recording == null ? this : recording) {
                            onPacket(fromClient, packet);
                        }
                        out.write(packet);
                    }
                    pending.reset();
                    pending.write(all, offset, all.length - offset);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: close both
            } finally {
                closeQuietly(client);
                closeQuietly(server);
                done.countDown();
            }
        }

        private void onPacket(boolean fromClient, byte[] packet) {
            if (recording == null) {
                return;
            }
            if (recording.commandPhase) {
                recording.packets.add(new Packet(fromClient, packet));
                return;
            }
            int first = packet.length > 4 ? packet[4] & 0xFF : -1;
            if (!fromClient && first == 0x0A && recording.serverCapabilities == 0) {
                clearGreetingCapabilities(packet);
            } else if (fromClient && recording.capabilities == 0 && packet.length > 36) {
                long caps = readInt4(packet, 4);
                if ((caps & Capabilities.CLIENT_MYSQL) == 0) {
                    caps |= readInt4(packet, 4 + 28) << 32;
                }
                recording.capabilities = caps & recording.serverCapabilities;
            } else if (!fromClient && first == 0x00) {
                recording.commandPhase = true;
            }
        }

        /** Clears capability flags in a HandshakeV10 greeting, in place. */
        private void clearGreetingCapabilities(byte[] packet) {
            int index = 5;
            while (packet[index] != 0) {
                index++;
            }
            index += 1 + 4 + 8 + 1;
            int low = index;
            int high = index + 5;
            int extended = index + 14;
            long caps = (packet[low] & 0xFF)
                    | (packet[low + 1] & 0xFF) << 8
                    | (long) ((packet[high] & 0xFF) | (packet[high + 1] & 0xFF) << 8) << 16;
            boolean mariaDb = (caps & Capabilities.CLIENT_MYSQL) == 0;
            if (mariaDb) {
                caps |= readInt4(packet, extended) << 32;
            }
            caps &= ~cleared;
            packet[low] = (byte) caps;
            packet[low + 1] = (byte) (caps >> 8);
            packet[high] = (byte) (caps >> 16);
            packet[high + 1] = (byte) (caps >> 24);
            if (mariaDb) {
                for (int i = 0; i < 4; i++) {
                    packet[extended + i] = (byte) (caps >> (32 + 8 * i));
                }
            }
            recording.serverCapabilities = caps;
        }

        private static long readInt4(byte[] b, int i) {
            return (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24;
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    // ---- writing a fixture

    private static void write(Recording recording) throws IOException {
        List<Packet> packets = recording.packets;
        String[] steps = steps(packets);
        StringBuilder out = new StringBuilder();
        out.append("# ").append(recording.title).append('\n');
        out.append(
                "# Recorded from MariaDB 11.4.5 through FixtureRecorder; steps derived from the order of the traffic.\n");
        out.append("# capabilities: 0x")
                .append(Long.toHexString(recording.capabilities))
                .append('\n');
        ResponseTracker tracker = new ResponseTracker(recording.capabilities);
        for (int i = 0; i < packets.size(); i++) {
            Packet p = packets.get(i);
            ByteBuf frame = Unpooled.wrappedBuffer(p.bytes);
            String name = name(tracker, recording.capabilities, p);
            String actual = p.fromClient
                    ? tracker.onClientPacket(frame).name()
                    : tracker.onServerPacket(frame).name();
            out.append(p.fromClient ? "C> " : "S> ")
                    .append(Fixture.encode(p.bytes))
                    .append(' ')
                    .append(steps[i])
                    .append("  # ")
                    .append(name);
            if (!actual.equals(steps[i])) {
                out.append(" [tracker said ").append(actual).append(']');
            }
            out.append('\n');
        }
        Files.createDirectories(recording.file.getParent());
        Files.writeString(recording.file, out.toString(), StandardCharsets.US_ASCII);
    }

    /** The step of every packet, from the order of the traffic alone (see the class comment). */
    private static String[] steps(List<Packet> packets) {
        String[] steps = new String[packets.size()];
        boolean expectCommand = true;
        boolean clientContinued = false;
        boolean serverContinued = false;
        boolean noResponse = false;
        boolean infile = false;
        int command = -1;
        for (int i = 0; i < packets.size(); i++) {
            Packet p = packets.get(i);
            if (p.fromClient) {
                if (clientContinued) {
                    clientContinued = p.continued();
                    if (!clientContinued && expectCommand) {
                        steps[i] = "COMMAND_COMPLETE_NO_RESPONSE";
                    } else {
                        steps[i] = "CONTINUATION";
                    }
                } else if (expectCommand) {
                    command = p.first();
                    noResponse = command == Command.COM_STMT_CLOSE
                            || command == Command.COM_STMT_SEND_LONG_DATA
                            || command == Command.COM_QUIT;
                    clientContinued = p.continued();
                    steps[i] = noResponse && !clientContinued ? "COMMAND_COMPLETE_NO_RESPONSE" : "COMMAND_STARTED";
                    expectCommand = noResponse;
                } else if (infile && p.payloadLength() == 0) {
                    steps[i] = "LOCAL_INFILE_END";
                    infile = false;
                } else {
                    steps[i] = "CONTINUATION";
                    clientContinued = p.continued();
                }
                continue;
            }
            if (serverContinued) {
                serverContinued = p.continued();
                steps[i] = "IN_PROGRESS";
                continue;
            }
            serverContinued = p.continued();
            Packet next = i + 1 < packets.size() ? packets.get(i + 1) : null;
            if (next == null) {
                steps[i] = "COMPLETE";
            } else if (!next.fromClient) {
                steps[i] = "IN_PROGRESS";
            } else if (p.first() == 0xFB && (command == Command.COM_QUERY || command == Command.COM_STMT_EXECUTE)) {
                steps[i] = "AWAITING_CLIENT";
                infile = true;
            } else if (command == Command.COM_CHANGE_USER && (p.first() == 0xFE || p.first() == 0x01)) {
                steps[i] = "AWAITING_CLIENT";
            } else {
                steps[i] = "COMPLETE";
                expectCommand = true;
            }
        }
        return steps;
    }

    /** A name for the comment, from the tracker's state before the packet and the packet's bytes. */
    private static String name(ResponseTracker tracker, long capabilities, Packet p) {
        int first = p.first();
        ResponseTracker.State state = tracker.state();
        if (p.fromClient) {
            if (state != ResponseTracker.State.IDLE) {
                return switch (state) {
                    case LOCAL_INFILE_DATA ->
                        p.payloadLength() == 0 ? "empty packet: end of file" : "LOCAL INFILE data " + preview(p, 0);
                    case CHANGE_USER_AUTH -> "auth answer (" + p.payloadLength() + " bytes)";
                    default -> "continuation of a packet over 16 MiB (" + p.payloadLength() + " bytes)";
                };
            }
            String name = Command.name(first);
            if (first == Command.COM_QUERY
                    || first == Command.COM_STMT_PREPARE
                    || first == Command.COM_INIT_DB
                    || first == Command.COM_FIELD_LIST) {
                name += " " + preview(p, 1);
            }
            return p.continued() ? name + " (continued)" : name;
        }
        String status = switch (first) {
            case 0x00 -> "OK";
            case 0xFF ->
                p.payloadLength() >= 3 && ((p.bytes[5] & 0xFF) | (p.bytes[6] & 0xFF) << 8) == 0xFFFF
                        ? "progress report"
                        : "ERR " + ((p.bytes[5] & 0xFF) | (p.bytes[6] & 0xFF) << 8) + " " + preview(p, 9);
            case 0xFE -> p.payloadLength() < 9 ? "EOF" : "OK (0xFE header)";
            default -> null;
        };
        return switch (state) {
            case SERVER_CONTINUATION -> "continuation of a row over 16 MiB (" + p.payloadLength() + " bytes)";
            case RESULT_HEAD ->
                first == 0xFB ? "LOCAL INFILE request " + preview(p, 1) : status != null ? status : "column count";
            case COLUMN_DEFINITIONS, PREPARE_COLUMNS ->
                status != null && first == 0xFF ? status : "column definition " + preview(p, 0);
            case PREPARE_PARAMETERS -> "parameter definition";
            case ROWS -> {
                boolean deprecate = Capabilities.has(capabilities, Capabilities.CLIENT_DEPRECATE_EOF);
                boolean terminator = first == 0xFE && p.payloadLength() < (deprecate ? 0xFFFFFF : 9);
                yield terminator
                        ? (deprecate ? "OK (0xFE header) ending the result set" : "EOF ending the result set")
                        : first == 0xFF ? status : (p.continued() ? "row (continued) " : "row ") + preview(p, 0);
            }
            case PREPARE_HEAD -> first == 0x00 ? "PREPARE_OK" : status;
            case STATISTICS -> "statistics " + preview(p, 0);
            case FIELD_LIST -> status != null ? status : "column definition " + preview(p, 0);
            case CHANGE_USER_RESPONSE, CHANGE_USER_AUTH ->
                switch (first) {
                    case 0xFE -> "AuthSwitchRequest " + preview(p, 1);
                    case 0x01 -> "AuthMoreData";
                    default -> status;
                };
            default -> status != null ? status : "packet 0x" + Integer.toHexString(first);
        };
    }

    /** Printable ASCII of the payload from {@code from}, non-printables as dots, at most 60 characters. */
    private static String preview(Packet p, int from) {
        StringBuilder s = new StringBuilder();
        for (int i = 4 + from; i < p.bytes.length && s.length() < 60; i++) {
            int c = p.bytes[i] & 0xFF;
            s.append(c >= 0x20 && c < 0x7F && c != '#' ? (char) c : '.');
        }
        if (4 + from + 60 < p.bytes.length) {
            s.append("...");
        }
        return s.toString().replaceAll("\\.{4,}", "...");
    }
}
