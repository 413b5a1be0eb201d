package dev.turnout.connector.session;

import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.protocol.classify.Classification;
import dev.turnout.protocol.classify.HintQos;
import dev.turnout.protocol.classify.StatementFlag;
import dev.turnout.protocol.classify.StatementType;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.response.ClientStep;
import dev.turnout.protocol.response.ResponseTracker;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.routing.policy.Reason;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.Role;
import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * From a command to a backend: the command is peeked once ({@link ClientCommand}), passes the
 * session's gates (ON-HOLD, the primary's lifecycle, a command boundary where it needs one), gets
 * its route ({@link SessionRouter}) and is sent once its backend is ready ({@link Preparation}), with
 * what the session must do when its response is complete ({@link AfterResponse}); a KILL gets the
 * ids of the server threads it names ({@link KillTranslator}). When it cannot go
 * yet, the {@link CommandQueue} keeps it and tries again. Commands for the backend in flight are
 * pipelined as the client sends them; a session switches backends only at a command boundary.
 *
 * <p>Confined to the session's event loop.
 */
final class Dispatcher {

    private final SessionServices services;
    private final ClientConnection client;
    private final SessionState state;
    private final PreparedStatements statements;
    private final SessionBackends backends;
    private final PrimaryLink link;
    private final Preparation preparation;
    private final CommandIntake intake;
    private final InlineAnswers inline;
    private final KillTranslator kills;
    private final SessionHost host;
    private final Runnable retryLater;
    private final ClientCommand command = new ClientCommand();
    private final Route route = new Route();
    private @Nullable SessionRouter router;
    private Reason lastReason = Reason.QOS_RW_STRICT;
    private String lastDatasource = "";

    /** @param retryLater wakes the session again after connector-failover-retry */
    Dispatcher(
            SessionServices services,
            ClientConnection client,
            SessionState state,
            PreparedStatements statements,
            SessionBackends backends,
            PrimaryLink link,
            Preparation preparation,
            CommandIntake intake,
            InlineAnswers inline,
            KillTranslator kills,
            SessionHost host,
            Runnable retryLater) {
        this.services = services;
        this.client = client;
        this.state = state;
        this.statements = statements;
        this.backends = backends;
        this.link = link;
        this.preparation = preparation;
        this.intake = intake;
        this.inline = inline;
        this.kills = kills;
        this.host = host;
        this.retryLater = retryLater;
    }

    /** The login's routing, from now on. */
    void router(SessionRouter sessionRouter) {
        router = sessionRouter;
    }

    /** Peeks the command that starts in {@code frame}, then as {@link #retry}. */
    boolean start(ByteBuf frame) {
        command.peek(frame, state.primaryStatus());
        return tryDispatch(frame);
    }

    /** Tries again to send the command that waited (the one started last). */
    boolean retry(ByteBuf frame) {
        return tryDispatch(frame);
    }

    /** Ends the session after a client packet the protocol does not allow now. */
    void unexpectedFromClient(@Nullable SessionBackend backend) {
        client.fail(
                client.errorSequence(intake.lastSequence()),
                ConnectorErrors.outOfOrder("unexpected packet from the client while "
                        + (backend == null ? "idle" : backend.readyTracker().state())));
    }

