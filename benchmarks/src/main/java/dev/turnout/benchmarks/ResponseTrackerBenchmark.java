package dev.turnout.benchmarks;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.response.ResponseTracker;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-packet cost of following a response: a point select's exchange (COM_QUERY, column
 * count, one column definition, one row, the terminating OK) through {@link ResponseTracker}.
 * Run with {@code -prof gc} to see that it allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResponseTrackerBenchmark {

    private final ResponseTracker tracker = new ResponseTracker(
            Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_MULTI_RESULTS);
    private ByteBuf query;
    private ByteBuf columnCount;
    private ByteBuf column;
    private ByteBuf row;
    private ByteBuf ok;

    @Setup
    public void setUp() {
        query = packet(0, Command.COM_QUERY, 's', 'e', 'l', 'e', 'c', 't', ' ', '1');
        columnCount = packet(1, 1);
        column = packet(2, 3, 'd', 'e', 'f', 0, 0, 0, 1, '1', 0, 0x0C, 0x3F, 0, 1, 0, 0, 0, 8, 0x81, 0, 0, 0, 0);
        row = packet(3, 1, '1');
        ok = packet(4, 0xFE, 0, 0, 2, 0, 0, 0);
    }

    @TearDown
    public void tearDown() {
        query.release();
        columnCount.release();
        column.release();
        row.release();
        ok.release();
    }

    @Benchmark
    public boolean pointSelectExchange() {
        tracker.onClientPacket(query);
        tracker.onServerPacket(columnCount);
        tracker.onServerPacket(column);
        tracker.onServerPacket(row);
        tracker.onServerPacket(ok);
        return tracker.isIdle();
    }

    private static ByteBuf packet(int sequenceId, int... payload) {
        ByteBuf buf = Unpooled.directBuffer(Packets.HEADER_SIZE + payload.length);
        Packets.writeHeader(buf, payload.length, sequenceId);
        for (int b : payload) {
            buf.writeByte(b);
        }
        return buf;
    }
}
