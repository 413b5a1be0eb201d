package dev.turnout.connector;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.connector.config.ConnectorConfig;
import org.junit.jupiter.api.Test;

class ConnectorServerStartTest {

    private static final String WITH_COMPOSITE = """
            [defaults]
            application-user=app
            application-password=secret
            [alpha]
            master=db1
            members=db1,db2
            [beta]
            master=db3
            members=db3,db4
            [global]
            composite-datasources=alpha,beta
            """;

    @Test
    void refusesToServeACompositeDataservice() throws Exception {
        ConnectorConfig config = ConnectorConfig.parse(WITH_COMPOSITE, "tungsten.ini", "global");

        assertThatThrownBy(() -> ConnectorServer.start(config))
                .isInstanceOf(ConnectorStartException.class)
                .hasMessage("this version serves a dataservice, not the composite dataservice global");
    }

    @Test
    void refusesToBridgeACompositeDataservice() throws Exception {
        ConnectorConfig config = ConnectorConfig.parse(
                WITH_COMPOSITE.replace("[alpha]", "connector-bridge-mode=true\n[alpha]"), "tungsten.ini", "global");

        assertThatThrownBy(() -> ConnectorServer.start(config))
                .isInstanceOf(ConnectorStartException.class)
                .hasMessage("bridge mode serves a dataservice, not the composite dataservice global");
    }
}
