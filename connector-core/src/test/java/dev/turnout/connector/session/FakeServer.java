package dev.turnout.connector.session;

import dev.turnout.protocol.auth.Scrambles;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scripted MySQL server standing for one datasource (MariaDB 11.4, from its captured packets):
 * it accepts connections from the session's backends, answers their login and their commands with
 * sensible defaults, and records every command it received, so that a test can say where each
 * statement ran and what was replayed before it.
 *
 * <p>Defaults ({@link FakeConnection} answers them): {@code SELECT @@server_id} → its
 * {@link #serverId()}; any other read → one row, column {@code server}, holding its {@link #name()};
 * {@code BEGIN}/{@code COMMIT}/{@code ROLLBACK}/{@code SET autocommit} → OK with the status flags
 * they leave (IN_TRANS, AUTOCOMMIT); writes → OK, one row; {@code SELECT MASTER_GTID_WAIT(…)} →
 * {@code 0}; {@code KILL [CONNECTION] n} closes its connection with thread id n; COM_STMT_PREPARE →
 * PREPARE_OK with an id of its own ({@code 100 × serverId + n}); COM_STMT_EXECUTE → one binary row
 * (a read) or OK, and ERR 1243 for an id it never gave, ERR 1210 for an execute without parameter
 * types of a statement it was never told the types of; COM_STMT_CLOSE and SEND_LONG_DATA → no
 * answer; COM_QUIT → it closes the connection. Thread ids are {@code 1000 × serverId + n}.
 *
 * <p>Controls: {@link #holdAnswers()} (commands are received and recorded, answered at
 * {@link #answerHeld()}), {@link #closeConnections()} (under the session: mid-statement or idle),
 * {@link #goDown()} (new connections are refused), {@link #crash()} (both), {@link #comeBack()},
 * {@link #failWith} (a scripted ERR for one statement).
 *
 * <p>Driven by {@link SessionHarness#settle()} on the test's thread; not thread-safe.
 */
final class FakeServer {

    private final String name;
    private final String host;
    private final int port;
    private final int serverId;
    private final byte[] password;
    private final List<FakeConnection> connections = new ArrayList<>();
    private final List<ReceivedCommand> received = new ArrayList<>();
    private boolean unresolvable;
    private final Map<String, Reply.Err> scriptedErrors = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private boolean down;
    private boolean holding;
    private int statementsPrepared;

    FakeServer(String name, String host, int port, int serverId, byte[] password) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.serverId = serverId;
        this.password = password.clone();
    }

    String name() {
        return name;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    int serverId() {
        return serverId;
    }

    // ---------------------------------------------------------------- controls

    /** From now on commands are received (and recorded) but answered only at {@link #answerHeld()}. */
    void holdAnswers() {
        holding = true;
    }

    /** Answers the commands received while holding, and every later one at once. */
    void answerHeld() {
        holding = false;
    }

    /** Closes every open connection at the next pump, whatever it was doing, without answering what it holds. */
    void closeConnections() {
        for (FakeConnection connection : connections) {
            connection.closeFromServer();
        }
    }

    /** New connections are refused (connection refused), until {@link #comeBack()}. */
    void goDown() {
        down = true;
    }

    /** The server dies: its connections close and new ones are refused. */
    void crash() {
        goDown();
        closeConnections();
    }

    void comeBack() {
        down = false;
        unresolvable = false;
    }

    /**
     * New connections fail inside the dial itself, as a host name that does not resolve makes
     * {@code Bootstrap.connect} fail, until {@link #comeBack()}.
     */
    void unresolvable() {
        unresolvable = true;
    }

    /** {@code sql} (the whole statement, any case) is answered with this ERR instead of the default. */
    void failWith(String sql, int code, String sqlState, String message) {
        scriptedErrors.put(sql.strip(), new Reply.Err(code, sqlState, message));
    }

    // ---------------------------------------------------------------- observations

    /** Every command received on any connection, in arrival order, as {@link ReceivedCommand#toString()}. */
    List<String> commands() {
        return received.stream().map(ReceivedCommand::toString).toList();
    }

    List<ReceivedCommand> received() {
        return List.copyOf(received);
    }

    /** Every connection accepted, oldest first (closed ones included). */
    List<FakeConnection> connections() {
        return List.copyOf(connections);
    }

    FakeConnection lastConnection() {
        if (connections.isEmpty()) {
            throw new AssertionError(name + " never accepted a connection");
        }
        return connections.get(connections.size() - 1);
    }

    long openConnections() {
        return connections.stream().filter(FakeConnection::isOpen).count();
    }

    @Override
    public String toString() {
        return name + " (server_id " + serverId + ")";
    }

    // ---------------------------------------------------------------- used by the harness and the connections

    /**
     * A session dials this server on {@code channel}: the returned future completes at the next pump
     * (connected, the greeting follows) or fails there when the server is down — never inside the
     * dial, as a TCP connect never does.
     */
    ChannelFuture accept(ReadGatedChannel channel) {
        if (unresolvable) {
            return channel.newFailedFuture(new java.net.UnknownHostException(host));
        }
        ChannelPromise promise = channel.newPromise();
        if (down) {
            channel.eventLoop()
                    .execute(
                            () -> promise.setFailure(new ConnectException("Connection refused: " + host + ":" + port)));
            return promise;
        }
        long threadId = 1000L * serverId + connections.size() + 1;
        connections.add(new FakeConnection(this, threadId, channel, promise));
        return promise;
    }

    /** Runs every connection one step; true when anything happened. */
    boolean pump() {
        boolean progress = false;
        for (int i = 0; i < connections.size(); i++) { // a KILL may close another connection meanwhile
            progress |= connections.get(i).pump();
        }
        return progress;
    }

    boolean holding() {
        return holding;
    }

    /** Whether a mysql_native_password response to {@code seed} proves the password this server expects. */
    boolean acceptsLogin(byte[] seed, byte[] response) {
        return Scrambles.verifyNative(password, seed, response);
    }

    /** Whether a relayed plugin's answer ({@link FakeConnection#RELAYED_PLUGIN}) proves the password. */
    boolean acceptsRelayed(byte[] answer) {
        return java.util.Arrays.equals(answer, ClientDriver.relayedAnswer(password));
    }

    void record(ReceivedCommand command) {
        received.add(command);
    }

    int nextStatementId() {
        return 100 * serverId + ++statementsPrepared;
    }

    Reply.Err scriptedError(String sql) {
        return scriptedErrors.get(sql.strip());
    }

    /** {@code KILL [CONNECTION] threadId} on this server: that connection closes (KILL QUERY stops nothing here). */
    void kill(long threadId, boolean queryOnly) {
        if (queryOnly) {
            return;
        }
        for (FakeConnection connection : connections) {
            if (connection.threadId() == threadId) {
                connection.closeFromServer();
            }
        }
    }

    /** Released when the harness closes: what the connections still hold. */
    void releaseAll() {
        for (FakeConnection connection : connections) {
            connection.release();
        }
    }
}
