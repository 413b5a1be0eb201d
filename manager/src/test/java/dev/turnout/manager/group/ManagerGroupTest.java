package dev.turnout.manager.group;

import static dev.turnout.manager.group.GroupFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.routing.topology.TopologySnapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group on real ZooKeeper: three embedded quorum peers in this JVM, or an ensemble of
 * Curator's {@link TestingCluster}. One coordinator; a new one takes the next epoch; a deposed
 * coordinator's write is refused by ZooKeeper; every member follows the published topology.
 */
class ManagerGroupTest {

    @TempDir
    Path dir;

    private final List<ManagerGroup> groups = new ArrayList<>();
    private final List<GroupFixture.Recorder> recorders = new ArrayList<>();

    @AfterEach
    void close() {
        groups.forEach(ManagerGroup::close);
    }

    private void startAll(List<GroupMember> members, String ensemble) throws Exception {
        for (GroupMember m : members) {
            GroupFixture.Recorder r = new GroupFixture.Recorder();
            recorders.add(r);
            groups.add(ManagerGroup.start(GroupFixture.settings(members, m.name(), ensemble, dir), r));
        }
    }

    private ManagerGroup theCoordinator() throws InterruptedException {
        await(
                "one coordinator is elected",
                30,
                () -> groups.stream().filter(ManagerGroup::isCoordinator).count() == 1);
        return groups.stream().filter(ManagerGroup::isCoordinator).findFirst().orElseThrow();
    }

    @Test
    void embeddedPeersElectOneCoordinatorWhoseTopologyEveryoneFollows() throws Exception {
        startAll(GroupFixture.members(3), null);

        ManagerGroup first = theCoordinator();
        assertThat(first.epoch()).isEqualTo(1);
        await(
                "every member follows the first topology",
                10,
                () -> recorders.stream()
                        .allMatch(r -> r.last() != null
                                && Objects.requireNonNull(r.last()).snapshot().version() == 1000));
        assertThat(groups).allMatch(ManagerGroup::hasQuorum);
        assertThat(groups)
                .allSatisfy(g -> assertThat(g.coordinatorName())
                        .isEqualTo(first.settings().self()));

        assertThat(first.publish(GroupFixture.topology(1001))).isTrue();
        await(
                "every member follows version 1001",
                10,
                () -> recorders.stream()
                        .allMatch(
                                r -> Objects.requireNonNull(r.last()).snapshot().version() == 1001
                                        && r.last().epoch() == 1));
        assertThat(recorders)
                .as("the topology carries its coordinator's epoch, for the connectors")
                .allMatch(r -> Objects.requireNonNull(r.last()).snapshot().epoch() == 1);
        // A second change made from the same topology (the epoch's first one and an operator's, say)
        // gets the next version: with the same one, everybody would ignore it as already seen.
        assertThat(first.publish(GroupFixture.topology(1001))).isTrue();
        await(
                "every member follows the second change, as version 1002",
                10,
                () -> recorders.stream()
                        .allMatch(
                                r -> Objects.requireNonNull(r.last()).snapshot().version() == 1002));
        ManagerGroup follower =
                groups.stream().filter(g -> g != first).findFirst().orElseThrow();
        assertThat(follower.publish(GroupFixture.topology(1002)))
                .as("a member that is not the coordinator publishes nothing")
                .isFalse();

        GroupFixture.Recorder firstsRecorder = recorders.get(groups.indexOf(first));
        first.close();
        groups.remove(first);
        ManagerGroup second = theCoordinator();
        assertThat(second.epoch()).isEqualTo(2);
        await(
                "the survivors follow the new coordinator's first topology",
                10,
                () -> groups.stream().allMatch(g -> g.highestEpoch() == 2));
        List<GroupFixture.Recorder> survivors = new ArrayList<>();
        for (GroupFixture.Recorder r : recorders) {
            if (r != firstsRecorder) {
                survivors.add(r);
            }
        }
        assertThat(survivors)
                .anySatisfy(r -> assertThat(
                                Objects.requireNonNull(r.last()).snapshot().version())
                        .as("the new coordinator continues the versions")
                        .isEqualTo(1003));
        assertThat(survivors)
                .as("under its own epoch, which connectors then prefer to any version of epoch 1")
                .allMatch(r -> Objects.requireNonNull(r.last()).snapshot().epoch() == 2);
    }

    @Test
    void aDeposedCoordinatorsWriteIsRefusedOnAnExistingEnsemble() throws Exception {
        try (TestingCluster ensemble = new TestingCluster(3)) {
            ensemble.start();
            startAll(GroupFixture.members(3), ensemble.getConnectString());
            ManagerGroup first = theCoordinator();
            assertThat(first.publish(GroupFixture.topology(2000))).isTrue();

            // The old coordinator's session ends; another wins epoch 2. The old one's write with
            // the tokens of its epoch, as if it had not noticed, fails on the epoch's version.
            long before = first.epoch();
            await("every member runs for coordinator", 30, () -> groups.stream().allMatch(x -> x.candidates() == 3));
            first.expireSession();
            await(
                    "another member is elected",
                    30,
                    () -> groups.stream().anyMatch(g -> g != first && g.isCoordinator()));
            ManagerGroup second = groups.stream()
                    .filter(g -> g != first && g.isCoordinator())
                    .findFirst()
                    .orElseThrow();
            assertThat(second.epoch()).isEqualTo(before + 1);
            assertThat(first.write(GroupFixture.topology(9_999_999)))
                    .as("a write with an older epoch's token is refused")
                    .isFalse();
            await(
                    "everyone follows the new epoch",
                    10,
                    () -> groups.stream().allMatch(g -> g.highestEpoch() == before + 1));
            for (GroupFixture.Recorder r : recorders) {
                TopologySnapshot seen = Objects.requireNonNull(r.last()).snapshot();
                assertThat(seen.version()).isLessThan(9_999_999);
            }
        }
    }

    @Test
    void oneMemberOfThreeDownChangesNothingTwoDownLeaveNoQuorum() throws Exception {
        List<GroupMember> members = GroupFixture.members(3);
        startAll(members, null);
        ManagerGroup first = theCoordinator();
        ManagerGroup other = groups.stream().filter(g -> g != first).findFirst().orElseThrow();
        other.close();
        groups.remove(other);
        await("one peer down: the coordinator stays", 5, first::isCoordinator);
        assertThat(first.publish(GroupFixture.topology(3000))).isTrue();

        ManagerGroup last = groups.stream().filter(g -> g != first).findFirst().orElseThrow();
        last.close();
        groups.remove(last);
        await("two peers of three down: NO QUORUM", 20, () -> !first.hasQuorum());
        assertThat(first.isCoordinator()).isFalse();
        assertThat(first.publish(GroupFixture.topology(3001))).isFalse();
    }
}
