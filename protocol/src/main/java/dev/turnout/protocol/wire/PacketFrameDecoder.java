package dev.turnout.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits a byte stream into physical MySQL packets. Each emitted message is a retained slice of
 * the received bytes covering exactly one packet, header included, so that forwarding it is
 * writing the same buffer to another channel: no copy, no aggregation. A payload of 16 MiB and
 * more arrives as its physical packets; whoever needs the logical message follows
 * {@link Packets#isContinued(ByteBuf)}.
 *
 * <p>A header that declares a payload above {@link #maxPayloadLength(int) the limit} fails at once,
 * before its payload is buffered: a {@link TooLongFrameException} reaches the next handler's
 * {@code exceptionCaught}, and every byte read afterwards is discarded. The packets decoded before
 * such a header are passed on first, so that handling them may still raise the limit. The limit lets a server
 * refuse a client's huge packet during the connection phase without waiting for 16 MiB.
 *
 * <p>One instance per channel; called on that channel's event loop only.
 */
public final class PacketFrameDecoder extends ByteToMessageDecoder {

    private int maxPayloadLength = Packets.MAX_PAYLOAD;
    private boolean tooLong;

    /**
     * Sets the largest payload accepted from now on, {@link Packets#MAX_PAYLOAD} (the default)
     * for no limit. Call on the channel's event loop.
     */
    public void maxPayloadLength(int maxPayloadLength) {
        if (maxPayloadLength < 0 || maxPayloadLength > Packets.MAX_PAYLOAD) {
            throw new IllegalArgumentException(
                    "maxPayloadLength must be 0 to " + Packets.MAX_PAYLOAD + ": " + maxPayloadLength);
        }
        this.maxPayloadLength = maxPayloadLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (tooLong) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= Packets.HEADER_SIZE) {
            int payloadLength = in.getUnsignedMediumLE(in.readerIndex());
            if (payloadLength > maxPayloadLength) {
                if (!out.isEmpty()) {
                    // The packets before it are handled first: they may change the limit (a login
                    // lifts it) or end this decoder's job (after an SSLRequest, TLS bytes follow).
                    return;
                }
                tooLong = true;
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException(
                        "a packet of " + payloadLength + " bytes exceeds the limit of " + maxPayloadLength);
            }
            int frameLength = Packets.HEADER_SIZE + payloadLength;
            if (in.readableBytes() < frameLength) {
                return;
            }
            out.add(in.readRetainedSlice(frameLength));
        }
    }
}
