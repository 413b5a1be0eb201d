package dev.turnout.protocol.response;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.response.ResponseTracker.State;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hand-built boundary cases the recorded conversations do not reach. */
class ResponseTrackerTest {

    private static final long MARIADB = Capabilities.CLIENT_PROTOCOL_41
            | Capabilities.CLIENT_MULTI_RESULTS
            | Capabilities.CLIENT_PS_MULTI_RESULTS
            | Capabilities.CLIENT_LOCAL_FILES;
    private static final long DEPRECATE_EOF = MARIADB | Capabilities.CLIENT_DEPRECATE_EOF;

    private final List<ByteBuf> buffers = new ArrayList<>();

    @AfterEach
    void releaseBuffers() {
        buffers.forEach(ByteBuf::release);
    }

    @Test
    void startsIdleWithAutocommitAndNoCommand() {
        ResponseTracker tracker = new ResponseTracker(MARIADB);
        assertThat(tracker.isIdle()).isTrue();
        assertThat(tracker.state()).isEqualTo(State.IDLE);
        assertThat(tracker.command()).isEqualTo(-1);
        assertThat(tracker.serverStatus()).isEqualTo(ServerStatus.AUTOCOMMIT);
    }

    @Test
    void takesARowOf0xFFFFFEPayloadBytesAsOneWholeRow() {
        ResponseTracker tracker = inRows(MARIADB);
        ByteBuf row = bigPacket(0xFFFFFE, 2, 0xFD);
        assertThat(tracker.onServerPacket(row)).isEqualTo(ServerStep.IN_PROGRESS);
        assertThat(tracker.state()).isEqualTo(State.ROWS);
        release(row);
        assertThat(tracker.onServerPacket(eof(3, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.COMPLETE);
        assertThat(tracker.isIdle()).isTrue();
    }

    @Test
    void takesTheEmptyPacketAfterARowOf0xFFFFFFBytesAsTheRowsEndNotAsATerminator() {
        ResponseTracker tracker = inRows(MARIADB);
        ByteBuf row = bigPacket(0xFFFFFF, 2, 0xFD);
        assertThat(tracker.onServerPacket(row)).isEqualTo(ServerStep.IN_PROGRESS);
        assertThat(tracker.state()).isEqualTo(State.SERVER_CONTINUATION);
        release(row);
        assertThat(tracker.onServerPacket(packet(3))).isEqualTo(ServerStep.IN_PROGRESS);
        assertThat(tracker.state()).isEqualTo(State.ROWS);
        assertThat(tracker.onServerPacket(eof(4, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.COMPLETE);
    }

    @Test
    void neverReadsTheContinuationOfARowOver16MiBAsAnEofEvenWhenItLooksLikeOne() {
        ResponseTracker tracker = inRows(MARIADB);
        // 0xFFFFFF + 5 bytes, the tail of which looks exactly like an EOF packet.
        CompositeByteBuf row = Unpooled.compositeBuffer();
        ByteBuf header = Unpooled.buffer(4);
        Packets.writeHeader(header, 0xFFFFFF, 2);
        ByteBuf body = Unpooled.directBuffer(0xFFFFFF).writeByte(0xFE).writerIndex(0xFFFFFF);
        row.addComponents(true, header, body);
        assertThat(tracker.onServerPacket(row)).isEqualTo(ServerStep.IN_PROGRESS);
        release(row);
        assertThat(tracker.onServerPacket(packet(3, 0xFE, 0, 0, 2, 0))).isEqualTo(ServerStep.IN_PROGRESS);
        assertThat(tracker.isIdle()).isFalse();
        assertThat(tracker.onServerPacket(eof(4, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.COMPLETE);
    }

    @Test
    void takesAPacketStarting0xFEOfNineBytesAndMoreAsARowWithoutDeprecateEof() {
        ResponseTracker tracker = inRows(MARIADB);
        assertThat(tracker.onServerPacket(packet(2, 0xFE, 1, 0, 0, 0, 0, 0, 0, 0)))
                .isEqualTo(ServerStep.IN_PROGRESS);
        assertThat(tracker.state()).isEqualTo(State.ROWS);
        assertThat(tracker.onServerPacket(packet(3, 0xFE, 0, 0, 2, 0))).isEqualTo(ServerStep.COMPLETE);
    }

    @Test
    void takesALongOkWith0xFEHeaderAsTheTerminatorWithDeprecateEofButAFullPacketStarting0xFEAsARow() {
        ResponseTracker tracker = inRows(DEPRECATE_EOF);
        ByteBuf row = bigPacket(0xFFFFFF, 2, 0xFE);
        assertThat(tracker.onServerPacket(row)).isEqualTo(ServerStep.IN_PROGRESS);
        release(row);
        assertThat(tracker.onServerPacket(packet(3, 1, 2, 3))).isEqualTo(ServerStep.IN_PROGRESS);
        assertThat(tracker.state()).isEqualTo(State.ROWS);
        // OK with 0xFE header, status IN_TRANS|AUTOCOMMIT|SESSION_STATE_CHANGED, info and session state: 14 bytes.
        ByteBuf ok = packet(4, 0xFE, 0, 0, 0x03, 0x40, 0, 0, 0, 6, 5, 4, 3, 2, 1);
        assertThat(tracker.onServerPacket(ok)).isEqualTo(ServerStep.COMPLETE);
        assertThat(tracker.serverStatus()).isEqualTo(0x4003);
    }

    @Test
    void followsMoreResultsFromTheTerminatorToTheNextResult() {
        ResponseTracker tracker = inRows(DEPRECATE_EOF);
        int more = ServerStatus.AUTOCOMMIT | ServerStatus.MORE_RESULTS_EXISTS;
        assertThat(tracker.onServerPacket(packet(2, 0xFE, 0, 0, more, 0, 0, 0))).isEqualTo(ServerStep.IN_PROGRESS);
        assertThat(tracker.state()).isEqualTo(State.RESULT_HEAD);
        assertThat(tracker.onServerPacket(ok(3, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.COMPLETE);
    }

    @Test
    void endsTheResponseAtAnErrBetweenRows() {
        ResponseTracker tracker = inRows(MARIADB);
        assertThat(tracker.onServerPacket(packet(2, 1, '1'))).isEqualTo(ServerStep.IN_PROGRESS);
        assertThat(tracker.onServerPacket(err(3, 1242))).isEqualTo(ServerStep.COMPLETE);
        assertThat(tracker.isIdle()).isTrue();
    }

    @Test
    void passesProgressReportsOnlyWhenProgressWasNegotiated() {
        ResponseTracker withProgress = new ResponseTracker(MARIADB | Capabilities.MARIADB_CLIENT_PROGRESS);
        withProgress.onClientPacket(packet(0, Command.COM_QUERY, 'x'));
        assertThat(withProgress.onServerPacket(err(1, 0xFFFF))).isEqualTo(ServerStep.IN_PROGRESS);
        assertThat(withProgress.onServerPacket(err(2, 0xFFFF))).isEqualTo(ServerStep.IN_PROGRESS);
        assertThat(withProgress.onServerPacket(ok(3, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.COMPLETE);

        ResponseTracker withoutProgress = new ResponseTracker(MARIADB);
        withoutProgress.onClientPacket(packet(0, Command.COM_QUERY, 'x'));
        assertThat(withoutProgress.onServerPacket(err(1, 0xFFFF))).isEqualTo(ServerStep.COMPLETE);
    }

    @Test
    void readsAnEmptyPacketAfterAFullLocalInfilePacketAsItsContinuationNotAsTheEndOfTheFile() {
        ResponseTracker tracker = new ResponseTracker(MARIADB);
        tracker.onClientPacket(packet(0, Command.COM_QUERY, 'x'));
        assertThat(tracker.onServerPacket(packet(1, 0xFB, 'f'))).isEqualTo(ServerStep.AWAITING_CLIENT);
        ByteBuf data = bigPacket(0xFFFFFF, 2, 'a');
        assertThat(tracker.onClientPacket(data)).isEqualTo(ClientStep.CONTINUATION);
        release(data);
        assertThat(tracker.onClientPacket(packet(3))).isEqualTo(ClientStep.CONTINUATION);
        assertThat(tracker.onClientPacket(packet(4))).isEqualTo(ClientStep.LOCAL_INFILE_END);
        assertThat(tracker.onServerPacket(ok(5, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.COMPLETE);
    }

    @Test
    void followsTheFileExchangeOfAnExecuteOfAPreparedLoadDataLocalInfile() {
        ResponseTracker tracker = new ResponseTracker(MARIADB);
        tracker.onClientPacket(packet(0, Command.COM_STMT_EXECUTE, 1, 0, 0, 0, 0, 1, 0, 0, 0));
        assertThat(tracker.onServerPacket(packet(1, 0xFB, 'f'))).isEqualTo(ServerStep.AWAITING_CLIENT);
        assertThat(tracker.state()).isEqualTo(ResponseTracker.State.LOCAL_INFILE_DATA);
        assertThat(tracker.onClientPacket(packet(2, '1', '\n'))).isEqualTo(ClientStep.CONTINUATION);
        assertThat(tracker.onClientPacket(packet(3))).isEqualTo(ClientStep.LOCAL_INFILE_END);
        assertThat(tracker.onServerPacket(ok(4, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.COMPLETE);
        assertThat(tracker.isIdle()).isTrue();
    }

    @Test
    void failsOnAFileRequestAnsweringACommandThatCannotLoadAFile() {
        for (int command : new int[] {Command.COM_STMT_PREPARE, Command.COM_STMT_BULK_EXECUTE, Command.COM_PING}) {
            ResponseTracker tracker = new ResponseTracker(MARIADB);
            tracker.onClientPacket(packet(0, command, 1, 0, 0, 0, 1, 0, 0, 0));
            assertThat(tracker.onServerPacket(packet(1, 0xFB, 'f')))
                    .as("0xFB answering %s", Command.name(command))
                    .isEqualTo(ServerStep.UNEXPECTED);
        }
    }

    @Test
    void completesACommandThatGetsNoResponseAtItsLastPacketWhenItSpansSeveral() {
        ResponseTracker tracker = new ResponseTracker(MARIADB);
        ByteBuf first = bigPacket(0xFFFFFF, 0, Command.COM_STMT_SEND_LONG_DATA);
        assertThat(tracker.onClientPacket(first)).isEqualTo(ClientStep.COMMAND_STARTED);
        release(first);
        assertThat(tracker.isIdle()).isFalse();
        assertThat(tracker.onClientPacket(packet(1, 'z'))).isEqualTo(ClientStep.COMMAND_COMPLETE_NO_RESPONSE);
        assertThat(tracker.isIdle()).isTrue();
        assertThat(tracker.command()).isEqualTo(Command.COM_STMT_SEND_LONG_DATA);
    }

    @Test
    void waitsForTheResponseOfAQueryOver16MiBOnlyAfterItsLastPacket() {
        ResponseTracker tracker = new ResponseTracker(MARIADB);
        ByteBuf first = bigPacket(0xFFFFFF, 0, Command.COM_QUERY);
        assertThat(tracker.onClientPacket(first)).isEqualTo(ClientStep.COMMAND_STARTED);
        release(first);
        assertThat(tracker.onServerPacket(ok(1, ServerStatus.AUTOCOMMIT)))
                .as("server speaks mid-command")
                .isEqualTo(ServerStep.UNEXPECTED);
        tracker.reset();
        first = bigPacket(0xFFFFFF, 0, Command.COM_QUERY);
        tracker.onClientPacket(first);
        release(first);
        assertThat(tracker.onClientPacket(packet(1))).isEqualTo(ClientStep.CONTINUATION);
        assertThat(tracker.onServerPacket(ok(2, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.COMPLETE);
    }

    @Test
    void followsAChangeUserThroughAuthMoreDataAndFastAuthentication() {
        ResponseTracker tracker = new ResponseTracker(MARIADB);
        assertThat(tracker.onClientPacket(packet(0, Command.COM_CHANGE_USER, 'u', 0)))
                .isEqualTo(ClientStep.COMMAND_STARTED);
        assertThat(tracker.onClientPacket(packet(1, 1)))
                .as("client speaks before the server")
                .isEqualTo(ClientStep.UNEXPECTED);
        tracker.reset();
        tracker.onClientPacket(packet(0, Command.COM_CHANGE_USER, 'u', 0));
        assertThat(tracker.onServerPacket(packet(1, 0x01, 0x04))).isEqualTo(ServerStep.AWAITING_CLIENT);
        assertThat(tracker.onClientPacket(packet(2, 0x02))).isEqualTo(ClientStep.CONTINUATION);
        assertThat(tracker.onServerPacket(packet(3, 0x01, '-', '-'))).isEqualTo(ServerStep.AWAITING_CLIENT);
        assertThat(tracker.onClientPacket(packet(4, 9, 9, 9))).isEqualTo(ClientStep.CONTINUATION);
        assertThat(tracker.onServerPacket(ok(5, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.COMPLETE);

        tracker.onClientPacket(packet(0, Command.COM_CHANGE_USER, 'u', 0));
        assertThat(tracker.onServerPacket(packet(1, 0x01, 0x03)))
                .as("fast auth success")
                .isEqualTo(ServerStep.IN_PROGRESS);
        assertThat(tracker.onServerPacket(ok(2, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.COMPLETE);
    }

    @Test
    void completesAPrepareWithoutParametersOrColumnsAtThePrepareOk() {
        ResponseTracker tracker = new ResponseTracker(MARIADB);
        tracker.onClientPacket(packet(0, Command.COM_STMT_PREPARE, 'D', 'O', ' ', '1'));
        assertThat(tracker.onServerPacket(packet(1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
                .isEqualTo(ServerStep.COMPLETE);
    }

    @Test
    void failsOnAServerPacketWhileIdleAndStaysFailedUntilReset() {
        ResponseTracker tracker = new ResponseTracker(MARIADB);
        assertThat(tracker.onServerPacket(ok(0, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.UNEXPECTED);
        assertThat(tracker.state()).isEqualTo(State.FAILED);
        assertThat(tracker.failedIn()).isEqualTo(State.IDLE);
        assertThat(tracker.isIdle()).isFalse();
        assertThat(tracker.onClientPacket(packet(0, Command.COM_PING))).isEqualTo(ClientStep.UNEXPECTED);
        assertThat(tracker.onServerPacket(ok(1, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.UNEXPECTED);
        tracker.reset();
        assertThat(tracker.isIdle()).isTrue();
        assertThat(tracker.onClientPacket(packet(0, Command.COM_PING))).isEqualTo(ClientStep.COMMAND_STARTED);
        assertThat(tracker.onServerPacket(ok(1, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.COMPLETE);
    }

    @Test
    void failsOnAClientPacketThatIsNeitherACommandNorDataWhileAResponseIsInFlight() {
        ResponseTracker tracker = inRows(MARIADB);
        assertThat(tracker.onClientPacket(packet(3, Command.COM_PING))).isEqualTo(ClientStep.UNEXPECTED);
        assertThat(tracker.failedIn()).isEqualTo(State.ROWS);
    }

    @Test
    void queuesPipelinedCommandsAndIsIdleOnlyAfterTheLastResponse() {
        ResponseTracker tracker = new ResponseTracker(MARIADB);
        // MariaDB Connector/J sends COM_STMT_PREPARE and COM_STMT_EXECUTE(-1) without waiting, then a close.
        assertThat(tracker.onClientPacket(packet(0, Command.COM_STMT_PREPARE, 'D', 'O', ' ', '1')))
                .isEqualTo(ClientStep.COMMAND_STARTED);
        assertThat(tracker.onClientPacket(packet(0, Command.COM_STMT_EXECUTE, 0xFF, 0xFF, 0xFF, 0xFF, 0, 1, 0, 0, 0)))
                .isEqualTo(ClientStep.COMMAND_STARTED);
        assertThat(tracker.onClientPacket(packet(0, Command.COM_STMT_CLOSE, 1, 0, 0, 0)))
                .as("a close gets no response, also behind one")
                .isEqualTo(ClientStep.COMMAND_COMPLETE_NO_RESPONSE);
        assertThat(tracker.queuedCommands()).isEqualTo(1);
        assertThat(tracker.onServerPacket(packet(1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
                .as("PREPARE_OK")
                .isEqualTo(ServerStep.COMPLETE);
        assertThat(tracker.isIdle()).isFalse();
        assertThat(tracker.command()).isEqualTo(Command.COM_STMT_EXECUTE);
        assertThat(tracker.onServerPacket(ok(1, ServerStatus.AUTOCOMMIT)))
                .as("execute's OK")
                .isEqualTo(ServerStep.COMPLETE);
        assertThat(tracker.isIdle()).as("the close gets no response").isTrue();
    }

    @Test
    void tellsThatLongDataSentBehindAPrepareGetsNoResponse() {
        ResponseTracker tracker = new ResponseTracker(MARIADB);
        // MariaDB Connector/J binding a stream: PREPARE, SEND_LONG_DATA(-1), EXECUTE(-1), without waiting.
        tracker.onClientPacket(packet(0, Command.COM_STMT_PREPARE, 'x'));
        assertThat(tracker.onClientPacket(packet(0, Command.COM_STMT_SEND_LONG_DATA, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 1)))
                .isEqualTo(ClientStep.COMMAND_COMPLETE_NO_RESPONSE);
        assertThat(tracker.onClientPacket(packet(0, Command.COM_STMT_EXECUTE, 0xFF, 0xFF, 0xFF, 0xFF, 0, 1, 0, 0, 0)))
                .isEqualTo(ClientStep.COMMAND_STARTED);
        assertThat(tracker.queuedCommands()).isEqualTo(1);
        assertThat(tracker.onServerPacket(packet(1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
                .isEqualTo(ServerStep.COMPLETE);
        assertThat(tracker.command()).isEqualTo(Command.COM_STMT_EXECUTE);
        assertThat(tracker.onServerPacket(ok(1, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.COMPLETE);
        assertThat(tracker.isIdle()).isTrue();
        assertThat(ResponseTracker.getsResponse(Command.COM_STMT_SEND_LONG_DATA))
                .isFalse();
        assertThat(ResponseTracker.getsResponse(Command.COM_STMT_CLOSE)).isFalse();
        assertThat(ResponseTracker.getsResponse(Command.COM_STMT_EXECUTE)).isTrue();
    }

    @Test
    void readsTheRestOfLongDataSentBehindAResponseAfterThatResponseIsComplete() {
        ResponseTracker tracker = new ResponseTracker(MARIADB);
        tracker.onClientPacket(packet(0, Command.COM_PING));
        ByteBuf first = bigPacket(0xFFFFFF, 0, Command.COM_STMT_SEND_LONG_DATA);
        assertThat(tracker.onClientPacket(first)).isEqualTo(ClientStep.COMMAND_STARTED);
        release(first);
        assertThat(tracker.onServerPacket(ok(1, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.COMPLETE);
        assertThat(tracker.onClientPacket(packet(1, 'd', 'a', 't', 'a')))
                .as("the last packet of the long data, not a new command")
                .isEqualTo(ClientStep.COMMAND_COMPLETE_NO_RESPONSE);
        assertThat(tracker.isIdle()).isTrue();
        assertThat(tracker.onClientPacket(packet(0, Command.COM_PING))).isEqualTo(ClientStep.COMMAND_STARTED);
    }

    @Test
    void queuesAPipelinedBatchOfQueriesAndFollowsEachResultSet() {
        ResponseTracker tracker = new ResponseTracker(DEPRECATE_EOF);
        for (int i = 0; i < 100; i++) {
            assertThat(tracker.onClientPacket(packet(0, Command.COM_QUERY, 'x')))
                    .isEqualTo(ClientStep.COMMAND_STARTED);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(tracker.isIdle()).isFalse();
            assertThat(tracker.onServerPacket(packet(1, 1))).isEqualTo(ServerStep.IN_PROGRESS);
            assertThat(tracker.onServerPacket(packet(2, 3, 'd', 'e', 'f'))).isEqualTo(ServerStep.IN_PROGRESS);
            assertThat(tracker.onServerPacket(packet(3, 1, 'r'))).isEqualTo(ServerStep.IN_PROGRESS);
            assertThat(tracker.onServerPacket(packet(4, 0xFE, 0, 0, ServerStatus.AUTOCOMMIT, 0, 0, 0)))
                    .isEqualTo(ServerStep.COMPLETE);
        }
        assertThat(tracker.isIdle()).isTrue();
        assertThat(tracker.queuedCommands()).isZero();
    }

    @Test
    void failsOnPacketsTheCommandPhaseNeverCarries() {
        ResponseTracker empty = new ResponseTracker(MARIADB);
        assertThat(empty.onClientPacket(packet(0))).as("empty command").isEqualTo(ClientStep.UNEXPECTED);

        ResponseTracker binlog = new ResponseTracker(MARIADB);
        assertThat(binlog.onClientPacket(packet(0, Command.COM_BINLOG_DUMP, 4, 0, 0, 0)))
                .isEqualTo(ClientStep.UNEXPECTED);

        ResponseTracker noLocalFiles = new ResponseTracker(MARIADB & ~Capabilities.CLIENT_LOCAL_FILES);
        noLocalFiles.onClientPacket(packet(0, Command.COM_QUERY, 'x'));
        assertThat(noLocalFiles.onServerPacket(packet(1, 0xFB, 'f'))).isEqualTo(ServerStep.UNEXPECTED);

        ResponseTracker eofFirst = new ResponseTracker(MARIADB);
        eofFirst.onClientPacket(packet(0, Command.COM_QUERY, 'x'));
        assertThat(eofFirst.onServerPacket(eof(1, ServerStatus.AUTOCOMMIT))).isEqualTo(ServerStep.UNEXPECTED);

        ResponseTracker shortOk = new ResponseTracker(MARIADB);
        shortOk.onClientPacket(packet(0, Command.COM_PING));
        assertThat(shortOk.onServerPacket(packet(1, 0, 0, 0)))
                .as("OK without status")
                .isEqualTo(ServerStep.UNEXPECTED);

        ResponseTracker notEof = inRows(MARIADB);
        notEof.reset();
        notEof.onClientPacket(packet(0, Command.COM_QUERY, 'x'));
        notEof.onServerPacket(packet(1, 1));
        notEof.onServerPacket(packet(2, 3, 'd', 'e', 'f'));
        assertThat(notEof.onServerPacket(packet(3, 1, 'x')))
                .as("row where the columns' EOF belongs")
                .isEqualTo(ServerStep.UNEXPECTED);
        assertThat(notEof.failedIn()).isEqualTo(State.COLUMNS_EOF);

        ResponseTracker continuedOk = new ResponseTracker(MARIADB);
        continuedOk.onClientPacket(packet(0, Command.COM_PING));
        ByteBuf hugeOk = bigPacket(0xFFFFFF, 1, 0);
        assertThat(continuedOk.onServerPacket(hugeOk))
                .as("an OK cannot be continued")
                .isEqualTo(ServerStep.UNEXPECTED);
        release(hugeOk);

        ResponseTracker clientDuringRow = inRows(MARIADB);
        ByteBuf row = bigPacket(0xFFFFFF, 2, 0xFD);
        clientDuringRow.onServerPacket(row);
        release(row);
        assertThat(clientDuringRow.onClientPacket(packet(3, Command.COM_PING))).isEqualTo(ClientStep.UNEXPECTED);
    }

    @Test
    void allocatesNothingPerPacket() {
        ResponseTracker tracker = new ResponseTracker(DEPRECATE_EOF);
        ByteBuf[] response = {
            packet(1, 2),
            packet(2, 3, 'd', 'e', 'f'),
            packet(3, 3, 'd', 'e', 'f'),
            packet(4, 1, 'a', 1, 'b'),
            packet(5, 0xFB, 1, 'b'),
            packet(6, 0xFE, 0, 0, 2, 0, 0, 0),
        };
        ByteBuf query = packet(0, Command.COM_QUERY, 'x');
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long threadId = Thread.currentThread().getId();
        runResponses(tracker, query, response, 20_000);
        long before = threads.getThreadAllocatedBytes(threadId);
        runResponses(tracker, query, response, 100_000);
        long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertThat(tracker.isIdle()).isTrue();
        assertThat(allocated).as("bytes allocated for 700 000 packets").isLessThan(100_000);
    }

    private static void runResponses(ResponseTracker tracker, ByteBuf query, ByteBuf[] response, int times) {
        for (int i = 0; i < times; i++) {
            if (tracker.onClientPacket(query) != ClientStep.COMMAND_STARTED) {
                throw new AssertionError("not started");
            }
            for (ByteBuf packet : response) {
                tracker.onServerPacket(packet);
            }
        }
    }

    // ---- packets

    /** A tracker that forwarded a COM_QUERY and got one column's metadata (and EOF without DEPRECATE_EOF). */
    private ResponseTracker inRows(long capabilities) {
        ResponseTracker tracker = new ResponseTracker(capabilities);
        assertThat(tracker.onClientPacket(packet(0, Command.COM_QUERY, 's'))).isEqualTo(ClientStep.COMMAND_STARTED);
        int sequence = 1;
        assertThat(tracker.onServerPacket(packet(sequence++, 1))).isEqualTo(ServerStep.IN_PROGRESS);
        assertThat(tracker.onServerPacket(packet(sequence++, 3, 'd', 'e', 'f'))).isEqualTo(ServerStep.IN_PROGRESS);
        if (!Capabilities.has(capabilities, Capabilities.CLIENT_DEPRECATE_EOF)) {
            assertThat(tracker.onServerPacket(eof(sequence, ServerStatus.AUTOCOMMIT)))
                    .isEqualTo(ServerStep.IN_PROGRESS);
        }
        assertThat(tracker.state()).isEqualTo(State.ROWS);
        return tracker;
    }

    private ByteBuf packet(int sequenceId, int... payload) {
        ByteBuf buf = Unpooled.buffer(4 + payload.length);
        Packets.writeHeader(buf, payload.length, sequenceId);
        for (int b : payload) {
            buf.writeByte(b);
        }
        buffers.add(buf);
        return buf;
    }

    private ByteBuf ok(int sequenceId, int status) {
        return packet(sequenceId, 0, 0, 0, status & 0xFF, status >> 8, 0, 0);
    }

    private ByteBuf eof(int sequenceId, int status) {
        return packet(sequenceId, 0xFE, 0, 0, status & 0xFF, status >> 8);
    }

    private ByteBuf err(int sequenceId, int code) {
        return packet(sequenceId, 0xFF, code & 0xFF, code >> 8, '#', 'H', 'Y', '0', '0', '0', 'x');
    }

    /** A direct buffer holding one packet of {@code payloadLength} bytes starting with {@code first}; release it soon. */
    private static ByteBuf bigPacket(int payloadLength, int sequenceId, int first) {
        ByteBuf buf = Unpooled.directBuffer(4 + payloadLength);
        Packets.writeHeader(buf, payloadLength, sequenceId);
        buf.writeByte(first);
        buf.writerIndex(4 + payloadLength);
        return buf;
    }

    private static void release(ByteBuf buf) {
        assertThat(buf.release()).isTrue();
    }
}
