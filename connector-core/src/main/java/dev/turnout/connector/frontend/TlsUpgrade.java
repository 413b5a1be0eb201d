package dev.turnout.connector.frontend;

import dev.turnout.protocol.wire.PacketFrameDecoder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * The client connection's upgrade to TLS after its SSLRequest: the TLS handler goes first in the
 * pipeline, a new frame decoder behind it, and the bytes the old decoder still held (the client's
 * ClientHello, sent right behind the SSLRequest) are fed again from the head of the pipeline.
 *
 * <p>Confined to the session's event loop.
 */
final class TlsUpgrade {

    private final ChannelHandlerContext ctx;
    /** Set while the frame decoder is replaced (see {@link #start}). */
    private boolean handover;

    TlsUpgrade(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Puts TLS in front of the connection; packets after it may be {@code maxPayloadLength} long. */
    void start(SslContext sslContext, int maxPayloadLength) {
        SslHandler sslHandler = sslContext.newHandler(ctx.alloc());
        ctx.pipeline().addFirst("tls", sslHandler);
        // The old decoder hands its leftover bytes to us on removal, and we feed them again from the
        // head of the pipeline (ChannelPipeline.replace would hand them to the new decoder,
        // bypassing the SslHandler).
        PacketFrameDecoder frames = new PacketFrameDecoder();
        frames.maxPayloadLength(maxPayloadLength);
        ctx.pipeline().addAfter("tls", "tls-frames", frames);
        handover = true;
        try {
            ctx.pipeline().remove("frames");
        } finally {
            handover = false;
        }
    }

    /**
     * Raw bytes that the replaced frame decoder still held: they belong to the TLS layer, and are fed
     * again from the head of the pipeline. Returns whether {@code msg} was such.
     */
    boolean handOver(Object msg) {
        if (!handover) {
            return false;
        }
        handover = false;
        ctx.pipeline().fireChannelRead(msg);
        ctx.pipeline().fireChannelReadComplete();
        return true;
    }
}
