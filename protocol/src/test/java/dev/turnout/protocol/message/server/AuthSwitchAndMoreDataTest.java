package dev.turnout.protocol.message.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.protocol.message.Fixtures;
import dev.turnout.protocol.message.MalformedPacketException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuthSwitchAndMoreDataTest {

    private static final Fixtures SHA2 = Fixtures.load("mysql-connector-j-9.1-caching-sha2.hex");
    private static final Fixtures NATIVE = Fixtures.load("mysql-connector-j-9.1-native.hex");

    @Test
    void decodesTheServersSwitchToNativeWithoutTheTrailingNul() {
        AuthSwitchRequest request = Fixtures.decode(SHA2.payload("switch"), AuthSwitchRequest::decode);

        assertThat(request.pluginName()).isEqualTo("mysql_native_password");
        assertThat(request.pluginData()).hasSize(20).isEqualTo(SHA2.greetingScramble("greeting"));
    }

    @Test
    void reEncodesCapturedSwitchRequestsByteForByte() {
        for (Fixtures fixtures : new Fixtures[] {SHA2, NATIVE}) {
            String label = fixtures == SHA2 ? "switch" : "change-user-switch";
            byte[] payload = fixtures.payload(label);
            AuthSwitchRequest request = Fixtures.decode(payload, AuthSwitchRequest::decode);

            assertThat(Fixtures.encode(request::encode)).isEqualTo(payload);
            assertThat(Fixtures.decodeByteByByte(payload, AuthSwitchRequest::decode))
                    .isEqualTo(request);
        }
    }

    @Test
    void roundTripsSwitchesToEveryPlugin() {
        AuthSwitchRequest[] requests = {
            new AuthSwitchRequest("caching_sha2_password", "abcdefghijklmnopqrst".getBytes(StandardCharsets.US_ASCII)),
            new AuthSwitchRequest("mysql_clear_password", new byte[0]),
            new AuthSwitchRequest(
                    "client_ed25519", "0123456789abcdefghijklmnopqrstuv".getBytes(StandardCharsets.US_ASCII)),
        };
        for (AuthSwitchRequest request : requests) {
            assertThat(Fixtures.decode(Fixtures.encode(request::encode), AuthSwitchRequest::decode))
                    .isEqualTo(request);
        }
    }

    @Test
    void onlyTheScramblingPluginsGetANulAppended() {
        byte[] clear = Fixtures.encode(new AuthSwitchRequest("mysql_clear_password", new byte[0])::encode);
        byte[] sha2 = Fixtures.encode(new AuthSwitchRequest("caching_sha2_password", new byte[] {'a'})::encode);

        assertThat(clear).hasSize(1 + "mysql_clear_password".length() + 1);
        assertThat(sha2[sha2.length - 1]).isZero();
        assertThat(sha2[sha2.length - 2]).isEqualTo((byte) 'a');
    }

    @Test
    void decodesTheOneByteOldSwitchAsMySqlOldPassword() {
        assertThat(Fixtures.decode(new byte[] {(byte) 0xFE}, AuthSwitchRequest::decode))
                .isEqualTo(new AuthSwitchRequest("mysql_old_password", new byte[0]));
    }

    @Test
    void rejectsAnUnterminatedPluginNameAndOtherHeaders() {
        assertThatThrownBy(() -> Fixtures.decode(new byte[] {(byte) 0xFE, 'a', 'b'}, AuthSwitchRequest::decode))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining("AuthSwitchRequest");
        assertThatThrownBy(() -> Fixtures.decode(new byte[] {1, 3}, AuthSwitchRequest::decode))
                .isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void toStringsPrintLengthsOnly() {
        AuthSwitchRequest request = Fixtures.decode(SHA2.payload("switch"), AuthSwitchRequest::decode);
        AuthMoreData more = new AuthMoreData("secret-ish".getBytes(StandardCharsets.US_ASCII));

        assertThat(request.toString())
                .contains("<20 bytes>")
                .doesNotContain(new String(request.pluginData(), StandardCharsets.US_ASCII));
        assertThat(more.toString()).isEqualTo("AuthMoreData[data=<10 bytes>]");
    }

    @Test
    void roundTripsAuthMoreDataAndKeepsItsBytes() {
        AuthMoreData fast = new AuthMoreData(new byte[] {AuthMoreData.FAST_AUTH_SUCCESS});
        byte[] encoded = Fixtures.encode(fast::encode);

        assertThat(encoded).containsExactly(0x01, 0x03);
        assertThat(Fixtures.decode(encoded, AuthMoreData::decode)).isEqualTo(fast);
        assertThat(Fixtures.decode(new byte[] {1}, AuthMoreData::decode).data()).isEmpty();
        assertThatThrownBy(() -> Fixtures.decode(new byte[0], AuthMoreData::decode))
                .isInstanceOf(MalformedPacketException.class);
        assertThatThrownBy(() -> Fixtures.decode(new byte[] {2, 3}, AuthMoreData::decode))
                .isInstanceOf(MalformedPacketException.class);
    }
}
