package dev.turnout.manager.group;

import static dev.turnout.manager.group.GroupFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.manager.group.Operation.Kind;
import dev.turnout.manager.group.Operation.Step;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operation znode on a real ensemble: recorded step by step by the coordinator, found by the
 * next one at its election, and refused to a deposed coordinator.
 */
class OperationLogTest {

    @TempDir
    Path dir;

    private final List<ManagerGroup> groups = new ArrayList<>();

    @AfterEach
    void close() {
        groups.forEach(ManagerGroup::close);
    }

    @Test
    void anOperationRecordIsReadBackAsWritten() throws Exception {
        Operation op = Operation.begin(Kind.SWITCH, "db1", "db2", 7, "m1")
                .withPosition("0-1-42")
                .with(Step.CAUGHT_UP)
                .with(Step.OLD_READ_ONLY);

        Operation back = Objects.requireNonNull(Operation.decode(op.encode()));

        assertThat(back).isEqualTo(op);
        assertThat(back.done()).containsExactly(Step.OLD_READ_ONLY, Step.CAUGHT_UP);
        assertThat(Operation.decode(new byte[0])).isNull();
        assertThat(back.takenOverBy(8, "m2").epoch()).isEqualTo(8);
    }

    @Test
    void theNextCoordinatorFindsTheOperationAndTheDeposedOneCanNoLongerRecordIt() throws Exception {
        try (TestingCluster ensemble = new TestingCluster(3)) {
            ensemble.start();
            List<GroupMember> members = GroupFixture.members(3);
            for (GroupMember m : members) {
                groups.add(ManagerGroup.start(
                        GroupFixture.settings(members, m.name(), ensemble.getConnectString(), dir),
                        new GroupFixture.Recorder()));
            }
            await(
                    "one coordinator",
                    30,
                    () -> groups.stream().filter(ManagerGroup::isCoordinator).count() == 1);
            ManagerGroup first = groups.stream()
                    .filter(ManagerGroup::isCoordinator)
                    .findFirst()
                    .orElseThrow();
            ManagerGroup follower =
                    groups.stream().filter(g -> g != first).findFirst().orElseThrow();
            Operation op = Operation.begin(
                    Kind.FAILOVER, "db1", "db2", first.epoch(), first.settings().self());

            assertThat(follower.operations().begin(op))
                    .as("a member that is not the coordinator records nothing")
                    .isFalse();
            assertThat(first.operations().begin(op)).isTrue();
            Operation promoted = op.withPosition("0-1-9").with(Step.CAUGHT_UP).with(Step.PROMOTED);
            assertThat(first.operations().record(promoted)).isTrue();
            assertThat(follower.operations().inProgress()).isEqualTo(promoted);

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

            assertThat(second.operations().found())
                    .as("found at the election, as the first coordinator left it")
                    .isEqualTo(promoted);
            assertThat(first.operations().record(promoted.with(Step.REPOINTED)))
                    .as("the deposed coordinator's step is refused")
                    .isFalse();
            Operation mine =
                    promoted.takenOverBy(second.epoch(), second.settings().self());
            assertThat(second.operations().record(mine)).isTrue();
            assertThat(second.operations().record(mine.with(Step.REPOINTED))).isTrue();
            assertThat(Objects.requireNonNull(second.operations().inProgress()).done())
                    .isEqualTo(Set.of(Step.CAUGHT_UP, Step.PROMOTED, Step.REPOINTED));
            assertThat(first.operations().end()).as("nor may it end it").isFalse();
            assertThat(second.operations().end()).isTrue();
            assertThat(second.operations().inProgress()).isNull();
            assertThat(second.operations().found()).isNull();
        }
    }
}
