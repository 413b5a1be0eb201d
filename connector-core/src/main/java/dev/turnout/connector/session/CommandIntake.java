package dev.turnout.connector.session;

import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.response.ResponseTracker;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * The first look at each client frame of the command phase: the logical packet's size against
 * {@code connector-max-allowed-packet}, whether it continues the command in flight (the next
 * physical packet of one of 16 MiB and more, or the file of a LOCAL INFILE), the sequence id a new
 * command must start with, and COM_QUIT.
 *
 * <p>Confined to the session's event loop.
 */
final class CommandIntake {

    /** What a client frame is. */
    enum Kind {
        /** The first packet of a new command. */
        COMMAND,
        /** More of the command in flight: it goes to the same backend. */
        CONTINUATION,
        QUIT,
        /** The logical packet is larger than connector-max-allowed-packet. */
        TOO_LARGE,
        /** A new command that does not start with sequence id 0. */
        OUT_OF_ORDER
    }

    private final long maxAllowedPacket;
    /** The previous client packet had the maximum length, so this one continues it. */
    private boolean continues;

    private long logicalPacketBytes;
    private int lastSequence;
    private int frames;

    CommandIntake(long maxAllowedPacket) {
        this.maxAllowedPacket = maxAllowedPacket;
    }

    /** Looks at a client frame; {@code current} is the backend the client's last command went to. */
    Kind accept(ByteBuf frame, @Nullable SessionBackend current) {
        int payloadLength = Packets.payloadLength(frame);
        boolean continuation = continues;
        continues = payloadLength == Packets.MAX_PAYLOAD;
        logicalPacketBytes = continuation ? logicalPacketBytes + payloadLength : payloadLength;
        lastSequence = Packets.sequenceId(frame);
        if (logicalPacketBytes > maxAllowedPacket) {
            return Kind.TOO_LARGE;
        }
        frames++;
        if (continuation
                || current != null
                        && current.tracker != null
                        && current.tracker.state() == ResponseTracker.State.LOCAL_INFILE_DATA) {
            return Kind.CONTINUATION; // more of the packet, or the file the server asked for
        }
        if (lastSequence != 0) {
            return Kind.OUT_OF_ORDER;
        }
        return Packets.firstByte(frame) == Command.COM_QUIT ? Kind.QUIT : Kind.COMMAND;
    }

    /** A new command phase (after a login): no packet continues. */
    void reset() {
        continues = false;
    }

    /** The sequence id of the last client packet. */
    int lastSequence() {
        return lastSequence;
    }

    /** Client frames taken in so far (for idle detection). */
    int frames() {
        return frames;
    }
}
