package dev.turnout.connector.session;

import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * {@code KILL} of connector sessions: a KILL (statement or {@code COM_PROCESS_KILL}) that names a
 * connector session's id is rewritten to name the server thread of that session's primary
 * connection; one that names an id no session has is answered here (error 1094), so it can never
 * hit an unrelated server thread; one that names a session that let its connections go while idle
 * is answered here too (KILL QUERY has nothing to stop, KILL ends that session).
 *
 * <p>Confined to the session's event loop; the registry it reads is thread-safe.
 */
final class KillTranslator {

    private final SessionRegistry registry;
    private final ClientConnection client;
    private final SessionState state;

    KillTranslator(SessionRegistry registry, ClientConnection client, SessionState state) {
        this.registry = registry;
        this.client = client;
        this.state = state;
    }

    /** The frame to forward in place of {@code frame} (it may be the same), or null when it was answered here. */
    @Nullable
    ByteBuf translate(ByteBuf frame, int command) {
        int from = Packets.payloadIndex(frame) + 1;
        int to = Packets.payloadIndex(frame) + Packets.payloadLength(frame);
        KillStatement kill;
        if (command == Command.COM_PROCESS_KILL) {
            kill = to - from == 4 ? new KillStatement(frame.getUnsignedIntLE(from), false) : null;
        } else {
            kill = KillStatement.parse(frame, from, to);
        }
        if (kill == null || kill.id() < SessionServices.FIRST_CONNECTION_ID) {
            return frame;
        }
        Session idle = registry.released(kill.id());
        if (idle != null) {
            frame.release();
            if (!kill.queryOnly()) {
                idle.eventLoop().execute(idle::killedWhileReleased);
            }
            client.answerOk(1, state.primaryStatus());
            client.flush();
            return null;
        }
        Long serverThread = registry.serverThread(kill.id());
        if (serverThread == null) {
            frame.release();
            client.answerError(1, ConnectorErrors.unknownThread(kill.id()));
            client.flush();
            return null;
        }
        if (command == Command.COM_PROCESS_KILL) {
            frame.setIntLE(from, serverThread.intValue());
            return frame;
        }
        byte[] sql = kill.rewrite(serverThread);
        frame.release();
        ByteBuf rewritten = client.alloc().buffer(Packets.HEADER_SIZE + 1 + sql.length);
        Packets.writeHeader(rewritten, 1 + sql.length, 0);
        rewritten.writeByte(Command.COM_QUERY).writeBytes(sql);
        return rewritten;
    }
}
