package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.connector.ConnectorStartException;
import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.sandbox.SandboxCluster;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code connector-transport}: the connector serves the same sessions on each socket transport
 * (a text query, a server-side prepared statement and a 4 MiB value each way), and a native
 * transport the machine lacks stops the start with Netty's reason.
 */
@Timeout(120)
class TransportIT {

    /** The shared sandbox, with a connector the tests do not use. */
    @RegisterExtension
    static final ConnectorExtension shared = new ConnectorExtension();

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring", "nio"})
    void eachTransportServesSessions(String transport) throws Exception {
        assumeTrue(!transport.equals("epoll") || Epoll.isAvailable(), "epoll is not available here");
        assumeTrue(
                !transport.equals("io_uring") || IoUring.isAvailable(),
                () -> "io_uring is not available here: " + IoUring.unavailabilityCause());
        SandboxCluster cluster = shared.cluster();
        ConnectorServer connector = ConnectorHarness.start(cluster, "connector-transport=" + transport + "\n");
        try (Connection session = Driver.MARIADB.connect(
                        connector.port(), cluster.appUser(), cluster.appPassword(), "useServerPrepStmts=true");
                Statement statement = session.createStatement()) {
            assertThat(ConnectorHarness.queryLong(session, "select @@server_id"))
                    .isEqualTo(cluster.primary().serverId());
            byte[] value = new byte[4 << 20];
            Arrays.fill(value, (byte) 'x');
            try (PreparedStatement echo = session.prepareStatement("select ?, length(?)")) {
                echo.setBytes(1, value);
                echo.setBytes(2, value);
                try (ResultSet rs = echo.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBytes(1)).isEqualTo(value);
                    assertThat(rs.getLong(2)).isEqualTo(value.length);
                }
            }
            assertThat(statement.execute("do 1")).isFalse();
        } finally {
            connector.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void aNativeTransportThatIsNotAvailableStopsTheStartWithItsReason() {
        assumeTrue(!IoUring.isAvailable(), "io_uring is available here: nothing to refuse");
        assertThatThrownBy(() -> ConnectorHarness.start(shared.cluster(), "connector-transport=io_uring\n"))
                .isInstanceOf(ConnectorStartException.class)
                .hasMessageContaining("connector-transport=io_uring is not available");
    }
}
