package dev.turnout.connector.it;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One connector in front of the JVM-shared sandbox cluster for the tests of one class: started
 * before the class's own {@code @BeforeAll} methods, shut down (2 s grace) after its
 * {@code @AfterAll} methods, so a class may open and close its own resources against it there.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ConnectorExtension turnout = new ConnectorExtension("connector-handshake-timeout=500ms\n");
 * }</pre>
 *
 * <p>The field must be static. Its execution condition is {@link SandboxExtension}'s, so a class
 * needs no {@code @ExtendWith(SandboxExtension.class)} of its own: without a Docker engine for the
 * {@code testcontainers} flavor it is skipped and no connector starts. Not for {@code @Nested}
 * classes (each would start a connector of its own into the same fields).
 *
 * <p>The accessors may be called from any thread once {@code beforeAll} has run.
 */
final class ConnectorExtension implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {

    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

    private final SandboxExtension sandbox = new SandboxExtension();
    private final String extraDefaults;
    private volatile SandboxCluster cluster;
    private volatile ConnectorServer server;

    /** A connector with the harness's settings ({@link ConnectorHarness#configuration}). */
    ConnectorExtension() {
        this("");
    }

    /** A connector with {@code extraDefaults} (lines of its {@code [defaults]} section) added to the harness's settings. */
    ConnectorExtension(String extraDefaults) {
        this.extraDefaults = Objects.requireNonNull(extraDefaults, "extraDefaults");
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return sandbox.evaluateExecutionCondition(context);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = SandboxExtension.sharedCluster(context, null);
        server = ConnectorHarness.start(cluster, extraDefaults);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ConnectorServer started = server;
        server = null;
        if (started != null) {
            started.shutdown(SHUTDOWN_GRACE);
        }
    }

    /** The shared sandbox cluster the connector routes to. */
    SandboxCluster cluster() {
        return started(cluster);
    }

    /** The {@code @@server_id} of the cluster's primary, where every session's statements must run. */
    long primaryServerId() {
        return cluster().primary().serverId();
    }

    /** The running connector. */
    ConnectorServer server() {
        return started(server);
    }

    /** The connector's application port on 127.0.0.1. */
    int port() {
        return server().port();
    }

    /** A new session through the connector as the cluster's application user, with the driver's URL {@code options}. */
    Connection connect(Driver driver, String options) throws SQLException {
        SandboxCluster target = cluster();
        return driver.connect(port(), target.appUser(), target.appPassword(), options);
    }

    private static <T> T started(T value) {
        if (value == null) {
            throw new IllegalStateException("no connector running: register the ConnectorExtension in a static field"
                    + " and use it from the tests or @BeforeAll/@AfterAll methods of its class");
        }
        return value;
    }
}
