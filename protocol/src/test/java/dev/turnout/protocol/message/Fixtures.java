package dev.turnout.protocol.message;

import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Loads annotated hex fixtures from {@code src/test/resources/message/}: lines {@code label: hex},
 * hex groups separated by spaces, {@code #} starting a comment line. Each value is one frame,
 * header included. Tests own the buffers they make from these bytes and release them.
 */
public final class Fixtures {

    private final String name;
    private final Map<String, byte[]> frames;

    private Fixtures(String name, Map<String, byte[]> frames) {
        this.name = name;
        this.frames = frames;
    }

    public static Fixtures load(String fileName) {
        String resource = "/message/" + fileName;
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            Map<String, byte[]> frames = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int colon = trimmed.indexOf(':');
                String label = trimmed.substring(0, colon).strip();
                byte[] frame =
                        HexFormat.of().parseHex(trimmed.substring(colon + 1).replaceAll("\\s", ""));
                if (frame.length < Packets.HEADER_SIZE
                        || (frame[0] & 0xFF | (frame[1] & 0xFF) << 8 | (frame[2] & 0xFF) << 16)
                                != frame.length - Packets.HEADER_SIZE) {
                    throw new IllegalStateException(
                            resource + ": header length of '" + label + "' does not match its payload");
                }
                if (frames.put(label, frame) != null) {
                    throw new IllegalStateException(resource + ": duplicate label " + label);
                }
            }
            return new Fixtures(fileName, frames);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole frame, header included. */
    public byte[] frame(String label) {
        byte[] frame = frames.get(label);
        if (frame == null) {
            throw new IllegalArgumentException(name + " has no packet " + label);
        }
        return frame.clone();
    }

    /** The payload, header excluded. */
    public byte[] payload(String label) {
        byte[] frame = frame(label);
        return Arrays.copyOfRange(frame, Packets.HEADER_SIZE, frame.length);
    }

    /** The scramble of a HandshakeV10 payload's two parts, read independently of the decoder under test. */
    public byte[] greetingScramble(String label) {
        byte[] p = payload(label);
        int afterVersion = indexOf(p, 1) + 1;
        byte[] seed = new byte[20];
        System.arraycopy(p, afterVersion + 4, seed, 0, 8);
        System.arraycopy(p, afterVersion + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10, seed, 8, 12);
        return seed;
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        throw new IllegalStateException("no NUL");
    }

    /** Decodes {@code payload} from a heap buffer and releases it. */
    public static <T> T decode(byte[] payload, Function<ByteBuf, T> decoder) {
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        try {
            return decoder.apply(buf);
        } finally {
            buf.release();
        }
    }

    /** Decodes {@code payload} from a composite buffer of one-byte components, and releases it. */
    public static <T> T decodeByteByByte(byte[] payload, Function<ByteBuf, T> decoder) {
        CompositeByteBuf buf = Unpooled.compositeBuffer(Math.max(2, payload.length));
        try {
            for (byte b : payload) {
                buf.addComponent(true, Unpooled.wrappedBuffer(new byte[] {b}));
            }
            return decoder.apply(buf);
        } finally {
            buf.release();
        }
    }

    /** Encodes with {@code encoder} into a fresh buffer and returns the bytes written; releases the buffer. */
    public static byte[] encode(java.util.function.Consumer<ByteBuf> encoder) {
        ByteBuf buf = Unpooled.buffer();
        try {
            encoder.accept(buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }
}
