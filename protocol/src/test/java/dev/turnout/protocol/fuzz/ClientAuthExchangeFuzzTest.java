package dev.turnout.protocol.fuzz;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_ATTRS;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_WITH_DB;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_DEPRECATE_EOF;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_MYSQL;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SECURE_CONNECTION;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SESSION_TRACK;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_TRANSACTIONS;
import static dev.turnout.protocol.constant.Capabilities.MARIADB_CLIENT_PROGRESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.turnout.protocol.auth.AuthPlugins;
import dev.turnout.protocol.auth.ClientAuthExchange;
import dev.turnout.protocol.auth.ClientAuthExchange.Step;
import dev.turnout.protocol.message.server.HandshakeV10;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Map;

/**
 * {@link ClientAuthExchange} after a valid greeting, fed arbitrary server packets: every packet is
 * answered with a {@link Step} (never an exception) until Done or Failed, after which a further
 * packet is refused with the documented {@link IllegalStateException}; the payload buffers are
 * neither moved past their end nor retained or released.
 *
 * <p>Input: a configuration byte (bits 0-1 the greeting's plugin, 2 secure transport, 3 public key
 * retrieval allowed, 4 a configured server key, 5 MariaDB instead of MySQL, 6 session tracking),
 * then server packets, each a two-byte little-endian length and that many payload bytes.
 */
class ClientAuthExchangeFuzzTest {

    static final String MAX_DURATION = "2m";

    private static final String[] PLUGINS = {
        AuthPlugins.MYSQL_NATIVE_PASSWORD,
        AuthPlugins.CACHING_SHA2_PASSWORD,
        AuthPlugins.MYSQL_CLEAR_PASSWORD,
        "auth_gssapi_client",
    };
    private static final long SERVER_CAPABILITIES = CLIENT_PROTOCOL_41
            | CLIENT_SECURE_CONNECTION
            | CLIENT_PLUGIN_AUTH
            | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
            | CLIENT_TRANSACTIONS
            | CLIENT_CONNECT_WITH_DB
            | CLIENT_CONNECT_ATTRS
            | CLIENT_DEPRECATE_EOF
            | MARIADB_CLIENT_PROGRESS;
    private static final byte[] SCRAMBLE = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
    private static final PublicKey SERVER_KEY = rsaKey();

    @FuzzTest(maxDuration = MAX_DURATION)
    void answersEveryServerPacketWithAStep(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        int config = in.u8();
        long server = SERVER_CAPABILITIES
                | ((config & 0x20) == 0 ? CLIENT_MYSQL : 0)
                | ((config & 0x40) != 0 ? CLIENT_SESSION_TRACK : 0);
        HandshakeV10 greeting = new HandshakeV10("8.4.3", 7, SCRAMBLE, server, 255, 2, PLUGINS[config & 3]);
        ClientAuthExchange exchange = new ClientAuthExchange(
                        "app",
                        "secret".getBytes(StandardCharsets.UTF_8),
                        "shop",
                        server,
                        255,
                        Map.of("_client_name", "fuzz"))
                .secureTransport((config & 0x04) != 0)
                .allowPublicKeyRetrieval((config & 0x08) != 0)
                .serverPublicKey((config & 0x10) != 0 ? SERVER_KEY : null);
        assertThat(exchange.start(greeting)).isNotNull();

        boolean ended = false;
        while (in.hasMore()) {
            byte[] payload = in.bytes(in.u16());
            ByteBuf buf = Unpooled.wrappedBuffer(payload);
            try {
                if (ended) {
                    assertThatThrownBy(() -> exchange.onServerPacket(buf)).isInstanceOf(IllegalStateException.class);
                    return;
                }
                Step step = exchange.onServerPacket(buf);
                assertThat(step).isNotNull();
                assertThat(buf.readerIndex()).isBetween(0, payload.length);
                ended = step instanceof Step.Done || step instanceof Step.Failed;
                if (step instanceof Step.Failed failed) {
                    assertThat(failed.err().errorCode()).isBetween(0, 0xFFFF);
                }
            } finally {
                assertThat(buf.refCnt())
                        .as("the exchange neither retains nor releases a payload")
                        .isEqualTo(1);
                buf.release();
            }
        }
    }

    private static PublicKey rsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPublic();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
