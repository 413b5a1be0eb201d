package dev.turnout.protocol.message.client;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_ATTRS;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_MYSQL;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SECURE_CONNECTION;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SSL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.protocol.message.Fixtures;
import dev.turnout.protocol.message.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SslRequestAndChangeUserTest {

    private static final Fixtures MYSQL_SSL = Fixtures.load("mysql-connector-j-9.1-ssl.hex");
    private static final Fixtures MARIADB_SSL = Fixtures.load("mariadb-connector-j-3.5-ssl.hex");
    private static final Fixtures NATIVE = Fixtures.load("mysql-connector-j-9.1-native.hex");
    private static final long CONNECTOR_J = 0x013E_A20EL;

    @Test
    void recognisesSslRequestsButNotFullResponses() {
        assertThat(isSslRequest(MYSQL_SSL.payload("ssl-request"))).isTrue();
        assertThat(isSslRequest(MARIADB_SSL.payload("ssl-request"))).isTrue();
        assertThat(isSslRequest(NATIVE.payload("response"))).isFalse();
        assertThat(isSslRequest(new byte[32])).isFalse();
    }

    @Test
    void decodesAndReEncodesCapturedSslRequests() {
        byte[] mysql = MYSQL_SSL.payload("ssl-request");
        byte[] mariadb = MARIADB_SSL.payload("ssl-request");

        SslRequest fromMySqlJ = Fixtures.decode(mysql, SslRequest::decode);
        SslRequest fromMariaDbJ = Fixtures.decode(mariadb, SslRequest::decode);

        assertThat(fromMySqlJ).isEqualTo(new SslRequest(0x013E_AA06L, 0xFF_FFFF, 255));
        assertThat(fromMariaDbJ.capabilities() & CLIENT_MYSQL).isZero();
        assertThat(fromMariaDbJ.capabilities() >>> 32).isEqualTo(0xC);
        assertThat(Fixtures.encode(fromMySqlJ::encode)).isEqualTo(mysql);
        assertThat(Fixtures.encode(fromMariaDbJ::encode)).isEqualTo(mariadb);
    }

    @Test
    void anSslRequestCarriesClientSslAndIs32Bytes() {
        assertThatThrownBy(() -> new SslRequest(CLIENT_PROTOCOL_41, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fixtures.decode(NATIVE.payload("response"), SslRequest::decode))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining("32 bytes");
        SslRequest request = new SslRequest(CLIENT_PROTOCOL_41 | CLIENT_SSL | 0x3L << 32, -1, 33);
        assertThat(Fixtures.decode(Fixtures.encode(request::encode), SslRequest::decode))
                .isEqualTo(request);
    }

    @Test
    void decodesConnectorJsComChangeUser() {
        ComChangeUser change =
                Fixtures.decode(NATIVE.payload("change-user"), (ByteBuf p) -> ComChangeUser.decode(p, CONNECTOR_J));

        assertThat(change.username()).isEqualTo("other");
        assertThat(change.authResponse()).hasSize(20);
        assertThat(change.database()).isEqualTo("shop");
        assertThat(change.characterSet()).isEqualTo(255);
        assertThat(change.authPluginName()).isEqualTo("mysql_native_password");
        assertThat(change.connectAttributes())
                .containsEntry("program_name", "turnout-capture")
                .hasSize(6);
        assertThat(change.toString()).contains("authResponse=<20 bytes>");
    }

    @Test
    void reEncodesConnectorJsComChangeUserByteForByte() {
        byte[] payload = NATIVE.payload("change-user");
        ComChangeUser change = Fixtures.decode(payload, (ByteBuf p) -> ComChangeUser.decode(p, CONNECTOR_J));

        assertThat(Fixtures.encode(out -> change.encode(out, CONNECTOR_J))).isEqualTo(payload);
        assertThat(Fixtures.decodeByteByByte(payload, (ByteBuf p) -> ComChangeUser.decode(p, CONNECTOR_J)))
                .isEqualTo(change);
    }

    @Test
    void roundTripsWithAndWithoutOptionalParts() {
        ComChangeUser[] changes = {
            new ComChangeUser("u", new byte[] {1, 2}, null, 45, null, Map.of()),
            new ComChangeUser("u", new byte[0], "db", 0, "caching_sha2_password", Map.of("a", "b")),
        };
        long[] capabilities = {
            CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | CLIENT_CONNECT_ATTRS, CLIENT_SECURE_CONNECTION
        };
        for (ComChangeUser change : changes) {
            for (long caps : capabilities) {
                ComChangeUser expected = (caps & CLIENT_PLUGIN_AUTH) != 0
                        ? change
                        : new ComChangeUser(
                                change.username(),
                                change.authResponse(),
                                change.database(),
                                change.characterSet(),
                                null,
                                Map.of());

                assertThat(Fixtures.decode(
                                Fixtures.encode(out -> change.encode(out, caps)),
                                (ByteBuf p) -> ComChangeUser.decode(p, caps)))
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void anEmptyDatabaseMeansNone() {
        assertThat(new ComChangeUser("u", new byte[0], "", 0, "", Map.of()))
                .isEqualTo(new ComChangeUser("u", new byte[0], null, 0, null, Map.of()));
    }

    @Test
    void everyTruncationDecodesOrIsMalformedAndOtherCommandsAreRefused() {
        byte[] payload = NATIVE.payload("change-user");
        for (int length = 0; length < payload.length; length++) {
            byte[] prefix = Arrays.copyOf(payload, length);
            try {
                assertThat(Fixtures.decode(prefix, (ByteBuf p) -> ComChangeUser.decode(p, CONNECTOR_J))
                                .username())
                        .isEqualTo("other");
            } catch (MalformedPacketException expected) {
                assertThat(expected).hasMessageContaining("COM_CHANGE_USER");
            }
        }
        assertThatThrownBy(() ->
                        Fixtures.decode(new byte[] {3, 'x', 0}, (ByteBuf p) -> ComChangeUser.decode(p, CONNECTOR_J)))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining("COM_QUERY");
    }

    private static boolean isSslRequest(byte[] payload) {
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        try {
            return SslRequest.isSslRequest(buf);
        } finally {
            buf.release();
        }
    }
}
