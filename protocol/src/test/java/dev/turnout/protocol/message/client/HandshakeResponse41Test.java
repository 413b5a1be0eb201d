package dev.turnout.protocol.message.client;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_ATTRS;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_WITH_DB;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_MYSQL;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SECURE_CONNECTION;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SESSION_TRACK;
import static dev.turnout.protocol.constant.Capabilities.MARIADB_CLIENT_EXTENDED_METADATA;
import static dev.turnout.protocol.constant.Capabilities.MARIADB_CLIENT_STMT_BULK_OPERATIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.protocol.message.Fixtures;
import dev.turnout.protocol.message.MalformedPacketException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandshakeResponse41Test {

    private static final Fixtures MYSQL_J = Fixtures.load("mysql-connector-j-9.1-native.hex");
    private static final Fixtures MYSQL_J_SHA2 = Fixtures.load("mysql-connector-j-9.1-caching-sha2.hex");
    private static final Fixtures MARIADB_J = Fixtures.load("mariadb-connector-j-3.5.hex");
    private static final long BASE = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;

    @Test
    void decodesMySqlConnectorJsResponseWithAttributesInOrder() {
        HandshakeResponse41 response = Fixtures.decode(MYSQL_J.payload("response"), HandshakeResponse41::decode);

        assertThat(response.capabilities()).isEqualTo(0x013E_A20EL);
        assertThat(response.maxPacketSize()).isEqualTo(0xFF_FFFF);
        assertThat(response.characterSet()).isEqualTo(255);
        assertThat(response.username()).isEqualTo("app");
        assertThat(response.authResponse()).hasSize(20);
        assertThat(response.database()).isEqualTo("shop");
        assertThat(response.authPluginName()).isEqualTo("mysql_native_password");
        assertThat(response.connectAttributes().keySet())
                .containsExactly(
                        "_runtime_version",
                        "_client_version",
                        "program_name",
                        "_client_license",
                        "_runtime_vendor",
                        "_client_name");
        assertThat(response.connectAttributes())
                .containsEntry("program_name", "turnout-capture")
                .containsEntry("_client_name", "MySQL Connector/J");
    }

    @Test
    void decodesMariaDbConnectorJsExtendedCapabilitiesFromTheFiller() {
        HandshakeResponse41 response = Fixtures.decode(MARIADB_J.payload("response"), HandshakeResponse41::decode);

        assertThat(response.capabilities() & CLIENT_MYSQL).isZero();
        assertThat(response.capabilities() & 0xFFFF_FFFFL).isEqualTo(0x01BE_A38AL);
        assertThat(response.capabilities() >>> 32).isEqualTo(0xC);
        assertThat(response.capabilities() & (MARIADB_CLIENT_STMT_BULK_OPERATIONS | MARIADB_CLIENT_EXTENDED_METADATA))
                .isEqualTo(MARIADB_CLIENT_STMT_BULK_OPERATIONS | MARIADB_CLIENT_EXTENDED_METADATA);
        assertThat(response.capabilities() & CLIENT_SESSION_TRACK).isNotZero();
        assertThat(response.maxPacketSize()).isEqualTo(0x4000_0000);
        assertThat(response.characterSet()).isEqualTo(8);
        assertThat(response.database()).isEqualTo("shop");
        assertThat(response.connectAttributes())
                .containsEntry("_client_name", "MariaDB Connector/J")
                .containsEntry("program_name", "turnout-capture");
    }

    @Test
    void decodesAResponseWithoutDatabase() {
        HandshakeResponse41 response = Fixtures.decode(MYSQL_J_SHA2.payload("response"), HandshakeResponse41::decode);

        assertThat(response.capabilities() & CLIENT_CONNECT_WITH_DB).isZero();
        assertThat(response.database()).isNull();
        assertThat(response.authPluginName()).isEqualTo("caching_sha2_password");
        assertThat(response.authResponse()).hasSize(32);
    }

    @Test
    void reEncodesEveryCapturedResponseByteForByte() {
        for (Fixtures fixtures : new Fixtures[] {
            MYSQL_J, MYSQL_J_SHA2, MARIADB_J, Fixtures.load("mysql-connector-j-9.1-access-denied.hex")
        }) {
            byte[] payload = fixtures.payload("response");
            HandshakeResponse41 response = Fixtures.decode(payload, HandshakeResponse41::decode);

            assertThat(Fixtures.encode(response::encode)).isEqualTo(payload);
            assertThat(Fixtures.decodeByteByByte(payload, HandshakeResponse41::decode))
                    .isEqualTo(response);
        }
    }

    @Test
    void roundTripsWithEachWayOfCarryingTheAuthResponse() {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("z", "last?");
        attributes.put("a", "x".repeat(300));
        long[] variants = {
            BASE | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT_CONNECT_WITH_DB | CLIENT_CONNECT_ATTRS | CLIENT_MYSQL,
            BASE | CLIENT_CONNECT_WITH_DB | 0x5L << 32,
            CLIENT_PROTOCOL_41 | CLIENT_MYSQL,
        };
        for (long caps : variants) {
            boolean attrs = (caps & CLIENT_CONNECT_ATTRS) != 0;
            boolean nulTerminated = (caps & CLIENT_SECURE_CONNECTION) == 0;
            HandshakeResponse41 response = new HandshakeResponse41(
                    caps,
                    0x100_0000,
                    45,
                    "user",
                    nulTerminated ? new byte[] {1, 2, 3} : new byte[] {0, 1, 2, 3},
                    (caps & CLIENT_CONNECT_WITH_DB) != 0 ? "db" : null,
                    (caps & CLIENT_PLUGIN_AUTH) != 0 ? "mysql_native_password" : null,
                    attrs ? attributes : Map.of());

            HandshakeResponse41 decoded =
                    Fixtures.decode(Fixtures.encode(response::encode), HandshakeResponse41::decode);

            assertThat(decoded).isEqualTo(response);
            if (attrs) {
                assertThat(decoded.connectAttributes().keySet()).containsExactly("z", "a");
            }
        }
    }

    @Test
    void aLongAuthResponseNeedsLenencClientData() {
        HandshakeResponse41 response = new HandshakeResponse41(BASE, 0, 0, "u", new byte[256], null, null, Map.of());

        assertThatThrownBy(() -> Fixtures.encode(response::encode)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyTruncationDecodesOrIsMalformed() {
        byte[] payload = MYSQL_J.payload("response");
        for (int length = 0; length < payload.length; length++) {
            byte[] prefix = Arrays.copyOf(payload, length);
            try {
                HandshakeResponse41 decoded = Fixtures.decode(prefix, HandshakeResponse41::decode);
                assertThat(decoded.username()).isEqualTo("app");
            } catch (MalformedPacketException expected) {
                assertThat(expected).hasMessageContaining("HandshakeResponse41");
            }
        }
    }

    @Test
    void refusesPre41Clients() {
        byte[] payload = new byte[40];
        assertThatThrownBy(() -> Fixtures.decode(payload, HandshakeResponse41::decode))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining("4.1");
    }

    @Test
    void copiesArraysAndMapsAndHidesTheAuthResponse() {
        byte[] auth = {1, 2, 3};
        Map<String, String> attributes = new LinkedHashMap<>(Map.of("k", "v"));
        HandshakeResponse41 response = new HandshakeResponse41(BASE, 0, 0, "u", auth, null, "", attributes);
        auth[0] = 9;
        attributes.put("k2", "v2");

        assertThat(response.authResponse()).containsExactly(1, 2, 3);
        assertThat(response.connectAttributes()).containsOnlyKeys("k");
        assertThat(response.authPluginName()).isNull();
        assertThatThrownBy(() -> response.connectAttributes().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(response.toString()).contains("authResponse=<3 bytes>");
    }
}
