package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testkit.RawClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client that connects and never logs in does not hold a session forever. */
@Timeout(30)
class HandshakeTimeoutIT {

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension("connector-handshake-timeout=500ms\n");

    @Test
    void aClientThatNeverLogsInGetsAnErrAndIsClosedAfterTheHandshakeTimeout() throws Exception {
        try (RawClient silent = RawClient.connect(turnout.port())) {
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
        try (RawClient client = RawClient.connect(turnout.port())) {
            Thread.sleep(200);
            RawClient.Packet answer =
                    client.login(turnout.cluster().appUser(), turnout.cluster().appPassword(), "mysql_native_password");
            assertThat(answer.isErr()).isFalse();
            Thread.sleep(600);
            assertThat(client.queryLong("select @@server_id")).isEqualTo(turnout.primaryServerId());
        }
    }
}
