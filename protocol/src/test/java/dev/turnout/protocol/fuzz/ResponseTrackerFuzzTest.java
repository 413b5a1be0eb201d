package dev.turnout.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.response.ClientStep;
import dev.turnout.protocol.response.ResponseTracker;
import dev.turnout.protocol.response.ResponseTracker.State;
import dev.turnout.protocol.response.ServerStep;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * {@link ResponseTracker} fed an arbitrary sequence of client and server frames: it never throws,
 * never moves a frame's indexes or changes its reference count, reports {@code UNEXPECTED} exactly
 * when it enters {@link State#FAILED}, and stays there until {@link ResponseTracker#reset()}.
 *
 * <p>Input: a selector byte for the negotiated capabilities ({@link #CAPABILITIES}), then frames,
 * each a control byte (bit 0 from the client, bit 1 a physical packet of 0xFFFFFF payload bytes,
 * bits 2-3 the sequence id, bit 4 reset the tracker first), a length byte and that many payload
 * bytes. A 0xFFFFFF frame starts with the given bytes and is padded with zeros from one shared
 * array, so that 16 MiB packets cost no copy.
 */
class ResponseTrackerFuzzTest {

    static final String MAX_DURATION = "2m";

    /** The capabilities that change what the tracker expects, in selector bit order. */
    static final long[] CAPABILITIES = {
        Capabilities.CLIENT_DEPRECATE_EOF, Capabilities.CLIENT_LOCAL_FILES, Capabilities.MARIADB_CLIENT_PROGRESS,
        Capabilities.MARIADB_CLIENT_CACHE_METADATA, Capabilities.CLIENT_OPTIONAL_RESULTSET_METADATA,
                Capabilities.CLIENT_MYSQL,
    };

    private static final byte[] ZEROS = new byte[Packets.MAX_PAYLOAD];

    @FuzzTest(maxDuration = MAX_DURATION)
    void followsAnyFrameSequenceWithoutThrowing(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        ResponseTracker tracker = new ResponseTracker(FuzzInput.flags(in.u8(), CAPABILITIES));
        while (in.hasMore()) {
            int control = in.u8();
            byte[] payload = in.bytes(in.u8());
            if ((control & 0x10) != 0) {
                tracker.reset();
                assertThat(tracker.state()).isEqualTo(State.IDLE);
                assertThat(tracker.isIdle()).isTrue();
            }
            ByteBuf frame = frame(payload, (control & 0x02) != 0, control >> 2 & 3);
            try {
                feed(tracker, frame, (control & 0x01) != 0);
            } finally {
                frame.release();
            }
        }
    }

    private static void feed(ResponseTracker tracker, ByteBuf frame, boolean fromClient) {
        State before = tracker.state();
        int readerIndex = frame.readerIndex();
        int writerIndex = frame.writerIndex();
        boolean unexpected;
        if (fromClient) {
            ClientStep step = tracker.onClientPacket(frame);
            assertThat(step).isNotNull();
            unexpected = step == ClientStep.UNEXPECTED;
        } else {
            ServerStep step = tracker.onServerPacket(frame);
            assertThat(step).isNotNull();
            unexpected = step == ServerStep.UNEXPECTED;
        }
        assertThat(frame.readerIndex()).as("reader index").isEqualTo(readerIndex);
        assertThat(frame.writerIndex()).as("writer index").isEqualTo(writerIndex);
        assertThat(frame.refCnt()).as("reference count").isEqualTo(1);
        if (before == State.FAILED) {
            assertThat(tracker.state()).as("FAILED is terminal until reset").isEqualTo(State.FAILED);
            assertThat(unexpected).as("every packet is UNEXPECTED once FAILED").isTrue();
        }
        assertThat(unexpected)
                .as("UNEXPECTED exactly when the tracker fails (was %s, now %s)", before, tracker.state())
                .isEqualTo(tracker.state() == State.FAILED);
        assertThat(tracker.queuedCommands()).isBetween(0, 1 << 16);
        assertThat(tracker.isIdle()).isEqualTo(tracker.state() == State.IDLE && tracker.queuedCommands() == 0);
    }

    /**
     * One physical packet starting one byte into its buffer; a continued one (0xFFFFFF payload
     * bytes) is a composite of the given bytes and the shared zeros.
     */
    static ByteBuf frame(byte[] payload, boolean continued, int sequenceId) {
        int length = continued ? Packets.MAX_PAYLOAD : payload.length;
        byte[] head = new byte[1 + Packets.HEADER_SIZE + payload.length];
        head[0] = (byte) 0xA5;
        head[1] = (byte) length;
        head[2] = (byte) (length >> 8);
        head[3] = (byte) (length >> 16);
        head[4] = (byte) sequenceId;
        System.arraycopy(payload, 0, head, 5, payload.length);
        ByteBuf frame = continued
                ? Unpooled.wrappedBuffer(
                        Unpooled.wrappedBuffer(head), Unpooled.wrappedBuffer(ZEROS, 0, length - payload.length))
                : Unpooled.wrappedBuffer(head);
        return frame.skipBytes(1);
    }
}
