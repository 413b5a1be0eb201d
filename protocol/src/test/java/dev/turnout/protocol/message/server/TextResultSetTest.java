package dev.turnout.protocol.message.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.constant.ServerStatus;
import dev.turnout.protocol.response.ResponseTracker;
import dev.turnout.protocol.response.ServerStep;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextResultSetTest {

    private static final long BASE = Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_TRANSACTIONS;

    private static List<ByteBuf> frames(ByteBuf out) {
        List<ByteBuf> frames = new ArrayList<>();
        while (out.isReadable()) {
            int length = out.getUnsignedMediumLE(out.readerIndex());
            frames.add(out.readSlice(Packets.HEADER_SIZE + length));
        }
        return frames;
    }

    @ParameterizedTest
    @ValueSource(
            longs = {
                0,
                Capabilities.CLIENT_DEPRECATE_EOF,
                Capabilities.MARIADB_CLIENT_EXTENDED_METADATA,
                Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.MARIADB_CLIENT_EXTENDED_METADATA
            })
    void isAResponseTheTrackerSeesCompleteOnItsLastPacket(long extra) {
        long caps = BASE | extra;
        TextResultSet result =
                new TextResultSet(List.of("name", "value"), List.of(List.of("a", "1"), Arrays.asList("b", null)));
        ByteBuf out = Unpooled.buffer();
        int next = result.encode(out, caps, ServerStatus.AUTOCOMMIT, 1);
        List<ByteBuf> frames = frames(out);
        boolean deprecateEof = (extra & Capabilities.CLIENT_DEPRECATE_EOF) != 0;
        assertThat(frames).hasSize(1 + 2 + (deprecateEof ? 0 : 1) + 2 + 1);
        assertThat(next).isEqualTo(1 + frames.size());
        for (int i = 0; i < frames.size(); i++) {
            assertThat(Packets.sequenceId(frames.get(i))).isEqualTo(i + 1);
        }

        ResponseTracker tracker = new ResponseTracker(caps);
        ByteBuf query = Unpooled.buffer();
        Packets.writeHeader(query, 2, 0);
        query.writeByte(Command.COM_QUERY).writeByte('x');
        tracker.onClientPacket(query);
        for (int i = 0; i < frames.size() - 1; i++) {
            assertThat(tracker.onServerPacket(frames.get(i))).as("packet %d", i).isEqualTo(ServerStep.IN_PROGRESS);
        }
        assertThat(tracker.onServerPacket(frames.get(frames.size() - 1))).isEqualTo(ServerStep.COMPLETE);
        assertThat(tracker.isIdle()).isTrue();
        assertThat(tracker.serverStatus()).isEqualTo(ServerStatus.AUTOCOMMIT);

        ByteBuf lastRow = frames.get(frames.size() - 2).skipBytes(Packets.HEADER_SIZE);
        assertThat(Wire.readLenencString(lastRow)).isEqualTo("b");
        assertThat(lastRow.readUnsignedByte()).as("NULL").isEqualTo((short) 0xFB);
    }

    @Test
    void rejectsRowsOfTheWrongWidth() {
        assertThatThrownBy(() -> new TextResultSet(List.of("a"), List.of(List.of("1", "2"))))
                .hasMessageContaining("2 values for 1 columns");
        assertThatThrownBy(() -> new TextResultSet(List.of(), List.of())).hasMessageContaining("columns");
    }
}
