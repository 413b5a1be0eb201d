package dev.turnout.connector;

import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The whole pipeline of a client connection beyond {@code connector-max-connections}: answers 1040
 * "Too many connections" in place of the greeting, as a server beyond {@code max_connections}
 * does (an ERR with sequence id 0 and, as MariaDB writes it, the SQL state 08004), and closes
 * it. Nothing is read and no session is made.
 */
@ChannelHandler.Sharable
final class ConnectionRefusal extends ChannelInboundHandlerAdapter {

    static final ConnectionRefusal INSTANCE = new ConnectionRefusal();

    private static final ErrPacket ERROR = ConnectorErrors.tooManyConnections();

    private ConnectionRefusal() {}

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ByteBuf frame = ctx.alloc().buffer(64);
        int start = frame.writerIndex();
        frame.writeZero(Packets.HEADER_SIZE);
        ERROR.encode(frame); // with '#08004', as MariaDB sends it before the greeting too
        int length = frame.writerIndex() - start - Packets.HEADER_SIZE;
        frame.setMediumLE(start, length);
        frame.setByte(start + 3, 0);
        ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // the client went away first: nothing to tell
    }
}
