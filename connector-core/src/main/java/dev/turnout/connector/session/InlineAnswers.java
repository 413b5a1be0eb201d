package dev.turnout.connector.session;

import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.connector.error.ErrorCode;
import dev.turnout.connector.error.LogSafe;
import dev.turnout.protocol.classify.Classification;
import dev.turnout.protocol.classify.StatementClassifier;
import dev.turnout.protocol.classify.StatementType;
import dev.turnout.protocol.message.server.TextResultSet;
import dev.turnout.routing.policy.Reason;
import dev.turnout.routing.topology.Role;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Answers the inline {@code tungsten ...} commands of one session ({@link InlineCommands} builds the
 * result sets): which command it is, the session's own status, and {@code explain}, which asks a
 * copy of the session's router where a statement would go without running it or changing anything.
 *
 * <p>Confined to the session's event loop.
 */
final class InlineAnswers {

    private final SessionServices services;
    private final ClientConnection client;
    private final SessionState state;
    private final SessionBackends backends;
    private final PrimaryLink link;
    private final long connectionId;
    private final Listener listener;

    InlineAnswers(
            SessionServices services,
            ClientConnection client,
            SessionState state,
            SessionBackends backends,
            PrimaryLink link,
            long connectionId,
            Listener listener) {
        this.services = services;
        this.client = client;
        this.state = state;
        this.backends = backends;
        this.link = link;
        this.connectionId = connectionId;
        this.listener = listener;
    }

    /**
     * Answers the command between {@code from} and {@code to} of {@code frame} (released here) as a
     * result set, or an ERR for one it does not know.
     *
     * @param lastReason     why the session's last statement went where it went
     * @param lastDatasource where it went
     */
    void answer(ByteBuf frame, int from, int to, SessionRouter router, Reason lastReason, String lastDatasource) {
        String text = frame.toString(from, Math.max(0, to - from), StandardCharsets.UTF_8)
                .trim();
        frame.release();
        while (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1).trim();
        }
        String[] words = text.isEmpty() ? new String[0] : text.split("\\s+", 2);
        String verb = words.length == 0 ? "" : words[0].toLowerCase(Locale.ROOT);
        String rest = words.length < 2 ? "" : words[1];
        TextResultSet answer = switch (verb + " " + rest.toLowerCase(Locale.ROOT)) {
            case "connection status" ->
                InlineCommands.connectionStatus(
                        connectionId,
                        services.config().serviceName(),
                        router.qos(),
                        listener,
                        lastDatasource,
                        current(),
                        lastReason,
                        state,
                        services.routing(),
                        backends);
            case "connection count" ->
                InlineCommands.connectionCount(services.registry().count(), services.topology());
            case "cluster status" -> InlineCommands.clusterStatus(services.topology());
            case "help " -> InlineCommands.help();
            case "flush privileges" -> InlineCommands.message(services.reloadUsers());
            default -> verb.equals("explain") && !rest.isBlank() ? explain(rest, router) : null;
        };
        if (answer == null) {
            client.answerError(
                    1,
                    ConnectorErrors.of(
                            ErrorCode.SYNTAX,
                            "Unknown command 'tungsten " + LogSafe.text(text, LogSafe.TEXT)
                                    + "'; 'tungsten help' lists the connector's commands"));
        } else {
            ByteBuf out = client.alloc().buffer();
            answer.encode(out, client.capabilities(), state.primaryStatus(), 1);
            client.context().write(out, client.context().voidPromise());
        }
        client.flush();
    }

    /** The role of the backend the last statement ran on. */
    private Role current() {
        SessionBackend current = backends.current();
        return current == null || current.primary ? Role.MASTER : Role.SLAVE;
    }

    /** Where a statement would go now, and why, without running it. */
    private TextResultSet explain(String sql, SessionRouter router) {
        Classification explained = StatementClassifier.classify(sql);
        if (explained.type() == StatementType.INLINE_COMMAND) {
            return InlineCommands.explain("connector", null, null, false, explained, router.qos());
        }
        Route route = new Route();
        router.forExplain()
                .decide(
                        ReadOnlyTransactions.reasonOf(explained),
                        explained.hint(),
                        backends.current() != null,
                        services.topology().dataservice(),
                        route);
        String target;
        Role role;
        switch (route.target()) {
            case CURRENT -> {
                target = Objects.requireNonNull(
                                backends.current(), "a CURRENT route is only decided when there is a current backend")
                        .datasource;
                role = current();
            }
            case REPLICA -> {
                target = Objects.requireNonNull(route.replica(), "a REPLICA route names its replica")
                        .name();
                role = Role.SLAVE;
            }
            default -> {
                target = link.attached().datasource; // inline commands are answered once the primary is attached
                role = Role.MASTER;
            }
        }
        return InlineCommands.explain(target, role, route.reason(), route.waitForPosition(), explained, router.qos());
    }
}
