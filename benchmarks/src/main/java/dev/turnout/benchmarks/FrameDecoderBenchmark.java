package dev.turnout.benchmarks;

import dev.turnout.protocol.wire.PacketFrameDecoder;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of {@link PacketFrameDecoder} cutting one MySQL packet out of the received bytes, for
 * payloads from 16 B to 1 MiB. The packet lives once in a pooled direct buffer; each operation
 * hands the decoder a retained duplicate of it (a recycled object, like the buffer a socket read
 * hands over), takes the emitted frame out of the channel and releases it.
 *
 * <p>The decoder runs in an {@link EmbeddedChannel} pipeline, but the benchmark calls
 * {@link ChannelPipeline#fireChannelRead(Object)} and {@link EmbeddedChannel#readInbound()} rather
 * than {@code writeInbound(Object...)}: the latter allocates its varargs array and runs the pending
 * tasks and the exception check on every call, none of which the decoder does on a real event
 * loop. What remains of the channel is the pipeline's context hop and an {@code ArrayDeque} offer
 * and poll, which allocate nothing once the deque has grown. Leak detection is disabled in the
 * fork: at Netty's default level it wraps a sampled buffer in a leak-aware one, whose slices are
 * fresh objects.
 *
 * <ul>
 * <li>{@link #wholePacket()}: the packet arrives in one read. The frame is a slice of it: the cost
 * must not depend on the payload size, and the steady state allocates nothing.
 * <li>{@link #inSocketReads()}: the packet arrives in reads of at most 64 KiB (the largest read
 * Netty's adaptive receive allocator makes), as a big packet does from a socket. The decoder's
 * cumulator then copies the reads into one pooled buffer, growing it, before it cuts the frame:
 * that copy is the price of the "one frame = one contiguous slice" design for big packets.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class FrameDecoderBenchmark {

    /** The largest read a Netty channel makes by default ({@code AdaptiveRecvByteBufAllocator}). */
    private static final int READ_SIZE = 64 * 1024;

    /** The payload length in bytes. */
    @Param({"16", "256", "4096", "65536", "1048576"})
    public int payloadSize;

    private ByteBuf packet;
    private EmbeddedChannel channel;
    private ChannelPipeline pipeline;

    @Setup
    public void setUp() {
        packet = PooledByteBufAllocator.DEFAULT.directBuffer(Packets.HEADER_SIZE + payloadSize);
        Packets.writeHeader(packet, payloadSize, 0);
        for (int i = 0; i < payloadSize; i++) {
            packet.writeByte('a' + i % 26);
        }
        channel = new EmbeddedChannel(new PacketFrameDecoder());
        pipeline = channel.pipeline();
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        packet.release();
    }

    /** One read holding exactly the packet; returns the emitted frame's length. */
    @Benchmark
    public int wholePacket() {
        pipeline.fireChannelRead(packet.retainedDuplicate());
        return releaseFrame();
    }

    /** The packet in reads of at most 64 KiB; returns the emitted frame's length. */
    @Benchmark
    public int inSocketReads() {
        int length = packet.readableBytes();
        for (int from = 0; from < length; from += READ_SIZE) {
            pipeline.fireChannelRead(packet.retainedSlice(from, Math.min(READ_SIZE, length - from)));
        }
        return releaseFrame();
    }

    private int releaseFrame() {
        ByteBuf frame = channel.readInbound();
        int length = frame.readableBytes();
        frame.release();
        return length;
    }
}
