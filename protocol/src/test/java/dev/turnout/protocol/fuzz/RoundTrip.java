package dev.turnout.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.protocol.message.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The oracle of the record decoders: a decoder either throws {@link MalformedPacketException} or
 * returns a record that encodes to bytes decoding to an equal record; any other throwable is a
 * finding. Payloads are decoded from a buffer whose reader index is not 0, so that a decoder
 * reading absolute indexes is caught, and every buffer is released and checked released.
 */
final class RoundTrip {

    private RoundTrip() {}

    /** Checks the oracle for {@code payload}; returns the decoded record, or null if it was malformed. */
    static <T> T check(byte[] payload, Function<ByteBuf, T> decoder, BiConsumer<T, ByteBuf> encoder) {
        T first;
        try {
            first = decode(payload, decoder);
        } catch (MalformedPacketException malformed) {
            return null;
        }
        assertThat(first).as("a decoder returns a record or throws").isNotNull();
        byte[] encoded = encode(first, encoder);
        T second = decode(encoded, decoder);
        assertThat(second).as("re-decoding the re-encoded %s", first).isEqualTo(first);
        return first;
    }

    /** Decodes {@code payload} from a buffer that starts one byte into its array, then releases it. */
    static <T> T decode(byte[] payload, Function<ByteBuf, T> decoder) {
        byte[] shifted = new byte[payload.length + 1];
        shifted[0] = (byte) 0xA5;
        System.arraycopy(payload, 0, shifted, 1, payload.length);
        ByteBuf buf = Unpooled.wrappedBuffer(shifted).skipBytes(1);
        try {
            return decoder.apply(buf);
        } finally {
            assertThat(buf.refCnt())
                    .as("a decoder neither retains nor releases its input")
                    .isEqualTo(1);
            buf.release();
        }
    }

    static <T> byte[] encode(T record, BiConsumer<T, ByteBuf> encoder) {
        ByteBuf out = Unpooled.buffer();
        try {
            encoder.accept(record, out);
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
        }
    }
}
