package dev.turnout.connector.session;

import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.OkPacket;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import java.util.function.Consumer;

/**
 * The client side of a session: the phase of the client connection, and every write towards the
 * client. One rule lives here: an ERR of the connector's own that ends the session is sent at most
 * once, and never in the middle of a response being streamed to the client (rows of a result set
 * from a server): from the first forwarded packet of a response until its last, the connector can
 * only close the connection ({@link #errorSequence}).
 *
 * <p>Confined to the session's event loop. When the session ends ({@link #close}, {@link #fail},
 * {@link #abort} or the channel going inactive) the end hook runs once, before anything is written,
 * so that the session lets its backends go at once.
 */
public final class ClientConnection {

    private final ChannelHandlerContext ctx;
    private final Runnable onEnd;
    private FrontendPhase phase = FrontendPhase.HANDSHAKE_SENT;
    private long capabilities;
    private boolean responseStarted;
    private boolean draining;

    /** @param onEnd run once when the session ends, to release what it holds */
    public ClientConnection(ChannelHandlerContext ctx, Runnable onEnd) {
        this.ctx = ctx;
        this.onEnd = onEnd;
    }

    public FrontendPhase phase() {
        return phase;
    }

    /** Moves to a phase of the connection phase or the command phase (not a terminal one: see {@link #close}). */
    public void phase(FrontendPhase next) {
        if (!phase.ended()) {
            phase = next;
        }
    }

    public boolean isCommandPhase() {
        return phase == FrontendPhase.COMMANDS;
    }

    /** The capabilities the client and the connector agreed on (0 before the handshake response). */
    public long capabilities() {
        return capabilities;
    }

    public void capabilities(long negotiated) {
        capabilities = negotiated;
    }

    public ChannelHandlerContext context() {
        return ctx;
    }

    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    /** Writes one packet that the connector makes itself; flushed by {@link #flush()}. */
    public void writePacket(int sequenceId, Consumer<ByteBuf> payloadWriter) {
        ByteBuf out = ctx.alloc().buffer();
        out.writerIndex(Packets.HEADER_SIZE);
        payloadWriter.accept(out);
        out.setMediumLE(out.readerIndex(), out.writerIndex() - Packets.HEADER_SIZE);
        out.setByte(out.readerIndex() + 3, sequenceId);
        ctx.write(out, ctx.voidPromise());
    }

    /** Answers a command with an ERR of the connector's own; the session goes on. */
    public void answerError(int sequenceId, ErrPacket error) {
        writePacket(sequenceId, error::encode);
    }

    /** Answers a command with an OK carrying {@code status}. */
    public void answerOk(int sequenceId, int status) {
        OkPacket ok = new OkPacket(0, 0, status, 0, "");
        writePacket(sequenceId, out -> ok.encode(out, capabilities));
    }

    /** Writes a packet of a server's response (ownership passes to the channel); the response has started. */
    public void forward(ByteBuf frame) {
        responseStarted = true;
        ctx.write(frame, ctx.voidPromise());
    }

    /** The response being streamed is complete: an ERR of the connector's own may be sent again. */
    public void responseComplete() {
        responseStarted = false;
    }

    public boolean responseStarted() {
        return responseStarted;
    }

    /**
     * The sequence id of an ERR that answers the client packet numbered {@code clientSequence}, or
     * -1 (no ERR, only closing) while a response is being streamed.
     */
    public int errorSequence(int clientSequence) {
        return responseStarted ? -1 : clientSequence + 1;
    }

    public void flush() {
        ctx.flush();
    }

    /** Asks for the next read batch from the client. */
    public void read() {
        ctx.read();
    }

    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    /** The connector shuts down or goes OFFLINE: the session ends at its next command boundary. */
    public void drain() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    /** Ends the session politely: what was written is flushed, then the connection is closed. */
    public void close() {
        if (phase.ended()) {
            return;
        }
        phase = FrontendPhase.CLOSING;
        onEnd.run();
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Ends the session after a failure: sends {@code error} with the given sequence id (none when
     * {@code sequenceId} is negative, e.g. in the middle of a result stream) and closes.
     */
    public void fail(int sequenceId, ErrPacket error) {
        if (phase.ended()) {
            return;
        }
        phase = FrontendPhase.FAILED;
        onEnd.run();
        if (sequenceId >= 0) {
            writePacket(sequenceId & 0xFF, error::encode);
        }
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Refuses the connection in place of the greeting, as a server does (too many connections,
     * host not allowed): {@code error} is the first packet, sequence id 0, in the form without SQL
     * state (no capabilities are agreed yet), then the connection closes.
     */
    public void refuse(ErrPacket error) {
        if (phase.ended()) {
            return;
        }
        phase = FrontendPhase.FAILED;
        onEnd.run();
        writePacket(0, out -> error.encode(out, 0));
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Ends the session after a channel error: nothing more is written. */
    public void abort() {
        if (!phase.ended()) {
            phase = FrontendPhase.FAILED;
            onEnd.run();
        }
        ctx.close();
    }

    /** The client's connection is gone. */
    public void closed() {
        if (!phase.ended()) {
            phase = FrontendPhase.CLOSING;
            onEnd.run();
        }
    }
}
