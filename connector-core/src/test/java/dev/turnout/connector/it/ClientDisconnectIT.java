package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.it.ConnectorHarness.Driver;
import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.constant.Command;
import dev.turnout.testkit.RawClient;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that goes away, politely or not, takes its backend connection on the primary with it:
 * the primary's thread for the session disappears from its processlist.
 */
@Timeout(60)
class ClientDisconnectIT {

    private static final Duration BACKEND_GONE = Duration.ofSeconds(10);

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    @RegisterExtension
    static final OtherSessionsCarryOn carryOn = new OtherSessionsCarryOn(turnout);

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aClientThatClosesItsConnectionReleasesItsBackend(Driver driver) throws Exception {
        long backendThread;
        try (Connection connection = turnout.connect(driver, "")) {
            backendThread = ConnectorHarness.queryLong(connection, "select connection_id()");
            assertThat(PrimaryThreads.exists(turnout.cluster().primary(), backendThread))
                    .isTrue();
        }
        assertThat(PrimaryThreads.awaitGone(turnout.cluster().primary(), backendThread, BACKEND_GONE))
                .isTrue();
    }

    @Test
    void aClientWhoseSocketIsResetReleasesItsBackend() throws Exception {
        long backendThread;
        try (RawClient client = RawClient.connect(turnout.port())) {
            RawClient.Packet ok = client.login(
                    turnout.cluster().appUser(), turnout.cluster().appPassword(), AuthPlugins.MYSQL_NATIVE_PASSWORD);
            assertThat(ok.firstByte()).isZero();
            backendThread = client.queryLong("select connection_id()");
            assertThat(PrimaryThreads.exists(turnout.cluster().primary(), backendThread))
                    .isTrue();
            client.abort();
        }
        assertThat(PrimaryThreads.awaitGone(turnout.cluster().primary(), backendThread, BACKEND_GONE))
                .isTrue();
    }

    @Test
    void aClientThatVanishesInTheMiddleOfAResultReleasesItsBackend() throws Exception {
        long backendThread;
        try (RawClient client = RawClient.connect(turnout.port())) {
            RawClient.Packet ok = client.login(
                    turnout.cluster().appUser(), turnout.cluster().appPassword(), AuthPlugins.MYSQL_NATIVE_PASSWORD);
            assertThat(ok.firstByte()).isZero();
            backendThread = client.queryLong("select connection_id()");
            // About 200 MB of rows: far more than socket buffers hold, so the server is still
            // sending (and the connector forwarding) when the client resets its socket.
            byte[] sql = "select seq, repeat('x', 200) from seq_1_to_1000000".getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[sql.length + 1];
            payload[0] = (byte) Command.COM_QUERY;
            System.arraycopy(sql, 0, payload, 1, sql.length);
            client.writePacket(0, payload);
            for (int i = 0; i < 1000; i++) {
                client.readPacket();
            }
            assertThat(PrimaryThreads.awaitRunning(turnout.cluster().primary(), backendThread, Duration.ofSeconds(5)))
                    .as("the primary is still sending the result")
                    .isTrue();
            client.abort();
        }
        assertThat(PrimaryThreads.awaitGone(turnout.cluster().primary(), backendThread, BACKEND_GONE))
                .isTrue();
    }
}