    /**
     * Routes the command that starts in {@code frame} and sends it, or returns false when it has to
     * wait (the caller keeps the frame): for ON-HOLD to end, for a primary, for a command in flight
     * on another backend to complete, for a backend to connect, replay the session's state or
     * prepare a statement, or for a replica to reach the session's last write.
     */
    private boolean tryDispatch(ByteBuf frame) {
        int type = command.type();
        if (type == Command.COM_CHANGE_USER) {
            if (!backends.allIdle()) {
                return false;
            }
            host.changeUser(frame);
            return true;
        }
        if (services.control().holding() && !state.inTransaction()) {
            return false; // ON-HOLD: nothing starts outside a transaction until the manager releases us (wake)
        }
        Dataservice service = services.topology().dataservice();
        switch (link.beforeCommand(service)) {
            case WAIT -> {
                return false;
            }
            case RETRY_LATER -> {
                retryLater.run();
                return false;
            }
            case GAVE_UP -> {
                frame.release();
                client.answerError(
                        1,
                        ConnectorErrors.noPrimaryWithin(
                                services.config().serviceName(),
                                services.config().failover().waitTime().toMillis()));
                client.flush();
                return true;
            }
            case PROCEED -> {}
        }
        command.refresh(frame, state.primaryStatus());
        AfterResponse after = AfterResponse.NOTHING;
        PreparedStatement statement = null;
        boolean kill = type == Command.COM_PROCESS_KILL
                || type == Command.COM_QUERY && command.classification().has(StatementFlag.KILL);
        if (kill && kills.plan(frame, type, command.classification()) == KillTranslator.Plan.ANSWER) {
            if (!backends.allIdle()) {
                return false; // answered in order, after the responses before it
            }
            kills.answer(frame);
            return true;
        }
        SessionBackend target;
        switch (type) {
            case Command.COM_QUERY -> {
                Classification classification = command.classification();
                if (kill && kills.replica() != null) {
                    target = routeKillQuery(Objects.requireNonNull(kills.replica()));
                    break;
                }
                if (classification.type() == StatementType.INLINE_COMMAND) {
                    if (!backends.allIdle()) {
                        return false;
                    }
                    inline.answer(
                            frame,
                            classification.commandStart(),
                            Packets.payloadIndex(frame) + Packets.payloadLength(frame),
                            sessionRouter(),
                            lastReason,
                            lastDatasource);
                    return true;
                }
                Reason reason = ReadOnlyTransactions.reasonOf(classification);
                Boolean answered =
                        ReadOnlyTransactions.answer(state, backends, client, frame, reason, classification.type());
                if (answered != null) {
                    return answered;
                }
                target = routeStatement(service, reason, classification.hint());
                if (SessionState.isSessionCommand(classification)) {
                    after = AfterResponse.record(payloadOf(frame));
                }
            }
            case Command.COM_STMT_PREPARE -> {
                target = routePrimary(Reason.SESSION_COMMAND);
                Classification prepared = command.classification();
                Reason reason = SessionState.statementReason(prepared);
                // A RW_STRICT hint keeps every execute on the primary (a stored function that writes, say).
                after = AfterResponse.prepared(
                        payloadOf(frame),
                        reason == null && prepared.hint() == HintQos.RW_STRICT ? Reason.QOS_RW_STRICT : reason,
                        prepared.hint());
            }
            case Command.COM_STMT_EXECUTE -> {
                statement = statements.of(command);
                Boolean answered = statement == null
                        ? ReadOnlyTransactions.unknownExecute(state, backends)
                        : ReadOnlyTransactions.answer(state, backends, client, frame, statement.reason(), null);
                if (answered != null) {
                    return answered;
                }
                target = routeExecute(service, statement);
            }
            case Command.COM_STMT_SEND_LONG_DATA,
                    Command.COM_STMT_RESET,
                    Command.COM_STMT_FETCH,
                    Command.COM_STMT_BULK_EXECUTE -> {
                statement = statements.of(command);
                if (statement != null && type == Command.COM_STMT_SEND_LONG_DATA) {
                    statement.longData(true);
                }
                target = routePrimary(Reason.SESSION_COMMAND);
            }
            case Command.COM_STMT_CLOSE -> {
                statement = statements.of(command);
                if (statement != null) {
                    if (!backends.allIdle()) {
                        return false;
                    }
                    closeEverywhere(statement);
                    frame.release();
                    return true;
                }
                target = routePrimary(Reason.SESSION_COMMAND);
            }
            case Command.COM_INIT_DB -> {
                target = routePrimary(Reason.SESSION_COMMAND);
                after = AfterResponse.record(payloadOf(frame));
            }
            case Command.COM_RESET_CONNECTION -> {
                target = routePrimary(Reason.SESSION_COMMAND);
                after = AfterResponse.RESET;
            }
            default -> target = routePrimary(Reason.UNKNOWN_STATEMENT);
        }
        if (!readyFor(target)) {
            return false;
        }
        if (statement != null && statement.backendId(target.slot) == 0) {
            preparation.startPrepare(target, statement); // first use on this server (a replica, or a new primary)
            return false;
        }
        if (route.waitForPosition() && preparation.waitedOn() == null) {
            preparation.startWait(target);
            return false;
        }
        if (kill) {
            frame = kills.rewrite(frame);
        } else if (type == Command.COM_STMT_EXECUTE && statement != null) {
            frame = PreparedStatements.rewriteExecute(frame, statement, target.slot, client.alloc());
        } else if (statement != null) {
            PreparedStatements.rewriteId(frame, statement, target.slot);
        }
        if (route.reason() == Reason.READ_ONLY_TRANSACTION && route.replica() != null) {
            state.readOnlyTransactionStarted(Objects.requireNonNull(route.replica()), route.slot());
        }
        send(frame, target, after, type);
        return true;
    }

    /** A statement: to the primary for {@code reason} (null: none of its own), else where the session's routing says. */
    private SessionBackend routeStatement(Dataservice service, @Nullable Reason reason, HintQos hint) {
        SessionBackend waited = preparation.waitedOn();
        if (waited != null) {
            // The replica was asked to reach the session's last write: it did, or the primary serves the read.
            if (waited.waitReached) {
                return waited;
            }
            preparation.clearWait();
            return routePrimary(Reason.REPLICAS_NOT_CONSISTENT);
        }
        sessionRouter().decide(reason, hint, backends.current() != null, service, route);
        return switch (route.target()) {
            case PRIMARY -> link.attached();
            case CURRENT ->
                Objects.requireNonNull(
                        backends.current(), "a CURRENT route is only decided when there is a current backend");
            case REPLICA -> {
                Datasource replica = Objects.requireNonNull(route.replica(), "a REPLICA route names its replica");
                yield backends.openOrGet(route.slot(), replica.name(), replica.host(), replica.port());
            }
        };
    }

