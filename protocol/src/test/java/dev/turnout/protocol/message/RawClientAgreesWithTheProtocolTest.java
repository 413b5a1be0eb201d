package dev.turnout.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.auth.Scrambles;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.client.SslRequest;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.wire.Packets;
import dev.turnout.testkit.RawClient;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The test kit's {@link RawClient} writes and reads its few packets by hand (the test kit cannot
 * depend on this module): here its bytes meet the real codecs, so a test that talks to a server
 * through it talks the protocol.
 */
class RawClientAgreesWithTheProtocolTest {

    private static final Fixtures CONNECTOR_J = Fixtures.load("mysql-connector-j-9.1-native.hex");
    private static final byte[] SEED = "R04V6IK{NP*{QbyZ8E3l".getBytes(StandardCharsets.US_ASCII);

    @Test
    void capabilityBitsAreTheProtocols() {
        assertThat(RawClient.CLIENT_LONG_PASSWORD)
                .isEqualTo(Capabilities.CLIENT_LONG_PASSWORD)
                .isEqualTo(Capabilities.CLIENT_MYSQL);
        assertThat(RawClient.CLIENT_CONNECT_WITH_DB).isEqualTo(Capabilities.CLIENT_CONNECT_WITH_DB);
        assertThat(RawClient.CLIENT_PROTOCOL_41).isEqualTo(Capabilities.CLIENT_PROTOCOL_41);
        assertThat(RawClient.CLIENT_SSL).isEqualTo(Capabilities.CLIENT_SSL);
        assertThat(RawClient.CLIENT_TRANSACTIONS).isEqualTo(Capabilities.CLIENT_TRANSACTIONS);
        assertThat(RawClient.CLIENT_SECURE_CONNECTION).isEqualTo(Capabilities.CLIENT_SECURE_CONNECTION);
        assertThat(RawClient.CLIENT_MULTI_RESULTS).isEqualTo(Capabilities.CLIENT_MULTI_RESULTS);
        assertThat(RawClient.CLIENT_PLUGIN_AUTH).isEqualTo(Capabilities.CLIENT_PLUGIN_AUTH);
        assertThat(RawClient.CLIENT_CONNECT_ATTRS).isEqualTo(Capabilities.CLIENT_CONNECT_ATTRS);
        assertThat(RawClient.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)
                .isEqualTo(Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA);
        assertThat(RawClient.MYSQL_NATIVE_PASSWORD).isEqualTo(AuthPlugins.MYSQL_NATIVE_PASSWORD);
        assertThat(RawClient.CACHING_SHA2_PASSWORD).isEqualTo(AuthPlugins.CACHING_SHA2_PASSWORD);
        assertThat(RawClient.MYSQL_CLEAR_PASSWORD).isEqualTo(AuthPlugins.MYSQL_CLEAR_PASSWORD);
    }

    @Test
    void scramblesAreTheProtocols() {
        byte[] secret = "s3cret".getBytes(StandardCharsets.UTF_8);

        assertThat(RawClient.nativeScramble("s3cret", SEED))
                .hasSize(20)
                .isEqualTo(Scrambles.nativePassword(secret, SEED));
        assertThat(RawClient.cachingSha2Scramble("s3cret", SEED))
                .hasSize(32)
                .isEqualTo(Scrambles.cachingSha2(secret, SEED));
        assertThat(RawClient.nativeScramble("", SEED))
                .isEqualTo(Scrambles.nativePassword(new byte[0], SEED))
                .isEmpty();
        assertThat(RawClient.cachingSha2Scramble("", SEED))
                .isEqualTo(Scrambles.cachingSha2(new byte[0], SEED))
                .isEmpty();
    }

    @Test
    void theLoginsHandshakeResponseIsEncodedAsHandshakeResponse41EncodesIt() {
        byte[] auth = Scrambles.nativePassword("pw".getBytes(StandardCharsets.UTF_8), SEED);
        byte[] raw = RawClient.handshakeResponse(
                RawClient.CAPABILITIES, "app", auth, "test", AuthPlugins.MYSQL_NATIVE_PASSWORD);

        HandshakeResponse41 expected = new HandshakeResponse41(
                RawClient.CAPABILITIES,
                1 << 24,
                45,
                "app",
                auth,
                "test",
                AuthPlugins.MYSQL_NATIVE_PASSWORD,
                Map.of("_client_name", "turnout-raw-it"));
        assertThat(raw).isEqualTo(Fixtures.encode(expected::encode));
        assertThat(Fixtures.decode(raw, HandshakeResponse41::decode)).isEqualTo(expected);
    }

