package dev.turnout.connector.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testkit.RawClient;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Commands a client sends right behind its login, before the connector's OK (the connector is
 * still opening the backend then): they are held and forwarded once the backend is ready.
 */
@Timeout(30)
class PipelinedLoginIT {

    @RegisterExtension
    static final ConnectorExtension turnout = new ConnectorExtension();

    @Test
    void aQuerySentBehindTheLoginIsAnsweredAfterTheOk() throws Exception {
        try (RawClient client = RawClient.connect(turnout.port())) {
            client.sendLogin(turnout.cluster().appUser(), turnout.cluster().appPassword());
            client.writePacket(0, query("select @@server_id"));
            assertThat(client.readPacket().firstByte()).as("the login's OK").isZero();
            assertThat(client.readPacket().payload()).as("column count").containsExactly(1);
            client.readPacket(); // column definition
            client.readPacket(); // EOF (the raw client does not deprecate it)
            assertThat(new String(client.readPacket().payload(), 1, 1, StandardCharsets.US_ASCII))
                    .isEqualTo(String.valueOf(turnout.primaryServerId()));
            assertThat(client.readPacket().firstByte()).as("EOF after the row").isEqualTo(0xFE);
        }
    }

    @Test
    void aQuitSentBehindTheLoginEndsTheSessionCleanly() throws Exception {
        try (RawClient client = RawClient.connect(turnout.port())) {
            client.sendLogin(turnout.cluster().appUser(), turnout.cluster().appPassword());
            client.writePacket(0, new byte[] {0x01});
            assertThat(client.readPacket().firstByte()).as("the login's OK").isZero();
            assertThat(client.readRaw(new byte[16])).as("closed after COM_QUIT").isEqualTo(-1);
        }
        try (Connection connection = turnout.connect(ConnectorHarness.Driver.MARIADB, "")) {
            assertThat(ConnectorHarness.queryLong(connection, "select @@server_id"))
                    .isEqualTo(turnout.primaryServerId());
        }
    }

    private static byte[] query(String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[text.length + 1];
        payload[0] = 0x03;
        System.arraycopy(text, 0, payload, 1, text.length);
        return payload;
    }
}
