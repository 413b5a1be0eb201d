package dev.turnout.protocol.fuzz;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_ATTRS;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_WITH_DB;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_DEPRECATE_EOF;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_MYSQL;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SECURE_CONNECTION;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SESSION_TRACK;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_TRANSACTIONS;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.message.client.ComChangeUser;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.client.SslRequest;
import dev.turnout.protocol.message.server.AuthMoreData;
import dev.turnout.protocol.message.server.AuthSwitchRequest;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.message.server.OkPacket;

/**
 * The bodies of {@link MessageDecodersFuzzTest}, one per decoder. They live apart from the test
 * class so that JUnit's discovery, which reflects on the test class's methods (lambdas included),
 * loads no record class before Jazzer's agent is installed: a loaded record with annotated
 * components cannot be retransformed on JDK 17 (JDK-8376185), and would be fuzzed without
 * coverage feedback.
 */
final class DecoderRoundTrips {

    private DecoderRoundTrips() {}

    static void handshakeV10(byte[] payload) {
        RoundTrip.check(payload, HandshakeV10::decode, HandshakeV10::encode);
    }

    static void handshakeResponse41(byte[] payload) {
        RoundTrip.check(payload, p -> withEmptyDatabase(HandshakeResponse41.decode(p)), HandshakeResponse41::encode);
    }

    /**
     * The one documented loss of HandshakeResponse41: a database its capabilities announce but the
     * packet lacks decodes as null and encodes as an empty name, so the two compare equal here.
     */
    private static HandshakeResponse41 withEmptyDatabase(HandshakeResponse41 r) {
        if (r.database() != null || !Capabilities.has(r.capabilities(), CLIENT_CONNECT_WITH_DB)) {
            return r;
        }
        return new HandshakeResponse41(
                r.capabilities(),
                r.maxPacketSize(),
                r.characterSet(),
                r.username(),
                r.authResponse(),
                "",
                r.authPluginName(),
                r.connectAttributes());
    }

    static void sslRequest(byte[] payload) {
        RoundTrip.check(payload, SslRequest::decode, SslRequest::encode);
    }

    static void comChangeUser(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        long capabilities = FuzzInput.flags(
                in.u8(),
                CLIENT_SECURE_CONNECTION,
                CLIENT_PLUGIN_AUTH,
                CLIENT_CONNECT_ATTRS,
                CLIENT_PROTOCOL_41,
                CLIENT_MYSQL);
        RoundTrip.check(in.rest(), p -> ComChangeUser.decode(p, capabilities), (r, out) -> r.encode(out, capabilities));
    }

    static void okPacket(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        long capabilities = FuzzInput.flags(
                in.u8(),
                CLIENT_PROTOCOL_41,
                CLIENT_TRANSACTIONS,
                CLIENT_SESSION_TRACK,
                CLIENT_DEPRECATE_EOF,
                CLIENT_MYSQL);
        RoundTrip.check(in.rest(), p -> OkPacket.decode(p, capabilities), (r, out) -> r.encode(out, capabilities));
    }

    static void errPacket(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        long capabilities = FuzzInput.flags(in.u8(), CLIENT_PROTOCOL_41, CLIENT_MYSQL);
        RoundTrip.check(in.rest(), p -> ErrPacket.decode(p, capabilities), ErrPacket::encode);
    }

    static void authSwitchRequest(byte[] payload) {
        RoundTrip.check(payload, AuthSwitchRequest::decode, AuthSwitchRequest::encode);
    }

    static void authMoreData(byte[] payload) {
        RoundTrip.check(payload, AuthMoreData::decode, AuthMoreData::encode);
    }
}
