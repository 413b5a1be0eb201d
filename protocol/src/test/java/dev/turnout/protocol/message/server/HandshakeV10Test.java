package dev.turnout.protocol.message.server;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_MYSQL;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SECURE_CONNECTION;
import static dev.turnout.protocol.constant.Capabilities.MARIADB_CLIENT_CACHE_METADATA;
import static dev.turnout.protocol.constant.Capabilities.MARIADB_CLIENT_EXTENDED_METADATA;
import static dev.turnout.protocol.constant.Capabilities.MARIADB_CLIENT_PROGRESS;
import static dev.turnout.protocol.constant.Capabilities.MARIADB_CLIENT_STMT_BULK_OPERATIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.protocol.message.Fixtures;
import dev.turnout.protocol.message.MalformedPacketException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HandshakeV10Test {

    private static final Fixtures CONNECTOR_J = Fixtures.load("mysql-connector-j-9.1-native.hex");

    @Test
    void decodesTheGreetingOfMariaDb114() {
        HandshakeV10 greeting = Fixtures.decode(CONNECTOR_J.payload("greeting"), HandshakeV10::decode);

        assertThat(greeting.serverVersion()).isEqualTo("11.4.5-MariaDB");
        assertThat(greeting.connectionId()).isEqualTo(10);
        assertThat(greeting.authPluginData())
                .hasSize(20)
                .isEqualTo("R04V6IK{NP*{QbyZ8E3l".getBytes(StandardCharsets.US_ASCII))
                .isEqualTo(CONNECTOR_J.greetingScramble("greeting"));
        assertThat(greeting.characterSet()).isEqualTo(8);
        assertThat(greeting.statusFlags()).isEqualTo(0x0002);
        assertThat(greeting.authPluginName()).isEqualTo("mysql_native_password");
        assertThat(greeting.capabilities() & 0xFFFF_FFFFL).isEqualTo(0x81FF_FFFEL);
        assertThat(greeting.capabilities() & CLIENT_MYSQL).isZero();
        assertThat(greeting.capabilities() >>> 32).isEqualTo(0x1D);
        assertThat(greeting.capabilities())
                .matches(c -> (c & MARIADB_CLIENT_PROGRESS) != 0
                        && (c & MARIADB_CLIENT_STMT_BULK_OPERATIONS) != 0
                        && (c & MARIADB_CLIENT_EXTENDED_METADATA) != 0
                        && (c & MARIADB_CLIENT_CACHE_METADATA) != 0);
    }

    @Test
    void reEncodesTheMariaDbGreetingByteForByte() {
        byte[] payload = CONNECTOR_J.payload("greeting");
        HandshakeV10 greeting = Fixtures.decode(payload, HandshakeV10::decode);

        assertThat(Fixtures.encode(greeting::encode)).isEqualTo(payload);
    }

    @Test
    void decodesTheSameFromOneByteComponents() {
        byte[] payload = CONNECTOR_J.payload("greeting");

        assertThat(Fixtures.decodeByteByByte(payload, HandshakeV10::decode))
                .isEqualTo(Fixtures.decode(payload, HandshakeV10::decode));
    }

    @Test
    void roundTripsAMySqlStyleGreetingWithoutExtendedCapabilities() {
        HandshakeV10 mysql = new HandshakeV10(
                "8.4.3", 0xFFFF_FFFFL, bytes(20), 0xDFFF_FFFFL | 0xABCDL << 32, 255, 0x0002, "caching_sha2_password");

        HandshakeV10 decoded = Fixtures.decode(Fixtures.encode(mysql::encode), HandshakeV10::decode);

        // CLIENT_MYSQL is set, so the high bits are not MariaDB's and do not travel.
        assertThat(decoded)
                .isEqualTo(new HandshakeV10(
                        "8.4.3", 0xFFFF_FFFFL, bytes(20), 0xDFFF_FFFFL, 255, 2, "caching_sha2_password"));
    }

    @Test
    void roundTripsAGreetingWithALongScramble() {
        HandshakeV10 greeting = new HandshakeV10(
                "x",
                1,
                bytes(32),
                CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | MARIADB_CLIENT_PROGRESS,
                45,
                0,
                "client_ed25519");

        assertThat(Fixtures.decode(Fixtures.encode(greeting::encode), HandshakeV10::decode))
                .isEqualTo(greeting);
    }

    @Test
    void rejectsAnErrPacketInsteadOfAGreeting() {
        byte[] err = {(byte) 0xFF, 0x10, 0x04, 'T', 'o', 'o'};

        assertThatThrownBy(() -> Fixtures.decode(err, HandshakeV10::decode))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining("ERR");
    }

    @Test
    void everyTruncationOfTheGreetingIsMalformedOrAShorterGreeting() {
        byte[] payload = CONNECTOR_J.payload("greeting");
        for (int length = 0; length < payload.length; length++) {
            byte[] prefix = java.util.Arrays.copyOf(payload, length);
            HandshakeV10 decoded;
            try {
                decoded = Fixtures.decode(prefix, HandshakeV10::decode);
            } catch (MalformedPacketException expected) {
                continue;
            }
            // Only the pre-4.1 form that ends after the low capability bytes decodes, and a greeting
            // cut inside its plugin name, which old servers left unterminated.
            int scrambleEnd = 1 + 15 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 6 + 4 + 13;
            assertThat(length).matches(l -> l == 31 || l >= scrambleEnd, "pre-4.1 length or past the scramble");
            assertThat("mysql_native_password").startsWith(decoded.authPluginName());
        }
    }

    @Test
    void copiesTheScrambleInAndOut() {
        byte[] scramble = bytes(20);
        HandshakeV10 greeting = new HandshakeV10("v", 1, scramble, 0, 0, 0, "");
        scramble[0] = 99;
        greeting.authPluginData()[1] = 99;

        assertThat(greeting.authPluginData()).isEqualTo(bytes(20));
    }

    @Test
    void toStringPrintsTheScrambleLengthOnly() {
        HandshakeV10 greeting = Fixtures.decode(CONNECTOR_J.payload("greeting"), HandshakeV10::decode);

        assertThat(greeting.toString()).contains("authPluginData=<20 bytes>").doesNotContain("R04V6IK");
    }

    @Test
    void validatesItsComponents() {
        assertThatThrownBy(() -> new HandshakeV10("v", -1, bytes(20), 0, 0, 0, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakeV10("v", 1, bytes(7), 0, 0, 0, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakeV10("v\0", 1, bytes(20), 0, 0, 0, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakeV10("v", 1, bytes(20), 0, 256, 0, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('A' + i % 26);
        }
        return b;
    }
}
