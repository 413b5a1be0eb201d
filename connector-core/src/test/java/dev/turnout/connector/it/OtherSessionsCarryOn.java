package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The failure tests' common promise: whatever one session did to the connector, the others carry
 * on. Before the class it opens a "bystander" session on the first connector; after every test the
 * bystander still answers from the primary, and a new session with each driver works on every
 * connector. Register it as a static field after the {@link ConnectorExtension}s it watches:
 * <pre>{@code
 * @RegisterExtension static final ConnectorExtension turnout = new ConnectorExtension();
 * @RegisterExtension static final OtherSessionsCarryOn carryOn = new OtherSessionsCarryOn(turnout);
 * }</pre>
 */
final class OtherSessionsCarryOn implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private final List<ConnectorExtension> connectors;
    private Connection bystander;

    OtherSessionsCarryOn(ConnectorExtension... connectors) {
        this.connectors = List.of(connectors);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        bystander = connectors.get(0).connect(Driver.MARIADB, "");
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        long primary = connectors.get(0).primaryServerId();
        assertThat(ConnectorHarness.queryLong(bystander, "select @@server_id"))
                .as("the bystander session")
                .isEqualTo(primary);
        for (ConnectorExtension connector : connectors) {
            for (Driver driver : Driver.values()) {
                try (Connection fresh = connector.connect(driver, "")) {
                    assertThat(ConnectorHarness.queryLong(fresh, "select @@server_id"))
                            .as("a new %s session", driver)
                            .isEqualTo(primary);
                }
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (bystander != null) {
            bystander.close();
        }
    }
}
