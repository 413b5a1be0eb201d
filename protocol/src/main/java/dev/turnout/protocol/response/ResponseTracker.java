package dev.turnout.protocol.response;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * Follows the command phase of one backend connection and tells, for the command that was
 * forwarded, when the server's response is complete: the command boundary at which the connector
 * may switch backends, return the connection to a pool or apply a topology change.
 *
 * <p>It is fed every physical packet ("frame": a buffer whose readable bytes are exactly one
 * packet, header included, as {@link dev.turnout.protocol.wire.PacketFrameDecoder} emits it) in
 * both directions, in the order they cross the connection. It reads the frames in place: it does
 * not move their reader index, does not retain or release them (the caller forwards them), and
 * allocates nothing per packet.
 *
 * <p>The tracker is an explicit state machine: one {@link State} per position in the protocol and
 * one method per state. A packet the protocol does not allow in the current state moves it to the
 * terminal {@link State#FAILED}, where every further packet is {@code UNEXPECTED} until
 * {@link #reset()}; the connection should then be closed or re-synchronised. Responses it follows:
 * <ul>
 *   <li>{@code COM_QUERY}, {@code COM_STMT_EXECUTE}, {@code COM_STMT_BULK_EXECUTE}: OK, ERR or result
 *       sets (text or binary, with or without {@code CLIENT_DEPRECATE_EOF}, with MariaDB's
 *       metadata-skipping {@code MARIADB_CLIENT_CACHE_METADATA} and MySQL's
 *       {@code CLIENT_OPTIONAL_RESULTSET_METADATA}), several of them while
 *       {@code SERVER_MORE_RESULTS_EXISTS} is set, LOCAL INFILE exchanges ({@code COM_QUERY}, and
 *       {@code COM_STMT_EXECUTE} of a LOAD DATA / LOAD XML that MariaDB prepared), and
 *       cursors ({@code COM_STMT_EXECUTE} answered with metadata and {@code SERVER_STATUS_CURSOR_EXISTS});</li>
 *   <li>{@code COM_STMT_FETCH} (rows then EOF/OK), {@code COM_STMT_PREPARE} (PREPARE_OK with parameter
 *       and column definitions, or ERR), {@code COM_FIELD_LIST} (column definitions then EOF, or ERR),
 *       {@code COM_STATISTICS} (one string packet), {@code COM_CHANGE_USER} (OK/ERR, or an
 *       authentication exchange the client takes part in);</li>
 *   <li>{@code COM_STMT_CLOSE}, {@code COM_STMT_SEND_LONG_DATA} and {@code COM_QUIT}, which get no response;</li>
 *   <li>every other command, known or not, answered by one OK, EOF or ERR.</li>
 * </ul>
 * Replication streams ({@code COM_BINLOG_DUMP}, {@code COM_BINLOG_DUMP_GTID}) have no end the tracker
 * could find; they are {@code UNEXPECTED}. An ERR ends any response, even between rows, except
 * MariaDB's progress reports (an ERR packet with error code 0xFFFF, sent only with
 * {@code MARIADB_CLIENT_PROGRESS}), which are informational. A physical packet of exactly 0xFFFFFF
 * payload bytes is continued by the next one, which is never interpreted by its first byte.
 *
 * <p>One instance per backend connection, confined to that connection's event loop: no locks, no
 * volatile fields.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_command_phase.html">Command Phase</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response.html">COM_QUERY Response</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_binary_resultset.html">Binary Protocol Resultset</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_prepare.html">COM_STMT_PREPARE</a>
 * @see <a href="https://mariadb.com/kb/en/result-set-packets/">MariaDB Result Set Packets</a>
 * @see <a href="https://mariadb.com/kb/en/com_stmt_bulk_execute/">MariaDB COM_STMT_BULK_EXECUTE</a>
 * @see <a href="https://mariadb.com/kb/en/progress-reporting/">MariaDB Progress Reporting</a>
 */
public final class ResponseTracker {

    /** Positions in the command phase. Each names what the tracker expects next. */
    public enum State {
        /** At a command boundary: the next packet is a client command. */
        IDLE,
        /** The client's last physical packet was continued: the next client packet carries more of it. */
        CLIENT_CONTINUATION,
        /** The server's last physical packet was continued: the next server packet carries more of it. */
        SERVER_CONTINUATION,
        /** The first packet of a result: OK, ERR, a LOCAL INFILE request or a column count. */
        RESULT_HEAD,
        /** Column definitions of a result set. */
        COLUMN_DEFINITIONS,
        /** The EOF after the column definitions (absent with {@code CLIENT_DEPRECATE_EOF}). */
        COLUMNS_EOF,
        /** Rows, until the EOF or the OK with a 0xFE header. */
        ROWS,
        /** The client sends the file the server asked for, ending with an empty packet. */
        LOCAL_INFILE_DATA,
        /** The OK or ERR that answers the contents of a LOCAL INFILE file. */
        LOCAL_INFILE_RESULT,
        /** PREPARE_OK or ERR. */
        PREPARE_HEAD,
        /** Parameter definitions of a prepared statement. */
        PREPARE_PARAMETERS,
        /** The EOF after the parameter definitions (absent with {@code CLIENT_DEPRECATE_EOF}). */
        PREPARE_PARAMETERS_EOF,
        /** Column definitions of a prepared statement. */
        PREPARE_COLUMNS,
        /** The EOF after the prepared statement's column definitions (absent with {@code CLIENT_DEPRECATE_EOF}). */
        PREPARE_COLUMNS_EOF,
        /** Column definitions of {@code COM_FIELD_LIST}, until EOF or ERR. */
        FIELD_LIST,
        /** The one string packet answering {@code COM_STATISTICS}. */
        STATISTICS,
        /** The server's answer to {@code COM_CHANGE_USER}. */
        CHANGE_USER_RESPONSE,
        /** An authentication exchange during {@code COM_CHANGE_USER}: either side may send. */
        CHANGE_USER_AUTH,
        /** One OK, EOF or ERR. */
        OK_RESPONSE,
        /** A packet broke the protocol; terminal until {@link ResponseTracker#reset()}. */
        FAILED
    }

    private static final int OK = 0x00;
    private static final int AUTH_MORE_DATA = 0x01;
    private static final int LOCAL_INFILE = 0xFB;
    private static final int EOF = 0xFE;
    private static final int ERR = 0xFF;
    /** An EOF packet's payload is shorter than this; a row starting with 0xFE is not. */
    private static final int EOF_MAX_PAYLOAD = 9;
    /** MariaDB's error code of a progress report. */
    private static final int PROGRESS_ERROR_CODE = 0xFFFF;
    /** The most pipelined commands one connection may have outstanding. */
    private static final int MAX_QUEUED = 1 << 16;
    /** caching_sha2_password's "fast authentication succeeded": an OK follows without a client answer. */
    private static final int FAST_AUTH_SUCCESS = 0x03;

    private final boolean deprecateEof;
    private final boolean localFiles;
    private final boolean progress;
    private final boolean cacheMetadata;
    private final boolean optionalMetadata;

    private State state = State.IDLE;
    /** Where a continued packet's last physical packet leads back to. */
    private State resume = State.IDLE;

    private State failedIn = State.IDLE;
    private int command = -1;
    private int serverStatus = ServerStatus.AUTOCOMMIT;
    /** Definitions still to come in a definition state. */
    private long remaining;
    /** Column definitions of a prepared statement that follow its parameter definitions. */
    private int preparedColumns;
    /** Command bytes of pipelined commands, oldest at {@code queueHead}; grows (rarely) up to {@link #MAX_QUEUED}. */
    private int[] queue = new int[16];

    private int queueHead;
    private int queued;
    /** The last queued command's physical packet was continued: the client's next packet carries more of it. */
    private boolean queuedCommandContinues;
    /** The last command the client sent behind a response gets no response itself. */
    private boolean queuedCommandUnanswered;

    /**
     * @param capabilities the capabilities negotiated between client and server (those both set),
     *     MariaDB's extended ones in the high 32 bits as in {@link Capabilities}
     */
    public ResponseTracker(long capabilities) {
        this.deprecateEof = Capabilities.has(capabilities, Capabilities.CLIENT_DEPRECATE_EOF);
        this.localFiles = Capabilities.has(capabilities, Capabilities.CLIENT_LOCAL_FILES);
        this.progress = Capabilities.has(capabilities, Capabilities.MARIADB_CLIENT_PROGRESS);
        this.cacheMetadata = Capabilities.has(capabilities, Capabilities.MARIADB_CLIENT_CACHE_METADATA);
        this.optionalMetadata = Capabilities.has(capabilities, Capabilities.CLIENT_OPTIONAL_RESULTSET_METADATA);
    }

    /** Feeds a physical packet the client sends; the frame is read in place, not consumed. */
    public ClientStep onClientPacket(ByteBuf frame) {
        if (queuedCommandContinues && state != State.FAILED) {
            // The rest of a command sent behind a response, even once that response (and its own) is complete.
            return clientInQueuedContinuation(frame);
        }
        return switch (state) {
            case IDLE -> clientInIdle(frame);
            case CLIENT_CONTINUATION -> clientInClientContinuation(frame);
            case LOCAL_INFILE_DATA -> clientInLocalInfileData(frame);
            case CHANGE_USER_AUTH -> clientInChangeUserAuth(frame);
            case FAILED -> ClientStep.UNEXPECTED;
            default -> clientWhileServerResponds(frame);
        };
    }

    /** Feeds a physical packet the server sends; the frame is read in place, not consumed. */
    public ServerStep onServerPacket(ByteBuf frame) {
        if (state == State.SERVER_CONTINUATION) {
            return serverInServerContinuation(frame);
        }
        ServerStep step = switch (state) {
            case RESULT_HEAD -> serverInResultHead(frame);
            case COLUMN_DEFINITIONS -> serverInColumnDefinitions(frame);
            case COLUMNS_EOF -> serverInColumnsEof(frame);
            case ROWS -> serverInRows(frame);
            case LOCAL_INFILE_RESULT -> serverInLocalInfileResult(frame);
            case PREPARE_HEAD -> serverInPrepareHead(frame);
            case PREPARE_PARAMETERS -> serverInPrepareParameters(frame);
            case PREPARE_PARAMETERS_EOF -> serverInPrepareParametersEof(frame);
            case PREPARE_COLUMNS -> serverInPrepareColumns(frame);
            case PREPARE_COLUMNS_EOF -> serverInPrepareColumnsEof(frame);
            case FIELD_LIST -> serverInFieldList(frame);
            case STATISTICS -> serverInStatistics(frame);
            case CHANGE_USER_RESPONSE, CHANGE_USER_AUTH -> serverInChangeUser(frame);
            case OK_RESPONSE -> serverInOkResponse(frame);
            case FAILED -> ServerStep.UNEXPECTED;
            default -> serverFailure();
        };
        if (Packets.isContinued(frame) && state != State.FAILED) {
            // Only rows (and in theory definitions) reach 16 MiB; an end of response or a request to
            // the client never does, so a continued one is a violation.
            if (step != ServerStep.IN_PROGRESS) {
                return serverFailure();
            }
            resume = state;
            state = State.SERVER_CONTINUATION;
        }
        if (step == ServerStep.COMPLETE && queued > 0) {
            startNextQueued();
        }
        return step;
    }

    /**
     * True at a command boundary: no command outstanding, pipelined ones included (also after a
     * command that gets no response).
     */
    public boolean isIdle() {
        return state == State.IDLE && queued == 0;
    }

    /** Commands the client sent ahead (pipelined) whose responses have not started yet. */
    public int queuedCommands() {
        return queued;
    }

    /** The command byte of the current or last command; -1 before the first. */
    public int command() {
        return command;
    }

    /**
     * Status flags of the last OK or EOF the server sent ({@link ServerStatus}); {@link ServerStatus#AUTOCOMMIT}
     * before the first.
     */
    public int serverStatus() {
        return serverStatus;
    }

    public State state() {
        return state;
    }

    /** The state in which the protocol was broken while {@link #state()} is {@link State#FAILED}; otherwise meaningless. */
    public State failedIn() {
        return failedIn;
    }

    /**
     * Back to {@link State#IDLE}, for after the connector re-synchronised the connection. The last
     * command and server status are kept.
     */
    public void reset() {
        state = State.IDLE;
        resume = State.IDLE;
        failedIn = State.IDLE;
        remaining = 0;
        preparedColumns = 0;
        queued = 0;
        queueHead = 0;
        queuedCommandContinues = false;
        queuedCommandUnanswered = false;
    }

    // ---- client side, one method per state

    private ClientStep clientInIdle(ByteBuf frame) {
        int first = Packets.firstByte(frame);
        State next = first < 0 ? State.FAILED : stateFor(first);
        if (next == State.FAILED) {
            return clientFailure();
        }
        command = first;
        if (Packets.isContinued(frame)) {
            resume = next;
            state = State.CLIENT_CONTINUATION;
            return ClientStep.COMMAND_STARTED;
        }
        state = next;
        return next == State.IDLE ? ClientStep.COMMAND_COMPLETE_NO_RESPONSE : ClientStep.COMMAND_STARTED;
    }

    /** The state that waits for the response to {@code command}; IDLE when it gets none. */
    private static State stateFor(int command) {
        return switch (command) {
            case Command.COM_QUERY, Command.COM_STMT_EXECUTE, Command.COM_STMT_BULK_EXECUTE, Command.COM_PROCESS_INFO ->
                State.RESULT_HEAD;
            case Command.COM_STMT_FETCH -> State.ROWS;
            case Command.COM_STMT_PREPARE -> State.PREPARE_HEAD;
            case Command.COM_FIELD_LIST -> State.FIELD_LIST;
            case Command.COM_STATISTICS -> State.STATISTICS;
            case Command.COM_CHANGE_USER -> State.CHANGE_USER_RESPONSE;
            case Command.COM_STMT_CLOSE, Command.COM_STMT_SEND_LONG_DATA, Command.COM_QUIT -> State.IDLE;
            case Command.COM_BINLOG_DUMP, Command.COM_BINLOG_DUMP_GTID -> State.FAILED;
            default -> State.OK_RESPONSE;
        };
    }

    /** The next physical packet of a command the client sent behind a response. */
    private ClientStep clientInQueuedContinuation(ByteBuf frame) {
        queuedCommandContinues = Packets.isContinued(frame);
        return !queuedCommandContinues && queuedCommandUnanswered
                ? ClientStep.COMMAND_COMPLETE_NO_RESPONSE
                : ClientStep.CONTINUATION;
    }

    /**
     * A client packet while the server's response is in flight: a pipelined command (drivers such
     * as MariaDB Connector/J send COM_STMT_PREPARE and COM_STMT_EXECUTE, or a batch, without
     * waiting). Its response follows the ones before it; it is queued
     * (a command that gets none is not).
     */
    private ClientStep clientWhileServerResponds(ByteBuf frame) {
        int first = Packets.firstByte(frame);
        if (Packets.sequenceId(frame) != 0 || first < 0 || stateFor(first) == State.FAILED) {
            return clientFailure();
        }
        queuedCommandContinues = Packets.isContinued(frame);
        queuedCommandUnanswered = !getsResponse(first);
        if (queuedCommandUnanswered) {
            // COM_STMT_SEND_LONG_DATA or COM_STMT_CLOSE behind a response: nothing of the server's to wait for.
            return queuedCommandContinues ? ClientStep.COMMAND_STARTED : ClientStep.COMMAND_COMPLETE_NO_RESPONSE;
        }
        if (queued == queue.length) {
            if (queue.length == MAX_QUEUED) {
                return clientFailure();
            }
            int[] larger = new int[queue.length * 2];
            for (int i = 0; i < queued; i++) {
                larger[i] = queue[(queueHead + i) % queue.length];
            }
            queue = larger;
            queueHead = 0;
        }
        queue[(queueHead + queued) % queue.length] = first;
        queued++;
        return ClientStep.COMMAND_STARTED;
    }

    /**
     * Whether the server answers {@code command} (every command but {@code COM_STMT_CLOSE},
     * {@code COM_STMT_SEND_LONG_DATA} and {@code COM_QUIT}): what a caller that keeps one entry per
     * response it waits for must ask, since the first packet of a command that spans several physical
     * packets is {@link ClientStep#COMMAND_STARTED} whether or not it gets a response.
     */
    public static boolean getsResponse(int command) {
        return stateFor(command) != State.IDLE;
    }

    /** The previous response is complete: the server now answers the oldest queued command. */
    private void startNextQueued() {
        while (state == State.IDLE && queued > 0) {
            command = queue[queueHead];
            queueHead = (queueHead + 1) % queue.length;
            queued--;
            state = stateFor(command);
        }
    }

    private ClientStep clientInClientContinuation(ByteBuf frame) {
        if (Packets.isContinued(frame)) {
            return ClientStep.CONTINUATION;
        }
        state = resume;
        return state == State.IDLE ? ClientStep.COMMAND_COMPLETE_NO_RESPONSE : ClientStep.CONTINUATION;
    }

    private ClientStep clientInLocalInfileData(ByteBuf frame) {
        int length = Packets.payloadLength(frame);
        if (length == 0) {
            state = State.LOCAL_INFILE_RESULT;
            return ClientStep.LOCAL_INFILE_END;
        }
        if (length == Packets.MAX_PAYLOAD) {
            // The next packet belongs to this one, even when it is empty: it does not end the file.
            resume = State.LOCAL_INFILE_DATA;
            state = State.CLIENT_CONTINUATION;
        }
        return ClientStep.CONTINUATION;
    }

    private ClientStep clientInChangeUserAuth(ByteBuf frame) {
        if (Packets.isContinued(frame)) {
            resume = State.CHANGE_USER_AUTH;
            state = State.CLIENT_CONTINUATION;
        }
        return ClientStep.CONTINUATION;
    }

    // ---- server side, one method per state

    private ServerStep serverInServerContinuation(ByteBuf frame) {
        if (!Packets.isContinued(frame)) {
            state = resume;
        }
        return ServerStep.IN_PROGRESS;
    }

    private ServerStep serverInResultHead(ByteBuf frame) {
        int first = Packets.firstByte(frame);
        switch (first) {
            case OK:
                return okPacketEndsResult(frame);
            case ERR:
                return errPacket(frame);
            case LOCAL_INFILE:
                // MariaDB prepares LOAD DATA / LOAD XML LOCAL INFILE: its execute asks for the file too.
                if (command != Command.COM_QUERY && command != Command.COM_STMT_EXECUTE || !localFiles) {
                    return serverFailure();
                }
                state = State.LOCAL_INFILE_DATA;
                return ServerStep.AWAITING_CLIENT;
            case EOF:
            case -1:
                return serverFailure();
            default:
                return columnCount(frame);
        }
    }

    private ServerStep serverInColumnDefinitions(ByteBuf frame) {
        int first = Packets.firstByte(frame);
        if (first == ERR) {
            return errPacket(frame);
        }
        if (first < 0) {
            return serverFailure();
        }
        if (--remaining == 0) {
            state = deprecateEof ? State.ROWS : State.COLUMNS_EOF;
        }
        return ServerStep.IN_PROGRESS;
    }

    private ServerStep serverInColumnsEof(ByteBuf frame) {
        int first = Packets.firstByte(frame);
        if (first == ERR) {
            return errPacket(frame);
        }
        if (!isEof(frame)) {
            return serverFailure();
        }
        if (!readStatus(frame)) {
            return serverFailure();
        }
        if (command == Command.COM_STMT_EXECUTE && ServerStatus.has(serverStatus, ServerStatus.CURSOR_EXISTS)) {
            // A cursor was opened: the rows come with COM_STMT_FETCH.
            return complete();
        }
        state = State.ROWS;
        return ServerStep.IN_PROGRESS;
    }

    private ServerStep serverInRows(ByteBuf frame) {
        int first = Packets.firstByte(frame);
        if (first == ERR) {
            return errPacket(frame);
        }
        if (first == EOF && isResultSetTerminator(frame)) {
            if (!readStatus(frame)) {
                return serverFailure();
            }
            if (command != Command.COM_STMT_FETCH && ServerStatus.has(serverStatus, ServerStatus.MORE_RESULTS_EXISTS)) {
                state = State.RESULT_HEAD;
                return ServerStep.IN_PROGRESS;
            }
            return complete();
        }
        if (first < 0) {
            return serverFailure();
        }
        return ServerStep.IN_PROGRESS;
    }

    private ServerStep serverInLocalInfileResult(ByteBuf frame) {
        int first = Packets.firstByte(frame);
        if (first == OK) {
            return okPacketEndsResult(frame);
        }
        if (first == ERR) {
            return errPacket(frame);
        }
        return serverFailure();
    }

    private ServerStep serverInPrepareHead(ByteBuf frame) {
        int first = Packets.firstByte(frame);
        if (first == ERR) {
            return errPacket(frame);
        }
        // status (1), statement_id (4), num_columns (2), num_params (2), reserved (1), warning_count (2)
        int length = Packets.payloadLength(frame);
        if (first != OK || length < 12) {
            return serverFailure();
        }
        int payload = Packets.payloadIndex(frame);
        int columns = frame.getUnsignedShortLE(payload + 5);
        int parameters = frame.getUnsignedShortLE(payload + 7);
        if (optionalMetadata && length >= 13 && frame.getUnsignedByte(payload + 12) == 0) {
            // RESULTSET_METADATA_NONE: no definitions follow.
            return complete();
        }
        preparedColumns = columns;
        if (parameters > 0) {
            remaining = parameters;
            state = State.PREPARE_PARAMETERS;
            return ServerStep.IN_PROGRESS;
        }
        return preparedColumnsOrComplete();
    }

    private ServerStep serverInPrepareParameters(ByteBuf frame) {
        if (Packets.firstByte(frame) < 0) {
            return serverFailure();
        }
        if (--remaining == 0) {
            if (!deprecateEof) {
                state = State.PREPARE_PARAMETERS_EOF;
                return ServerStep.IN_PROGRESS;
            }
            return preparedColumnsOrComplete();
        }
        return ServerStep.IN_PROGRESS;
    }

    private ServerStep serverInPrepareParametersEof(ByteBuf frame) {
        if (!isEof(frame) || !readStatus(frame)) {
            return serverFailure();
        }
        return preparedColumnsOrComplete();
    }

    private ServerStep serverInPrepareColumns(ByteBuf frame) {
        if (Packets.firstByte(frame) < 0) {
            return serverFailure();
        }
        if (--remaining == 0) {
            if (!deprecateEof) {
                state = State.PREPARE_COLUMNS_EOF;
                return ServerStep.IN_PROGRESS;
            }
            return complete();
        }
        return ServerStep.IN_PROGRESS;
    }

    private ServerStep serverInPrepareColumnsEof(ByteBuf frame) {
        if (!isEof(frame) || !readStatus(frame)) {
            return serverFailure();
        }
        return complete();
    }

    private ServerStep serverInFieldList(ByteBuf frame) {
        int first = Packets.firstByte(frame);
        if (first == ERR) {
            return errPacket(frame);
        }
        if (first == EOF && isResultSetTerminator(frame)) {
            return readStatus(frame) ? complete() : serverFailure();
        }
        if (first < 0) {
            return serverFailure();
        }
        return ServerStep.IN_PROGRESS;
    }

    private ServerStep serverInStatistics(ByteBuf frame) {
        // One human-readable string<EOF>, whatever its first byte; it carries no status flags.
        return complete();
    }

    private ServerStep serverInChangeUser(ByteBuf frame) {
        int first = Packets.firstByte(frame);
        switch (first) {
            case OK:
                return readStatus(frame) ? complete() : serverFailure();
            case ERR:
                return errPacket(frame);
            case EOF:
                // AuthSwitchRequest: the client answers with auth data for the named plugin.
                state = State.CHANGE_USER_AUTH;
                return ServerStep.AWAITING_CLIENT;
            case AUTH_MORE_DATA:
                state = State.CHANGE_USER_AUTH;
                if (Packets.payloadLength(frame) == 2
                        && frame.getUnsignedByte(Packets.payloadIndex(frame) + 1) == FAST_AUTH_SUCCESS) {
                    return ServerStep.IN_PROGRESS;
                }
                return ServerStep.AWAITING_CLIENT;
            default:
                return serverFailure();
        }
    }

    private ServerStep serverInOkResponse(ByteBuf frame) {
        int first = Packets.firstByte(frame);
        if (first == ERR) {
            return errPacket(frame);
        }
        if (first == OK || first == EOF && isResultSetTerminator(frame)) {
            return readStatus(frame) ? complete() : serverFailure();
        }
        return serverFailure();
    }

    // ---- transitions shared by several states

    private ServerStep columnCount(ByteBuf frame) {
        int payload = Packets.payloadIndex(frame);
        int end = payload + Packets.payloadLength(frame);
        int size = Wire.lenencIntSize(frame, payload);
        if (payload + size > end) {
            return serverFailure();
        }
        long columns = Wire.getLenencInt(frame, payload);
        if (columns <= 0) {
            return serverFailure();
        }
        boolean metadataFollows = true;
        if (cacheMetadata || optionalMetadata) {
            if (payload + size >= end) {
                return serverFailure();
            }
            metadataFollows = frame.getUnsignedByte(payload + size) != 0;
        }
        if (metadataFollows) {
            remaining = columns;
            state = State.COLUMN_DEFINITIONS;
        } else {
            state = deprecateEof ? State.ROWS : State.COLUMNS_EOF;
        }
        return ServerStep.IN_PROGRESS;
    }

    private ServerStep okPacketEndsResult(ByteBuf frame) {
        if (!readStatus(frame)) {
            return serverFailure();
        }
        if (ServerStatus.has(serverStatus, ServerStatus.MORE_RESULTS_EXISTS)) {
            state = State.RESULT_HEAD;
            return ServerStep.IN_PROGRESS;
        }
        return complete();
    }

    private ServerStep preparedColumnsOrComplete() {
        if (preparedColumns > 0) {
            remaining = preparedColumns;
            state = State.PREPARE_COLUMNS;
            return ServerStep.IN_PROGRESS;
        }
        return complete();
    }

    /** An ERR ends the response, unless it is a MariaDB progress report. */
    private ServerStep errPacket(ByteBuf frame) {
        if (progress
                && Packets.payloadLength(frame) >= 3
                && frame.getUnsignedShortLE(Packets.payloadIndex(frame) + 1) == PROGRESS_ERROR_CODE) {
            return ServerStep.IN_PROGRESS;
        }
        return complete();
    }

    private ServerStep complete() {
        state = State.IDLE;
        return ServerStep.COMPLETE;
    }

    private ServerStep serverFailure() {
        failedIn = state;
        state = State.FAILED;
        return ServerStep.UNEXPECTED;
    }

    private ClientStep clientFailure() {
        failedIn = state;
        state = State.FAILED;
        return ClientStep.UNEXPECTED;
    }

    // ---- peeks at OK and EOF packets

    /** An EOF packet: 0xFE header and a payload shorter than 9 bytes. */
    private static boolean isEof(ByteBuf frame) {
        return Packets.firstByte(frame) == EOF && Packets.payloadLength(frame) < EOF_MAX_PAYLOAD;
    }

    /**
     * Whether a packet with a 0xFE header ends a result set rather than being a row: an EOF is shorter
     * than 9 bytes; with {@code CLIENT_DEPRECATE_EOF} the terminator is an OK packet, which may be longer
     * but never fills a physical packet, while a text row starting with 0xFE (a string of 2^24 bytes or
     * more) always does.
     */
    private boolean isResultSetTerminator(ByteBuf frame) {
        int length = Packets.payloadLength(frame);
        return deprecateEof ? length < Packets.MAX_PAYLOAD : length < EOF_MAX_PAYLOAD;
    }

    /**
     * Reads the status flags of an OK packet (0x00, or 0xFE when it replaces EOF) or of an EOF packet
     * into {@link #serverStatus}; false when the packet is too short to hold them.
     */
    private boolean readStatus(ByteBuf frame) {
        int payload = Packets.payloadIndex(frame);
        int end = payload + Packets.payloadLength(frame);
        int index;
        if (Packets.firstByte(frame) == EOF && Packets.payloadLength(frame) < EOF_MAX_PAYLOAD && !deprecateEof) {
            // EOF_Packet: header, warnings (2), status (2)
            index = payload + 3;
        } else {
            // OK_Packet: header, affected_rows<lenenc>, last_insert_id<lenenc>, status (2), warnings (2)
            index = payload + 1;
            if (index >= end || frame.getUnsignedByte(index) == ERR) {
                return false;
            }
            index += Wire.lenencIntSize(frame, index);
            if (index >= end || frame.getUnsignedByte(index) == ERR) {
                return false;
            }
            index += Wire.lenencIntSize(frame, index);
        }
        if (index + 2 > end) {
            return false;
        }
        serverStatus = frame.getUnsignedShortLE(index);
        return true;
    }
}
