package dev.turnout.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.routing.topology.TopologyHolder;
import dev.turnout.routing.topology.TopologySnapshot;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's election epoch travels with every topology (docs/push-protocol.md): a
 * connector refuses, and logs, a topology of an older epoch than the one it applied whatever its
 * version, and applies one of a newer epoch even when its version is lower.
 */
class PushEpochTest {

    private final PushFixture fixture = new PushFixture();

    @AfterEach
    void closeAll() throws Exception {
        fixture.close();
    }

    private static TopologySnapshot v(long version, long epoch) {
        return PushCodecTest.sample(version).withEpoch(epoch);
    }

    @Test
    void aDeposedCoordinatorsHigherVersionIsRefusedAndLoggedAndANewerEpochAppliesWithALowerVersion() throws Exception {
        // What the deposed manager sends on a (re)subscription too: on a loaded machine a link may be
        // subscribed again between the broadcast and the check, and must then get the same snapshot.
        AtomicReference<TopologySnapshot> deposedView = new AtomicReference<>(v(5, 1));
        PushServer deposed = fixture.server(deposedView::get);
        PushServer elected = fixture.server(() -> v(5, 1));
        TopologyHolder holder = new TopologyHolder(v(0, 0));
        PushClient client = fixture.client(holder, PushClient.Listener.acknowledging(), deposed, elected);
        PushFixture.await("both managers subscribed", () -> client.connectedManagers() == 2);
        PushFixture.await(
                "snapshot 5 of epoch 1 arrives", () -> holder.current().version() == 5);

        elected.broadcast(v(7, 2));
        PushFixture.await(
                "snapshot 7 of epoch 2 arrives", () -> holder.current().epoch() == 2);
        deposedView.set(v(1_000, 1));
        deposed.broadcast(v(1_000, 1)); // the old coordinator goes on, with higher versions

        fixture.awaitWarning(
                "refused topology version 1000 of epoch 1 from manager",
                ":" + deposed.port(),
                "epoch 2 (version 7) is applied");
        assertThat(holder.current()).isEqualTo(v(7, 2));
        assertThat(client.connectedManagers()).isEqualTo(2); // a refused snapshot keeps the connection

        // A newer coordinator may begin lower (versions are per epoch): its epoch decides.
        elected.broadcast(v(3, 3));
        PushFixture.await(
                "snapshot 3 of epoch 3 arrives", () -> holder.current().epoch() == 3);
        assertThat(holder.current().version()).isEqualTo(3);

        // Within an epoch, versions still only grow.
        elected.broadcast(v(2, 3));
        elected.broadcast(v(4, 3));
        PushFixture.await(
                "snapshot 4 of epoch 3 arrives", () -> holder.current().version() == 4);
        assertThat(holder.current()).isEqualTo(v(4, 3));
    }

    @Test
    void theEpochIsOnTheWireAndASnapshotWithoutOneIsOfEpochZero() {
        TopologySnapshot s = v(18, 4);
        String line = PushCodec.encode(new PushMessage.Topology(s));
        assertThat(line).contains("\"epoch\":4");
        assertThat(PushCodec.decode(line)).isEqualTo(new PushMessage.Topology(s));

        // A manager from before the group sends no epoch: it decides alone, epoch 0.
        String old = line.replace("\"epoch\":4,", "");
        assertThat(old).doesNotContain("epoch");
        PushMessage decoded = PushCodec.decode(old);
        assertThat(((PushMessage.Topology) decoded).snapshot()).isEqualTo(v(18, 0));
    }
}
