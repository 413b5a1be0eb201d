package dev.turnout.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketFrameDecoderLimitTest {

    @Test
    void refusesAHeaderAboveTheLimitBeforeItsPayloadArrives() {
        PacketFrameDecoder decoder = new PacketFrameDecoder();
        decoder.maxPayloadLength(1024);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);

        assertThatThrownBy(() -> channel.writeInbound(
                        Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 0})))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessageContaining("16777215");
        // Whatever follows is discarded, not buffered and not decoded.
        assertThat(channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0, 9})))
                .isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void passesPacketsUpToTheLimitAndAnySizeOnceLifted() {
        PacketFrameDecoder decoder = new PacketFrameDecoder();
        decoder.maxPayloadLength(2);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);

        assertThat(channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {2, 0, 0, 0, 7, 8})))
                .isTrue();
        ByteBuf small = channel.readInbound();
        assertThat(Packets.payloadLength(small)).isEqualTo(2);
        small.release();

        decoder.maxPayloadLength(Packets.MAX_PAYLOAD);
        assertThat(channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, 0, 0, 1, 7, 8, 9})))
                .isTrue();
        ByteBuf larger = channel.readInbound();
        assertThat(Packets.payloadLength(larger)).isEqualTo(3);
        larger.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void handsOnThePacketsBeforeAnOversizedHeaderSoThatTheyMayLiftTheLimit() {
        PacketFrameDecoder decoder = new PacketFrameDecoder();
        decoder.maxPayloadLength(2);
        List<Integer> lengths = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf frame = (ByteBuf) msg;
                lengths.add(Packets.payloadLength(frame));
                frame.release();
                decoder.maxPayloadLength(Packets.MAX_PAYLOAD); // as a successful login does
            }
        });

        // A small packet and, in the same read, one above the limit that is in force when it arrives.
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 1, 7, 3, 0, 0, 0, 7, 8, 9}));

        assertThat(lengths).containsExactly(1, 3);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void rejectsALimitOutsideThePacketRange() {
        PacketFrameDecoder decoder = new PacketFrameDecoder();
        assertThatThrownBy(() -> decoder.maxPayloadLength(Packets.MAX_PAYLOAD + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> decoder.maxPayloadLength(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
