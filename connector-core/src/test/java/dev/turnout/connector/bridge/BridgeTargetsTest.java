package dev.turnout.connector.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.connector.config.DataserviceConfig;
import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.session.Listener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BridgeTargetsTest {

    private static final HostPort DB1 = new HostPort("db1", 3306);
    private static final HostPort DB2 = new HostPort("db2", 3306);
    private static final HostPort DB3 = new HostPort("db3", 3306);

    private static DataserviceConfig dataservice(HostPort master, HostPort... members) {
        return new DataserviceConfig(
                "alpha", DataserviceConfig.CLUSTERED, master, List.of(members), List.of(), null, List.of());
    }

    @Test
    void readWriteConnectionsAlwaysGoToTheMaster() {
        BridgeTargets targets = BridgeTargets.roundRobin(dataservice(DB2, DB1, DB2, DB3));

        for (int i = 0; i < 3; i++) {
            assertThat(targets.choose(Listener.READ_WRITE)).isEqualTo(DB2);
        }
    }

    @Test
    void readOnlyConnectionsGoToTheOtherMembersInTurn() {
        BridgeTargets targets = BridgeTargets.roundRobin(dataservice(DB2, DB1, DB2, DB3));
        List<HostPort> chosen = new ArrayList<>();

        for (int i = 0; i < 4; i++) {
            chosen.add(targets.choose(Listener.READ_ONLY));
            targets.choose(Listener.READ_WRITE); // does not move the turn
        }

        assertThat(chosen).containsExactly(DB1, DB3, DB1, DB3);
    }

    @Test
    void readOnlyConnectionsGoToTheMasterWhenItIsTheOnlyMember() {
        BridgeTargets targets = BridgeTargets.roundRobin(dataservice(DB1, DB1));

        assertThat(targets.choose(Listener.READ_ONLY)).isEqualTo(DB1);
        assertThat(targets.choose(Listener.READ_ONLY)).isEqualTo(DB1);
    }

    @Test
    void aCompositeDataserviceHasNoTargets() {
        DataserviceConfig composite = new DataserviceConfig(
                "gamma", DataserviceConfig.COMPOSITE, null, List.of(), List.of(), null, List.of("alpha", "beta"));

        assertThatThrownBy(() -> BridgeTargets.roundRobin(composite))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gamma");
    }
}
