package dev.turnout.connector.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.protocol.message.server.ErrPacket;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ConnectorErrorsTest {

    @Test
    void theBridgesTwoPortsNameWhatTheyCouldNotReach() {
        ConnectException refused = new ConnectException("Connection refused: /127.0.0.1:3307");

        ErrPacket noPrimary = ConnectorErrors.noPrimary("alpha", "127.0.0.1:3306", refused);
        ErrPacket noReplica = ConnectorErrors.noReplica("alpha", "127.0.0.1:3307", refused);

        assertThat(noPrimary.message())
                .isEqualTo("no primary available for dataservice alpha (127.0.0.1:3306: connection refused)");
        assertThat(noReplica.message())
                .isEqualTo("no replica available for dataservice alpha (127.0.0.1:3307: connection refused)");
        assertThat(noReplica.errorCode()).isEqualTo(noPrimary.errorCode()).isEqualTo(2003);
        assertThat(noReplica.sqlState()).isEqualTo(noPrimary.sqlState()).isEqualTo("08001");
    }
}
