package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.connector.ConnectorServer;
import dev.turnout.sandbox.SandboxCluster;
import dev.turnout.sandbox.SandboxExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A client that connects and never logs in does not hold a session forever. */
@ExtendWith(SandboxExtension.class)
@Timeout(30)
class HandshakeTimeoutIT {

    private static SandboxCluster cluster;
    private static ConnectorServer connector;

    @BeforeAll
    static void start(SandboxCluster sandbox) throws Exception {
        cluster = sandbox;
        connector = ConnectorHarness.start(cluster, "connector-handshake-timeout=500ms\n");
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void aClientThatNeverLogsInGetsAnErrAndIsClosedAfterTheHandshakeTimeout() throws Exception {
        try (RawClient silent = RawClient.connect(connector.port())) {
            long started = System.nanoTime();
            RawClient.Packet answer = silent.readPacket();
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertThat(answer.isErr()).isTrue();
            assertThat(answer.err().errorCode()).isEqualTo(1043);
            assertThat(answer.err().message()).contains("no login within 500 ms");
            assertThat(silent.readRaw(new byte[16])).as("closed after the ERR").isEqualTo(-1);
            assertThat(waited).isBetween(Duration.ofMillis(400), Duration.ofSeconds(3));
        }
    }

    @Test
    void aClientThatLogsInSlowerThanNothingButFasterThanTheTimeoutKeepsItsSession() throws Exception {
        try (RawClient client = RawClient.connect(connector.port())) {
            Thread.sleep(200);
            assertThat(client.login(cluster.appUser(), cluster.appPassword(), "mysql_native_password").isErr()).isFalse();
            Thread.sleep(600);
            assertThat(client.queryLong("select @@server_id")).isEqualTo(cluster.primary().serverId());
        }
    }
}
