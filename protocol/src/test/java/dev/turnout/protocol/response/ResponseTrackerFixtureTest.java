package dev.turnout.protocol.response;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.wire.PacketFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays conversations recorded from a real MariaDB 11.4 server ({@link RecordFixtures}) through
 * the tracker: packet by packet, and as a byte stream cut by {@link PacketFrameDecoder} in an
 * {@link EmbeddedChannel}, fed whole, byte by byte and at random split points.
 */
class ResponseTrackerFixtureTest {

    private static final String[] SCENARIOS = {
        "query",
        "multi-statements",
        "procedures",
        "local-infile",
        "local-infile-prepared",
        "prepared",
        "cursor-mysql-connector",
        "bulk",
        "commands",
        "large-packets",
    };

    static Stream<String> fixtures() {
        List<String> names = new ArrayList<>();
        for (String scenario : SCENARIOS) {
            names.add(scenario + "-deprecate-eof.hex");
            names.add(scenario + "-eof.hex");
        }
        names.add("progress-deprecate-eof.hex");
        return names.stream();
    }

    static Stream<Arguments> smallFixturesAndSeeds() {
        return fixtures()
                .filter(name -> !name.startsWith("large"))
                .flatMap(name ->
                        Stream.of(Arguments.of(name, 1L), Arguments.of(name, 42L), Arguments.of(name, 20240611L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void returnsTheRecordedStepForEveryPacketFedOneByOne(String name) {
        Fixture fixture = Fixture.load(name);
        Replay replay = new Replay(fixture);
        for (Fixture.Line line : fixture.lines()) {
            ByteBuf frame = Unpooled.wrappedBuffer(line.bytes());
            try {
                replay.feed(frame);
            } finally {
                frame.release();
            }
        }
        replay.assertFinished();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void returnsTheRecordedStepsWhenTheFrameDecoderGetsEachDirectionsBytesWhole(String name) {
        replayThroughDecoder(Fixture.load(name), null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void returnsTheRecordedStepsWhenTheFrameDecoderGetsTheBytesOneAtATime(String name) {
        Fixture fixture = Fixture.load(name);
        if (name.startsWith("large")) {
            // 16 MiB packets one byte at a time would take minutes; their random splits run below.
            replayThroughDecoder(fixture, new Random(7), 65536);
            return;
        }
        replayThroughDecoder(fixture, null, 1);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("smallFixturesAndSeeds")
    void returnsTheRecordedStepsWhenTheFrameDecoderGetsTheBytesAtRandomSplitPoints(String name, long seed) {
        replayThroughDecoder(Fixture.load(name), new Random(seed), 40);
    }

    @Test
    void returnsTheRecordedStepsForPacketsOf16MiBSplitAtRandomPoints() {
        replayThroughDecoder(Fixture.load("large-packets-eof.hex"), new Random(11), 1 << 20);
        replayThroughDecoder(Fixture.load("large-packets-deprecate-eof.hex"), new Random(12), 1 << 20);
    }

    @Test
    void theRecordedFixturesCoverBothDialectsAndTheMariaDbExtensions() {
        assertThat(Capabilities.has(
                        Fixture.load("query-deprecate-eof.hex").capabilities(), Capabilities.CLIENT_DEPRECATE_EOF))
                .isTrue();
        assertThat(Capabilities.has(Fixture.load("query-eof.hex").capabilities(), Capabilities.CLIENT_DEPRECATE_EOF))
                .isFalse();
        assertThat(Capabilities.has(
                        Fixture.load("prepared-deprecate-eof.hex").capabilities(),
                        Capabilities.MARIADB_CLIENT_CACHE_METADATA))
                .isTrue();
        assertThat(Capabilities.has(
                        Fixture.load("bulk-eof.hex").capabilities(), Capabilities.MARIADB_CLIENT_STMT_BULK_OPERATIONS))
                .isTrue();
        assertThat(Capabilities.has(
                        Fixture.load("progress-deprecate-eof.hex").capabilities(),
                        Capabilities.MARIADB_CLIENT_PROGRESS))
                .isTrue();
        assertThat(Capabilities.has(
                        Fixture.load("local-infile-eof.hex").capabilities(), Capabilities.CLIENT_LOCAL_FILES))
                .isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everyRecordedConversationEndsAtACommandBoundary(String name) {
        Fixture fixture = Fixture.load(name);
        String last = fixture.lines().get(fixture.lines().size() - 1).step();
        assertThat(last).isIn("COMPLETE", "COMMAND_COMPLETE_NO_RESPONSE");
        assertThat(fixture.lines()).extracting(Fixture.Line::step).contains("COMPLETE");
    }

    @Test
    void followsTheTransactionFlagOfRealOkPackets() {
        List<Integer> statuses = statusesAfterCommands(Fixture.load("query-deprecate-eof.hex"));
        int begin = indexOfCommand(Fixture.load("query-deprecate-eof.hex"), "COM_QUERY BEGIN");
        assertThat(begin).isNotNegative();
        assertThat(statuses.get(begin) & ServerStatus.IN_TRANS).isEqualTo(ServerStatus.IN_TRANS);
        assertThat(statuses.get(begin + 2) & ServerStatus.IN_TRANS)
                .as("after ROLLBACK")
                .isZero();
    }

    @Test
    void seesTheCursorOpenedByExecuteAndTheLastRowSentByFetch() {
        for (String name :
                new String[] {"cursor-mysql-connector-eof.hex", "cursor-mysql-connector-deprecate-eof.hex"}) {
            Fixture fixture = Fixture.load(name);
            List<Integer> statuses = statusesAfterCommands(fixture);
            List<String> commands = commandComments(fixture);
            int execute = commands.indexOf("COM_STMT_EXECUTE");
            assertThat(statuses.get(execute) & ServerStatus.CURSOR_EXISTS)
                    .as(name)
                    .isEqualTo(ServerStatus.CURSOR_EXISTS);
            assertThat(commands.subList(execute + 1, execute + 4)).as(name).containsOnly("COM_STMT_FETCH");
            int lastFetch = commands.lastIndexOf("COM_STMT_FETCH");
            assertThat(statuses.get(lastFetch) & ServerStatus.LAST_ROW_SENT)
                    .as(name)
                    .isEqualTo(ServerStatus.LAST_ROW_SENT);
        }
    }

    @Test
    void passesMariaDbProgressReportsWithoutEndingTheResponse() {
        Fixture fixture = Fixture.load("progress-deprecate-eof.hex");
        assertThat(fixture.lines())
                .filteredOn(line -> line.comment().equals("progress report"))
                .isNotEmpty()
                .extracting(Fixture.Line::step)
                .containsOnly("IN_PROGRESS");
    }

    // ---- replay machinery

    /** The tracker under test, checked against the recorded step at every packet. */
    private static final class Replay {
        private final Fixture fixture;
        private final ResponseTracker tracker;
        private int next;

        Replay(Fixture fixture) {
            this.fixture = fixture;
            this.tracker = new ResponseTracker(fixture.capabilities());
        }

        boolean nextFromClient() {
            return fixture.lines().get(next).fromClient();
        }

        void feed(ByteBuf frame) {
            Fixture.Line line = fixture.lines().get(next);
            String where = fixture.name() + " line " + (next + 1) + " (" + line.comment() + ")";
            int readerIndex = frame.readerIndex();
            int readable = frame.readableBytes();
            int refCnt = frame.refCnt();
            assertThat(readable).as(where).isEqualTo(line.bytes().length);
            String step = line.fromClient()
                    ? tracker.onClientPacket(frame).name()
                    : tracker.onServerPacket(frame).name();
            assertThat(step).as(where).isEqualTo(line.step());
            assertThat(tracker.isIdle())
                    .as(where + ": idle exactly at a command boundary")
                    .isEqualTo(step.equals("COMPLETE") || step.equals("COMMAND_COMPLETE_NO_RESPONSE"));
            assertThat(frame.readerIndex()).as(where + ": reader index").isEqualTo(readerIndex);
            assertThat(frame.readableBytes()).isEqualTo(readable);
            assertThat(frame.refCnt())
                    .as(where + ": neither retained nor released")
                    .isEqualTo(refCnt);
            next++;
        }

        void assertFinished() {
            assertThat(next)
                    .as(fixture.name() + ": packets replayed")
                    .isEqualTo(fixture.lines().size());
            assertThat(tracker.isIdle()).isTrue();
        }
    }

    private static void replayThroughDecoder(Fixture fixture, Random random) {
        replayThroughDecoder(fixture, random, Integer.MAX_VALUE);
    }

    /**
     * Feeds each run of consecutive packets of one direction through that direction's decoder, cut in
     * chunks of {@code chunk} bytes, or of random sizes up to twice that when {@code random} is given.
     */
    private static void replayThroughDecoder(Fixture fixture, Random random, int chunk) {
        Replay replay = new Replay(fixture);
        EmbeddedChannel fromClient = new EmbeddedChannel(new PacketFrameDecoder());
        EmbeddedChannel fromServer = new EmbeddedChannel(new PacketFrameDecoder());
        List<Fixture.Line> lines = fixture.lines();
        int i = 0;
        while (i < lines.size()) {
            boolean client = lines.get(i).fromClient();
            ByteArrayOutputStream run = new ByteArrayOutputStream();
            while (i < lines.size() && lines.get(i).fromClient() == client) {
                run.writeBytes(lines.get(i).bytes());
                i++;
            }
            byte[] bytes = run.toByteArray();
            EmbeddedChannel channel = client ? fromClient : fromServer;
            int offset = 0;
            while (offset < bytes.length) {
                int size =
                        random == null ? chunk : 1 + random.nextInt((int) Math.min(Integer.MAX_VALUE - 1, 2L * chunk));
                size = Math.min(size, bytes.length - offset);
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, offset, size));
                offset += size;
                drain(channel, replay, client);
            }
        }
        assertThat(fromClient.finish()).isFalse();
        assertThat(fromServer.finish()).isFalse();
        replay.assertFinished();
    }

    private static void drain(EmbeddedChannel channel, Replay replay, boolean client) {
        ByteBuf frame;
        while ((frame = channel.readInbound()) != null) {
            try {
                assertThat(replay.nextFromClient()).isEqualTo(client);
                replay.feed(frame);
            } finally {
                frame.release();
            }
        }
    }

    /** For each client command of the fixture, the tracker's server status when its response completed. */
    private static List<Integer> statusesAfterCommands(Fixture fixture) {
        ResponseTracker tracker = new ResponseTracker(fixture.capabilities());
        List<Integer> statuses = new ArrayList<>();
        for (Fixture.Line line : fixture.lines()) {
            ByteBuf frame = Unpooled.wrappedBuffer(line.bytes());
            try {
                if (line.fromClient()) {
                    ClientStep step = tracker.onClientPacket(frame);
                    if (step == ClientStep.COMMAND_COMPLETE_NO_RESPONSE) {
                        statuses.add(tracker.serverStatus());
                    }
                } else if (tracker.onServerPacket(frame) == ServerStep.COMPLETE) {
                    statuses.add(tracker.serverStatus());
                }
            } finally {
                frame.release();
            }
        }
        return statuses;
    }

    /** The comment of each command's first packet, in order (one entry per command, as in {@link #statusesAfterCommands}). */
    private static List<String> commandComments(Fixture fixture) {
        List<String> commands = new ArrayList<>();
        for (Fixture.Line line : fixture.lines()) {
            if (line.step().equals("COMMAND_STARTED")
                    || line.step().equals("COMMAND_COMPLETE_NO_RESPONSE")
                            && line.fromClient()
                            && !line.comment().startsWith("continuation")) {
                commands.add(line.comment());
            }
        }
        return commands;
    }

    private static int indexOfCommand(Fixture fixture, String comment) {
        return commandComments(fixture).indexOf(comment);
    }
}
