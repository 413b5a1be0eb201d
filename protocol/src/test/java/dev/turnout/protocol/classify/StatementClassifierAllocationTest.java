package dev.turnout.protocol.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The classifier's promise to the event loop: no allocation per statement. */
class StatementClassifierAllocationTest {

    /**
     * Without leak-detection wrappers: at the paranoid level every {@code getByte} of a tracked buffer
     * records a stack trace, which is the detector's allocation, not the classifier's.
     */
    private static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(true, true);

    private final List<ByteBuf> buffers = new ArrayList<>();

    @AfterEach
    void releaseBuffers() {
        buffers.forEach(ByteBuf::release);
    }

    @Test
    void classifiesTenThousandStatementsFromDirectBuffersWithoutAllocating() {
        List<Corpus.Row> rows = Corpus.rows();
        ByteBuf[] statements = new ByteBuf[rows.size()];
        for (int i = 0; i < statements.length; i++) {
            byte[] sql = rows.get(i).sql().getBytes(StandardCharsets.UTF_8);
            statements[i] = UNTRACKED
                    .directBuffer(sql.length + 8)
                    .writeZero(4)
                    .writeBytes(sql)
                    .writeZero(4);
            buffers.add(statements[i]);
        }
        Classification out = new Classification();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long threadId = Thread.currentThread().getId();

        long checksum = classifyAll(statements, out, 50_000); // warm up: compile the hot path
        long before = threads.getThreadAllocatedBytes(threadId);
        checksum += classifyAll(statements, out, 10_000);
        long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertThat(checksum).isPositive();
        assertThat(allocated)
                .as("bytes allocated while classifying 10,000 statements")
                .isLessThanOrEqualTo(64);
    }

    private static long classifyAll(ByteBuf[] statements, Classification out, int count) {
        long checksum = 0;
        for (int i = 0; i < count; i++) {
            ByteBuf buf = statements[i % statements.length];
            StatementClassifier.classify(buf, 4, buf.writerIndex() - 4, out);
            checksum += out.type().ordinal() + out.flags() + out.hint().ordinal();
        }
        return checksum;
    }
}
