package dev.turnout.connector.session;

import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.protocol.classify.Classification;
import dev.turnout.protocol.classify.KillStatements;
import dev.turnout.protocol.classify.StatementFlag;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code KILL} of connector sessions, wherever it appears: {@code COM_PROCESS_KILL}, a KILL
 * statement, every KILL of a multi-statement ({@link KillStatements} finds them; classified
 * {@link StatementFlag#KILL}, so that other statements cost nothing here). A KILL that names a
 * connector session's id gets the id of that session's server thread in its place: for
 * {@code KILL [CONNECTION]} its primary connection; for {@code KILL QUERY} the connection its
 * commands go to now, which may be a replica — a single {@code KILL QUERY} of a statement running on
 * a replica is then sent to that replica, on the killer's own connection to it
 * ({@link #replica()}). Ids below {@link SessionServices#FIRST_CONNECTION_ID} are the server's own
 * and pass unchanged. Every KILL of a multi-statement names the session's primary thread, even a
 * {@code KILL QUERY} of a read running on a replica: the multi-statement runs on one server, and a
 * replica's thread id there would be another server's thread (such a read is not stopped; send the
 * {@code KILL QUERY} alone to stop it).
 *
 * <p>A single KILL that names an id no session has is answered here (error 1094), so it can never
 * hit an unrelated server thread; one that names a session that let its connections go while idle is
 * answered here too (KILL QUERY has nothing to stop, KILL ends that session). In a multi-statement
 * the server must answer in order: such a KILL becomes {@code KILL 0} (the server's own 1094, for
 * thread 0) or {@code DO 0}.
 *
 * <p>Use: {@link #plan} when the command is decided (again each time it is retried), then either
 * {@link #answer} (when nothing is in flight before it) or {@link #rewrite} right before it is sent.
 * Confined to the session's event loop; the registry it reads is thread-safe.
 */
final class KillTranslator {

    /** What a KILL command needs. */
    enum Plan {
        /** Sent to a server, its ids translated ({@link #rewrite}). */
        FORWARD,
        /** Answered by the connector ({@link #answer}), after the responses before it. */
        ANSWER
    }

    private static final byte[] UNKNOWN_ID = {'0'};
    private static final byte[] NOTHING = "DO 0".getBytes(StandardCharsets.US_ASCII);

    private final SessionRegistry registry;
    private final ClientConnection client;
    private final SessionState state;

    // the plan of the command being decided
    private long singleId;
    private @Nullable Session idle;
    private boolean queryOnly;
    private @Nullable BackendThread replica;
    private final List<KillStatements.Target> targets = new ArrayList<>(1);
    private final List<byte[]> replacements = new ArrayList<>(1);
    private final List<Session> releasedKills = new ArrayList<>(1);
    private long processKillThread = -1;
    /** For a single KILL: the server thread of the named session's primary connection, -1 if none. */
    private long primaryThread = -1;

    KillTranslator(SessionRegistry registry, ClientConnection client, SessionState state) {
        this.registry = registry;
        this.client = client;
        this.state = state;
    }

    /** Decides what the KILL command in {@code frame} needs; reads the frame, changes nothing yet. */
    Plan plan(ByteBuf frame, int command, Classification classification) {
        targets.clear();
        replacements.clear();
        releasedKills.clear();
        idle = null;
        replica = null;
        processKillThread = -1;
        int from = Packets.payloadIndex(frame) + 1;
        int to = Packets.payloadIndex(frame) + Packets.payloadLength(frame);
        if (command == Command.COM_PROCESS_KILL) {
            return to - from == 4 ? single(frame.getUnsignedIntLE(from), false, true) : Plan.FORWARD;
        }
        if (Packets.isContinued(frame)) {
            return Plan.FORWARD; // 16 MiB of text is not a KILL worth translating
        }
        List<KillStatements.Target> found = KillStatements.find(frame, from, to, classification.noBackslashEscapes());
        if (!classification.has(StatementFlag.MULTI_STATEMENT) && found.size() == 1) {
            KillStatements.Target kill = found.get(0);
            Plan plan = single(kill.id(), kill.queryOnly(), false);
            if (plan == Plan.FORWARD && replacements.size() == 1) {
                targets.add(kill);
            }
            return plan;
        }
        for (KillStatements.Target kill : found) {
            if (kill.id() < SessionServices.FIRST_CONNECTION_ID) {
                continue;
            }
            Session released = registry.released(kill.id());
            // A multi-statement runs on one server: never name a replica's thread there.
            BackendThread on = released == null ? target(kill.id(), false) : null;
            targets.add(kill);
            if (released != null) {
                replacements.add(NOTHING);
                if (!kill.queryOnly()) {
                    releasedKills.add(released);
                }
            } else {
                replacements.add(on == null ? UNKNOWN_ID : digits(on.thread()));
            }
        }
        return Plan.FORWARD;
    }

    /** One KILL of one id (a statement or COM_PROCESS_KILL). */
    private Plan single(long id, boolean query, boolean processKill) {
        if (id < SessionServices.FIRST_CONNECTION_ID) {
            return Plan.FORWARD;
        }
        singleId = id;
        queryOnly = query;
        idle = registry.released(id);
        if (idle != null) {
            return Plan.ANSWER;
        }
        BackendThread on = target(id, query);
        if (on == null) {
            return Plan.ANSWER;
        }
        if (processKill) {
            processKillThread = on.thread();
        } else {
            replacements.add(digits(on.thread()));
            replica = on.primary() ? null : on;
            primaryThread = on.primary() ? on.thread() : -1;
            if (replica != null) {
                Long primary = registry.serverThread(id);
                primaryThread = primary == null ? -1 : primary;
            }
        }
        return Plan.FORWARD;
    }

    /**
     * The planned {@code KILL QUERY} cannot go to the replica that runs the statement (it left the
     * topology, or serves this session nothing now): it names the session's primary thread instead,
     * never the replica's thread on another server.
     */
    void toPrimary() {
        replica = null;
        replacements.set(0, primaryThread < 0 ? UNKNOWN_ID : digits(primaryThread));
    }

    /** The server thread a KILL of session {@code id} must name: where its query runs, or its primary connection. */
    private @Nullable BackendThread target(long id, boolean query) {
        Long primary = registry.serverThread(id);
        if (primary == null) {
            return null;
        }
        BackendThread running = query ? registry.running(id) : null;
        return running != null && running.thread() != primary && !running.primary()
                ? running
                : new BackendThread(-1, "", primary, true);
    }

    /** For a planned single {@code KILL QUERY}: the replica that runs the statement to stop, or null (the primary). */
    @Nullable
    BackendThread replica() {
        return replica;
    }

    /** Answers the planned KILL here (nothing is in flight before it) and releases the frame. */
    void answer(ByteBuf frame) {
        frame.release();
        Session released = idle;
        if (released != null) {
            if (!queryOnly) {
                released.eventLoop().execute(released::killedWhileReleased);
            }
            client.answerOk(1, state.primaryStatus());
        } else {
            client.answerError(1, ConnectorErrors.unknownThread(singleId));
        }
        client.flush();
    }

    /** The planned KILL as it must be sent (it may be {@code frame}, changed in place, or a new frame). */
    ByteBuf rewrite(ByteBuf frame) {
        for (Session released : releasedKills) {
            released.eventLoop().execute(released::killedWhileReleased);
        }
        if (processKillThread >= 0) {
            frame.setIntLE(Packets.payloadIndex(frame) + 1, (int) processKillThread);
            return frame;
        }
        if (targets.isEmpty()) {
            return frame;
        }
        int payload = Packets.payloadIndex(frame);
        int end = payload + Packets.payloadLength(frame);
        int length = Packets.payloadLength(frame);
        for (int i = 0; i < targets.size(); i++) {
            length += replacements.get(i).length - (targets.get(i).idEnd() - replacedFrom(i));
        }
        ByteBuf rewritten = client.alloc().buffer(Packets.HEADER_SIZE + length);
        Packets.writeHeader(rewritten, length, 0);
        int at = payload;
        for (int i = 0; i < targets.size(); i++) {
            int from = replacedFrom(i);
            rewritten.writeBytes(frame, at, from - at).writeBytes(replacements.get(i));
            at = targets.get(i).idEnd();
        }
        rewritten.writeBytes(frame, at, end - at);
        frame.release();
        return rewritten;
    }

    /** Where the text replaced for target {@code i} starts: its id, or the whole statement for {@code DO 0}. */
    private int replacedFrom(int i) {
        return replacements.get(i) == NOTHING
                ? targets.get(i).start()
                : targets.get(i).idStart();
    }

    private static byte[] digits(long id) {
        return Long.toString(id).getBytes(StandardCharsets.US_ASCII);
    }
}
