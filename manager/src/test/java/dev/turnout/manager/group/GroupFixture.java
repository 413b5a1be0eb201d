package dev.turnout.manager.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.Role;
import dev.turnout.routing.topology.TopologySnapshot;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/** Groups of test members on 127.0.0.1, with free ports, and a listener that records what it is told. */
final class GroupFixture {

    private GroupFixture() {}

    /** {@code n} members {@code m1…mn} on 127.0.0.1, each with three free ports. */
    static List<GroupMember> members(int n) throws IOException {
        List<GroupMember> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new GroupMember("m" + i, "127.0.0.1", false, freePort(), freePort(), freePort()));
        }
        return out;
    }

    static GroupSettings settings(List<GroupMember> members, String self, @Nullable String ensemble, Path dir) {
        return new GroupSettings(
                "alpha",
                self,
                members,
                List.of(),
                GroupSettings.WitnessCheck.CONNECT,
                7,
                ensemble,
                dir.resolve(self),
                Duration.ofMillis(1200));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static TopologySnapshot topology(long version) {
        return TopologySnapshot.of(
                version,
                Policy.AUTOMATIC,
                new Dataservice("alpha", List.of(Datasource.configured("db1", "127.0.0.1", 3306, Role.MASTER))));
    }

    /** Waits at most {@code seconds} for {@code condition}, polling every 20 ms. */
    static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Records; its coordinators start the topology at version 1000, or one above the current one. */
    static final class Recorder implements GroupListener {
        final List<Published> published = new CopyOnWriteArrayList<>();
        final List<Long> elected = new CopyOnWriteArrayList<>();

        @Override
        public @Nullable TopologySnapshot elected(long epoch, @Nullable Published current) {
            elected.add(epoch);
            return current == null
                    ? topology(1000)
                    : current.snapshot().withPolicy(current.snapshot().policy());
        }

        @Override
        public void deposed() {}

        @Override
        public void published(Published p) {
            published.add(p);
        }

        @Nullable
        Published last() {
            return published.isEmpty() ? null : published.get(published.size() - 1);
        }
    }
}
