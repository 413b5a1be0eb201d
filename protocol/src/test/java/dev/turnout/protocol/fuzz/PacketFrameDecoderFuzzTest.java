package dev.turnout.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.turnout.protocol.wire.PacketFrameDecoder;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@link PacketFrameDecoder} in an {@link EmbeddedChannel}, fed arbitrary bytes in arbitrary
 * chunks: it emits exactly the whole packets of the input, in order, up to the first incomplete
 * packet or the first header above the limit (which fails with {@link TooLongFrameException} once,
 * after which every byte is discarded); the frames' concatenation is that prefix of the input, and
 * every buffer, written or emitted, ends released.
 *
 * <p>Input: a limit byte (0xFF for no limit, otherwise the largest payload length), a chunking
 * byte (the seed of the chunk sizes, from 1 to its low six bits plus one), then the byte stream.
 */
class PacketFrameDecoderFuzzTest {

    static final String MAX_DURATION = "2m";

    @FuzzTest(maxDuration = MAX_DURATION)
    void splitsAnyStreamIntoItsWholePackets(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        int limitByte = in.u8();
        int limit = limitByte == 0xFF ? Packets.MAX_PAYLOAD : limitByte;
        int chunking = in.u8();
        byte[] stream = in.rest();

        PacketFrameDecoder decoder = new PacketFrameDecoder();
        decoder.maxPayloadLength(limit);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<ByteBuf> written = new ArrayList<>();
        List<byte[]> frames = new ArrayList<>();
        int tooLong = 0;
        SplittableRandom sizes = new SplittableRandom(chunking);
        for (int offset = 0; offset < stream.length; ) {
            int size = Math.min(stream.length - offset, 1 + sizes.nextInt(1 + (chunking & 0x3F)));
            ByteBuf chunk = Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, offset, offset + size));
            written.add(chunk);
            offset += size;
            try {
                channel.writeInbound(chunk);
            } catch (TooLongFrameException expected) {
                tooLong++;
            }
            drain(channel, frames);
        }
        assertThat(channel.finishAndReleaseAll())
                .as("nothing left in the channel")
                .isFalse();
        drain(channel, frames);

        Expected expected = Expected.of(stream, limit);
        assertThat(tooLong).as("TooLongFrameException raised").isEqualTo(expected.tooLong ? 1 : 0);
        assertThat(frames).as("frame count").hasSameSizeAs(expected.frames);
        ByteArrayOutputStream concatenation = new ByteArrayOutputStream();
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i)).as("frame %d", i).isEqualTo(expected.frames.get(i));
            concatenation.writeBytes(frames.get(i));
        }
        assertThat(concatenation.toByteArray()).isEqualTo(Arrays.copyOf(stream, concatenation.size()));
        for (ByteBuf chunk : written) {
            assertThat(chunk.refCnt()).as("every written buffer is released").isZero();
        }
    }

    private static void drain(EmbeddedChannel channel, List<byte[]> frames) {
        for (ByteBuf frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
            try {
                assertThat(frame.readableBytes()).isEqualTo(Packets.HEADER_SIZE + Packets.payloadLength(frame));
                byte[] bytes = new byte[frame.readableBytes()];
                frame.getBytes(frame.readerIndex(), bytes);
                frames.add(bytes);
            } finally {
                frame.release();
            }
        }
    }

    /** What the decoder must emit, computed by walking the stream independently. */
    private record Expected(List<byte[]> frames, boolean tooLong) {

        static Expected of(byte[] stream, int limit) {
            List<byte[]> frames = new ArrayList<>();
            int position = 0;
            while (stream.length - position >= Packets.HEADER_SIZE) {
                int length = stream[position] & 0xFF
                        | (stream[position + 1] & 0xFF) << 8
                        | (stream[position + 2] & 0xFF) << 16;
                if (length > limit) {
                    return new Expected(frames, true);
                }
                int end = position + Packets.HEADER_SIZE + length;
                if (end > stream.length) {
                    break;
                }
                frames.add(Arrays.copyOfRange(stream, position, end));
                position = end;
            }
            return new Expected(frames, false);
        }
    }
}
