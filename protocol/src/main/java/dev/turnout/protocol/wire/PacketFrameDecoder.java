package dev.turnout.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into physical MySQL packets. Each emitted message is a retained slice of
 * the received bytes covering exactly one packet, header included, so that forwarding it is
 * writing the same buffer to another channel: no copy, no aggregation. A payload of 16 MiB and
 * more arrives as its physical packets; whoever needs the logical message follows
 * {@link Packets#isContinued(ByteBuf)}.
 *
 * <p>One instance per channel; called on that channel's event loop only.
 */
public final class PacketFrameDecoder extends ByteToMessageDecoder {

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= Packets.HEADER_SIZE) {
            int frameLength = Packets.HEADER_SIZE + in.getUnsignedMediumLE(in.readerIndex());
            if (in.readableBytes() < frameLength) {
                return;
            }
            out.add(in.readRetainedSlice(frameLength));
        }
    }
}
