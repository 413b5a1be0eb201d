package dev.turnout.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.routing.topology.CompositeDataservice;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.DatasourceState;
import dev.turnout.routing.topology.GtidPosition;
import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.ReplicationState;
import dev.turnout.routing.topology.Role;
import dev.turnout.routing.topology.TopologySnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushCodecTest {

    static TopologySnapshot sample(long version) {
        Dataservice east = new Dataservice(
                "east",
                List.of(
                        new Datasource(
                                "db1",
                                "10.0.0.1",
                                3306,
                                Role.MASTER,
                                DatasourceState.ONLINE,
                                true,
                                ReplicationState.NONE,
                                0,
                                GtidPosition.parse("0-1-100,1-1-7")),
                        new Datasource(
                                "db2",
                                "10.0.0.2",
                                13306,
                                Role.SLAVE,
                                DatasourceState.SHUNNED,
                                false,
                                ReplicationState.BROKEN,
                                -1,
                                GtidPosition.EMPTY),
                        new Datasource(
                                "db3",
                                "10.0.0.3",
                                3306,
                                Role.SLAVE,
                                DatasourceState.ONLINE,
                                true,
                                ReplicationState.RUNNING,
                                12,
                                GtidPosition.parse("0-1-98"))));
        Dataservice west = new Dataservice(
                "west",
                List.of(new Datasource(
                        "db4",
                        "10.1.0.4",
                        3306,
                        Role.RELAY,
                        DatasourceState.FAILED,
                        true,
                        ReplicationState.APPLIER_STOPPED,
                        2500,
                        GtidPosition.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7-9"))));
        return new TopologySnapshot(
                version,
                Policy.MAINTENANCE,
                Map.of("east", east, "west", west),
                Map.of(
                        "global",
                        new CompositeDataservice("global", List.of("east", "west"), "east"),
                        "idle",
                        new CompositeDataservice("idle", List.of("west"), null)));
    }

    @Test
    void snapshotSurvivesARoundTripThroughJsonWithEveryEnumPositionFormAndComposite() {
        TopologySnapshot s = sample(42);

        TopologySnapshot back = PushCodec.fromTree(PushCodec.toTree(s));

        assertThat(back).isEqualTo(s);
        assertThat(back.composites().get("idle").active()).isNull();
    }

    @Test
    void everyMessageTypeSurvivesARoundTripAsOneLine() {
        List<PushMessage> messages = List.of(
                new PushMessage.Challenge("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
                new PushMessage.Proof("HxwdHh8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRo="),
                new PushMessage.Hello("connector@host1[8616]", "host1", 8616, List.of(3306, 3307), 7),
                new PushMessage.Stats(12, 3),
                new PushMessage.Ack(5),
                new PushMessage.Topology(sample(3)),
                new PushMessage.Hold(5),
                new PushMessage.Release(),
                new PushMessage.State(ConnectorState.ON_HOLD));
        for (PushMessage m : messages) {
            String line = PushCodec.encode(m);
            assertThat(line).doesNotContain("\n");
            assertThat(PushCodec.decode(line)).isEqualTo(m);
        }
    }

    @Test
    void messagesUseTheDocumentedFieldNames() {
        assertThat(PushCodec.encode(new PushMessage.Hello("connector@h[1]", "h", 1, List.of(9999), -1)))
                .isEqualTo("{\"type\":\"hello\",\"connector\":\"connector@h[1]\",\"host\":\"h\",\"pid\":1,"
                        + "\"ports\":[9999],\"lastVersion\":-1}");
        assertThat(PushCodec.encode(new PushMessage.State(ConnectorState.ON_HOLD)))
                .isEqualTo("{\"type\":\"state\",\"state\":\"ON-HOLD\"}");
        assertThat(PushCodec.encode(new PushMessage.Release())).isEqualTo("{\"type\":\"release\"}");
        assertThat(PushCodec.encode(new PushMessage.Challenge("bm9uY2U=")))
                .isEqualTo("{\"type\":\"challenge\",\"nonce\":\"bm9uY2U=\"}");
        assertThat(PushCodec.encode(new PushMessage.Proof("bWFj")))
                .isEqualTo("{\"type\":\"proof\",\"proof\":\"bWFj\"}");
    }

    @Test
    void decodingRejectsUnknownTypesAndNamesTheBadField() {
        assertThatThrownBy(() -> PushCodec.decode("{\"type\":\"nope\"}")).hasMessageContaining("'nope'");
        assertThatThrownBy(() -> PushCodec.decode("{\"type\":\"ack\"}")).hasMessageContaining("'request'");
        assertThatThrownBy(() -> PushCodec.decode("{\"type\":\"ack\",\"request\":\"x\"}"))
                .hasMessageContaining("'request' must be an integer");
        assertThatThrownBy(() -> PushCodec.decode("not json")).hasMessageContaining("not JSON");
        String badRole = PushCodec.encode(new PushMessage.Topology(sample(1))).replace("\"RELAY\"", "\"BOSS\"");
        assertThatThrownBy(() -> PushCodec.decode(badRole))
                .hasMessageContaining("'role'")
                .hasMessageContaining("BOSS");
    }

    @Test
    void connectorStatesParseFromLabelsAndCommandWords() {
        assertThat(ConnectorState.parse("onhold")).isEqualTo(ConnectorState.ON_HOLD);
        assertThat(ConnectorState.parse("ON-HOLD")).isEqualTo(ConnectorState.ON_HOLD);
        assertThat(ConnectorState.parse("offline")).isEqualTo(ConnectorState.OFFLINE);
        assertThatThrownBy(() -> ConnectorState.parse("sleepy")).hasMessageContaining("sleepy");
    }
}
