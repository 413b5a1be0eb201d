package dev.turnout.connector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.Policy;
import dev.turnout.routing.topology.Role;
import dev.turnout.routing.topology.TopologySnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pushed topology is followed only when it describes this connector's dataservice at its configured members. */
class PushedTopologyCheckTest {

    private static PushedTopologyCheck check() throws Exception {
        ConnectorConfig config = ConnectorConfig.parse("""
                [defaults]
                application-user=app
                application-password=secret
                [alpha]
                master=db1
                members=db1,DB2:13306
                """, "test.ini", "alpha");
        return new PushedTopologyCheck(config.dataservice());
    }

    private static TopologySnapshot snapshot(String service, Datasource... datasources) {
        return TopologySnapshot.of(7, Policy.AUTOMATIC, new Dataservice(service, List.of(datasources)));
    }

    @Test
    void aTopologyOfTheConfiguredMembersPasses() throws Exception {
        TopologySnapshot s = snapshot(
                "alpha",
                Datasource.configured("db2", "db2", 13306, Role.MASTER),
                Datasource.configured("db1", "DB1", 3306, Role.SLAVE));

        assertThat(check().refusal(s)).isNull();
    }

    @Test
    void aTopologyWithoutTheConnectorsDataserviceIsRefused() throws Exception {
        TopologySnapshot s = snapshot("beta", Datasource.configured("db1", "db1", 3306, Role.MASTER));

        assertThat(check().refusal(s)).isEqualTo("it has no dataservice 'alpha' (it has [beta])");
    }

    @Test
    void aMasterAtAnAddressOutsideTheConfigurationIsRefusedSoThePasswordNeverGoesThere() throws Exception {
        TopologySnapshot s = snapshot(
                "alpha",
                Datasource.configured("db1", "evil.example", 3306, Role.MASTER),
                Datasource.configured("db2", "db2", 13306, Role.SLAVE));

        assertThat(check().refusal(s)).contains("datasource 'db1' at evil.example:3306 is not a member of 'alpha'");
    }

    @Test
    void aConfiguredHostAtAnotherPortIsRefused() throws Exception {
        TopologySnapshot s = snapshot("alpha", Datasource.configured("db1", "db1", 3307, Role.MASTER));

        assertThat(check().refusal(s)).contains("db1:3307 is not a member");
    }

    @Test
    void aMemberUnderTheNameOfAnotherIsRefused() throws Exception {
        TopologySnapshot s = snapshot("alpha", Datasource.configured("db1", "db2", 13306, Role.MASTER));

        assertThat(check().refusal(s)).isEqualTo("datasource 'db1' has the address of member 'db2'");
    }
}
