package dev.turnout.connector.session;

import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.protocol.response.ClientStep;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * The client's frames on their way to the {@link Dispatcher}: each is taken in
 * ({@link CommandIntake}: size, continuation, sequence, COM_QUIT), and a command that cannot go yet waits ("held": the client is not read
 * meanwhile, and what it sends behind the command queues in order) until {@link #resume()} is
 * called because what it waits for happened. Reading from the client follows: it goes on when
 * nothing waits and the backend in use can take more.
 *
 * <p>Confined to the session's event loop.
 */
final class CommandQueue {

    private final SessionServices services;
    private final ClientConnection client;
    private final SessionBackends backends;
    private final PrimaryLink link;
    private final CommandIntake intake;
    private final Dispatcher dispatcher;
    /** The command waiting for a backend; the client is not read meanwhile. */
    private @Nullable ByteBuf held;
    /** Client frames behind the waiting command (or sent while the login opens the primary). */
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(2);

    CommandQueue(
            SessionServices services,
            ClientConnection client,
            SessionBackends backends,
            PrimaryLink link,
            CommandIntake intake,
            Dispatcher dispatcher) {
        this.services = services;
        this.client = client;
        this.backends = backends;
        this.link = link;
        this.intake = intake;
        this.dispatcher = dispatcher;
    }

    /** A client frame of the command phase, or one sent while the login still opens the primary. */
    void clientFrame(ByteBuf frame) {
        if (held != null || link.probing() || !client.isCommandPhase()) {
            pending.add(frame); // keeps the client's order behind the command that waits
            return;
        }
        take(frame);
    }

    private void take(ByteBuf frame) {
        switch (intake.accept(frame, backends.current())) {
            case CONTINUATION -> forward(frame);
            case COMMAND -> start(frame);
            case QUIT -> {
                frame.release();
                client.close();
            }
            case TOO_LARGE -> {
                frame.release();
                client.fail(
                        client.errorSequence(intake.lastSequence()),
                        ConnectorErrors.packetTooLarge(services.config().maxAllowedPacket()));
            }
            case OUT_OF_ORDER -> {
                frame.release();
                client.fail(
                        intake.lastSequence() + 1,
                        ConnectorErrors.outOfOrder("a command must start with sequence id 0"));
            }
        }
    }

    /** A client packet that belongs to the command in flight. */
    private void forward(ByteBuf frame) {
        SessionBackend backend = backends.current();
        // A continuation follows a command that went to the current backend (and so through its tracker).
        if (backend == null || backend.readyTracker().onClientPacket(frame) == ClientStep.UNEXPECTED) {
            frame.release();
            dispatcher.unexpectedFromClient(backend);
            return;
        }
        backends.write(backend, frame);
    }

    private void start(ByteBuf frame) {
        if (!dispatcher.start(frame)) {
            held = frame;
        }
    }

    /** Runs the command that waited, then the packets the client sent behind it. */
    void resume() {
        if (link.probing() || !client.isCommandPhase()) {
            return;
        }
        if (held != null) {
            ByteBuf frame = held;
            held = null;
            if (!dispatcher.retry(frame)) {
                held = frame;
                return;
            }
        }
        while (held == null && !pending.isEmpty() && client.isCommandPhase()) {
            take(pending.poll());
        }
        backends.flush();
        if (held == null && client.isCommandPhase()) {
            client.read();
        }
    }

    /** Something a waiting command may wait for happened (topology, hold, retry): it is tried again. */
    void wake() {
        if (held != null) {
            resume();
        }
    }

    /** A command waits for a backend. */
    boolean waiting() {
        return held != null;
    }

    /** A command waits, or a response (of the client's or the connector's own) is still to come. */
    boolean inFlight() {
        return held != null || !backends.allIdle();
    }

    /** Frames the client sent behind what runs now are still to be taken in. */
    boolean hasQueued() {
        return !pending.isEmpty();
    }

    /** The end of a read batch from the client: what was written to backends is flushed, and reading goes on. */
    void clientReadComplete() {
        if (!client.isCommandPhase()) {
            return;
        }
        backends.flush();
        SessionBackend current = backends.current();
        if (held == null && !link.probing() && (current == null || current.connection.isWritable())) {
            client.read();
        }
    }

    /** A backend can take more: the client is read again unless a command waits. */
    void backendWritable() {
        if (held == null && client.isCommandPhase()) {
            client.read();
        }
    }

    /** The session ends: what waits is released. */
    void releaseQueued() {
        ByteBuf frame;
        while ((frame = pending.poll()) != null) {
            frame.release();
        }
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
