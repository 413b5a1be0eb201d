package dev.turnout.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class FailingLeakDetectorTest {

    @Test
    void reportsABufferThatWasNeverReleased() throws InterruptedException {
        leakOneBuffer();
        // The extension of this very class would fail on this leak: take it out of its way.
        assertThat(LeakCheckExtension.collect())
                .anySatisfy(leak -> assertThat(leak).startsWith("LEAK: ByteBuf"));
    }

    @Test
    void reportsNothingWhenEveryBufferIsReleased() throws InterruptedException {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.buffer(16);
        buf.writeLong(42);
        buf.release();
        assertThat(LeakCheckExtension.collect()).isEmpty();
    }

    private static void leakOneBuffer() {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.buffer(16);
        buf.writeLong(1);
    }
}