    /**
     * A KILL QUERY of a statement running on a replica: to the killer's own connection to that
     * replica (opened if need be), or to the primary when the replica is gone from the topology.
     */
    private SessionBackend routeKillQuery(BackendThread on) {
        int slot = services.topology().slot(on.datasource());
        Datasource replica = slot < 0
                ? null
                : services.topology().dataservice().datasource(on.datasource()).orElse(null);
        if (replica == null || backends.backedOff(slot)) {
            kills.toPrimary();
            return routePrimary(Reason.UNKNOWN_STATEMENT);
        }
        route.replica(replica, slot, Reason.KILL_QUERY, false);
        return backends.openOrGet(slot, replica.name(), replica.host(), replica.port());
    }

    private SessionBackend routePrimary(Reason reason) {
        route.primary(reason);
        return link.attached();
    }

    /** The session's router: set by the login (Session.start), before any command is dispatched. */
    private SessionRouter sessionRouter() {
        return Objects.requireNonNull(router, "commands are dispatched only after the login set the router");
    }

    /** An execute runs where its statement's reads may run, with the session's state considered. */
    private SessionBackend routeExecute(Dataservice service, @Nullable PreparedStatement statement) {
        if (statement == null) {
            return routePrimary(Reason.SESSION_COMMAND); // prepared just before, or unknown: the primary knows
        }
        if (statement.reason() != null) {
            return routePrimary(statement.reason());
        }
        if (command.opensCursor()) {
            state.cursorOpened();
        }
        if (statement.hasLongData() || !command.completeExecute() || command.opensCursor()) {
            // Long data lives on the primary's copy of the statement; cursors are fetched from it.
            return routePrimary(Reason.SESSION_PINNED);
        }
        return routeStatement(service, null, statement.hint());
    }

    /**
     * Whether {@code target} can take a command now; if not, starts what it takes (its connection is
     * being opened already; a replay of the session's state or tracking starts here).
     */
    private boolean readyFor(SessionBackend target) {
        if (backends.othersBusy(target) || !target.isReady() || target.internalPending > 0) {
            return false;
        }
        SessionBackend primary = link.backend();
        if (primary != null && primary.isIdle() && preparation.takeRetrack()) {
            preparation.startTracking(primary);
            return false;
        }
        return !(preparation.needsReplay(target) && preparation.startReplay(target));
    }

    private void send(ByteBuf frame, SessionBackend target, AfterResponse after, int type) {
        if (type == Command.COM_QUERY || type == Command.COM_STMT_EXECUTE) {
            if (type == Command.COM_QUERY && target.primary) {
                state.dispatched(command.classification());
            }
            services.metrics().routed(target.primary ? Role.MASTER : Role.SLAVE, route.reason());
        }
        preparation.clearWait();
        ClientStep step = target.readyTracker().onClientPacket(frame);
        if (step == ClientStep.UNEXPECTED) {
            frame.release();
            unexpectedFromClient(target);
            return;
        }
        // One entry per response to come: not for a SEND_LONG_DATA or CLOSE (the first packet of one
        // that spans several is COMMAND_STARTED), else the entries of later responses slip by one.
        if (step == ClientStep.COMMAND_STARTED && ResponseTracker.getsResponse(type)) {
            target.completions.add(after);
            if (after.kind == AfterResponse.Kind.PREPARED) {
                statements.prepareSent();
            }
        }
        backends.current(target);
        lastReason = route.reason();
        lastDatasource = target.datasource;
        backends.write(target, frame);
    }

    /** COM_STMT_CLOSE of a known statement goes to every server that prepared it, with that server's id. */
    private void closeEverywhere(PreparedStatement statement) {
        statements.remove(statement);
        for (int slot = 0; slot < backends.slots(); slot++) {
            SessionBackend backend = backends.at(slot);
            if (backend != null && backend.isReady() && statement.backendId(slot) != 0) {
                ByteBuf close = PreparedStatements.closeFrame(statement, slot, client.alloc());
                backend.readyTracker().onClientPacket(close);
                backends.write(backend, close);
            }
        }
    }

    private static byte[] payloadOf(ByteBuf frame) {
        byte[] payload = new byte[Packets.payloadLength(frame)];
        frame.getBytes(Packets.payloadIndex(frame), payload);
        return payload;
    }
}
