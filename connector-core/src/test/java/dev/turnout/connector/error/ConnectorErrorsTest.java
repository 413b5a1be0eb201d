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
        assertThat(noReplica.errorCode()).isEqualTo(noPrimary.errorCode()).isEqualTo(1218);
        assertThat(noReplica.sqlState()).isEqualTo(noPrimary.sqlState()).isEqualTo("08001");
    }

    @Test
    void noErrorOfTheConnectorCarriesAClientLibraryCode() {
        // libmariadb reports a server's ERR with a code of its own range as 2027 "Received malformed packet".
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(ErrorCode.isClientCode(code.code()))
                    .as("%s (%d)", code, code.code())
                    .isFalse();
        }
        assertThat(ErrorCode.isClientCode(2003)).isTrue();
        assertThat(ErrorCode.isClientCode(1999)).isFalse();
        assertThat(ErrorCode.isClientCode(3000)).isFalse();
    }

    @Test
    void aBackendLoginFailureFoundOnTheConnectorsSideReachesTheClientWithAServerCode() {
        ErrPacket plugin = new ErrPacket(2059, "HY000", "Authentication plugin 'dialog' cannot be loaded");
        ErrPacket denied =
                new ErrPacket(1045, "28000", "Access denied for user 'app'@'10.0.0.1' (using password: YES)");

        ErrPacket forClient = ConnectorErrors.backendRefused("alpha", "db1:3306", plugin);

        assertThat(forClient.errorCode()).isEqualTo(1218);
        assertThat(forClient.sqlState()).isEqualTo("08001");
        assertThat(forClient.message())
                .isEqualTo("no primary available for dataservice alpha"
                        + " (db1:3306: Authentication plugin 'dialog' cannot be loaded)");
        assertThat(ConnectorErrors.backendRefused("alpha", "db1:3306", denied)).isSameAs(denied);
    }
}