    @Test
    void aMariaDbHandshakeResponseCarriesTheExtendedCapabilitiesInTheFiller() {
        long caps = Capabilities.CLIENT_PROTOCOL_41
                | Capabilities.CLIENT_SECURE_CONNECTION
                | Capabilities.CLIENT_PLUGIN_AUTH
                | Capabilities.CLIENT_CONNECT_WITH_DB
                | Capabilities.CLIENT_DEPRECATE_EOF
                | Capabilities.MARIADB_CLIENT_PROGRESS;
        byte[] auth = Scrambles.nativePassword("recpw".getBytes(StandardCharsets.UTF_8), SEED);
        byte[] raw = RawClient.handshakeResponse(caps, "rec", auth, "fx", AuthPlugins.MYSQL_NATIVE_PASSWORD);

        HandshakeResponse41 decoded = Fixtures.decode(raw, HandshakeResponse41::decode);
        assertThat(decoded.capabilities()).isEqualTo(caps);
        assertThat(decoded.authResponse()).isEqualTo(auth);
        assertThat(decoded.database()).isEqualTo("fx");
        assertThat(raw).isEqualTo(Fixtures.encode(decoded::encode));
    }

    @Test
    void theSslRequestIsEncodedAsSslRequestEncodesIt() {
        byte[] packet = RawClient.sslRequestPacket();
        byte[] payload = Arrays.copyOfRange(packet, Packets.HEADER_SIZE, packet.length);

        assertThat(Arrays.copyOf(packet, Packets.HEADER_SIZE)).containsExactly(SslRequest.PAYLOAD_LENGTH, 0, 0, 1);
        assertThat(payload)
                .isEqualTo(Fixtures.encode(
                        new SslRequest(RawClient.CAPABILITIES | Capabilities.CLIENT_SSL, 1 << 24, 45)::encode));
    }

    @Test
    void readsARealMariaDbGreetingAsHandshakeV10Does() {
        byte[] payload = CONNECTOR_J.payload("greeting");
        HandshakeV10 expected = Fixtures.decode(payload, HandshakeV10::decode);

        RawClient.Greeting greeting = RawClient.Greeting.parse(payload);

        assertThat(greeting.serverVersion()).isEqualTo(expected.serverVersion()).isEqualTo("11.4.5-MariaDB");
        assertThat(greeting.connectionId()).isEqualTo(expected.connectionId());
        assertThat(greeting.authPluginData())
                .isEqualTo(expected.authPluginData())
                .isEqualTo(SEED);
        assertThat(greeting.capabilities()).isEqualTo(expected.capabilities());
        assertThat(greeting.capabilities() >>> 32)
                .as("MariaDB's extended capabilities")
                .isNotZero();
        assertThat(greeting.authPluginName()).isEqualTo(expected.authPluginName());
    }

    @Test
    void readsAMySqlGreetingAsHandshakeV10Does() {
        HandshakeV10 mySql = new HandshakeV10(
                "8.4.3", 77, SEED, 0xDFFF_FFFFL | Capabilities.CLIENT_MYSQL, 255, 2, AuthPlugins.CACHING_SHA2_PASSWORD);

        RawClient.Greeting greeting = RawClient.Greeting.parse(Fixtures.encode(mySql::encode));

        assertThat(greeting.serverVersion()).isEqualTo("8.4.3");
        assertThat(greeting.connectionId()).isEqualTo(77);
        assertThat(greeting.authPluginData()).isEqualTo(SEED);
        assertThat(greeting.capabilities()).isEqualTo(mySql.capabilities());
        assertThat(greeting.authPluginName()).isEqualTo(AuthPlugins.CACHING_SHA2_PASSWORD);
    }

    @Test
    void readsErrPacketsAsErrPacketDoes() {
        byte[] real = Fixtures.load("mysql-connector-j-9.1-access-denied.hex").payload("err");
        ErrPacket expected = Fixtures.decode(real, p -> ErrPacket.decode(p, RawClient.CAPABILITIES));
        byte[] withoutState = {(byte) 0xFF, 0x13, 0x04, 'B', 'a', 'd'};

        assertThat(RawClient.Err.parse(real))
                .isEqualTo(new RawClient.Err(expected.errorCode(), expected.sqlState(), expected.message()));
        assertThat(RawClient.Err.parse(real).errorCode()).isEqualTo(1045);
        assertThat(RawClient.Err.parse(withoutState))
                .isEqualTo(new RawClient.Err(1043, ErrPacket.GENERAL_SQL_STATE, "Bad"));
        ErrPacket decoded = Fixtures.decode(withoutState, p -> ErrPacket.decode(p, 0));
        assertThat(decoded).isEqualTo(new ErrPacket(1043, ErrPacket.GENERAL_SQL_STATE, "Bad"));
    }
}
