package dev.turnout.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.protocol.message.client.ComChangeUser;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.client.SslRequest;
import dev.turnout.protocol.message.server.AuthMoreData;
import dev.turnout.protocol.message.server.AuthSwitchRequest;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.message.server.OkPacket;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every decoder, fed mutated real packets and random bytes, either decodes or throws MalformedPacketException. */
class DecodersRejectGarbageTest {

    private static final Map<String, Function<ByteBuf, ?>> DECODERS = Map.of(
            "HandshakeV10", HandshakeV10::decode,
            "HandshakeResponse41", HandshakeResponse41::decode,
            "SslRequest", SslRequest::decode,
            "ComChangeUser", (ByteBuf p) -> ComChangeUser.decode(p, 0xFFFF_FFFFL),
            "OkPacket", (ByteBuf p) -> OkPacket.decode(p, 0xFFFF_FFFFL),
            "ErrPacket", (ByteBuf p) -> ErrPacket.decode(p, 0xFFFF_FFFFL),
            "AuthSwitchRequest", AuthSwitchRequest::decode,
            "AuthMoreData", AuthMoreData::decode);

    @Test
    void mutatedRealPacketsNeverLeakAnotherException() {
        Fixtures fixtures = Fixtures.load("mysql-connector-j-9.1-native.hex");
        List<byte[]> seeds = List.of(fixtures.payload("greeting"), fixtures.payload("response"), fixtures.payload("ok-insert"),
                fixtures.payload("change-user"), fixtures.payload("change-user-switch"));
        Random random = new Random(20_261_122);
        int malformed = 0;
        for (int round = 0; round < 400; round++) {
            byte[] payload = seeds.get(round % seeds.size()).clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                payload[random.nextInt(payload.length)] = (byte) random.nextInt(256);
            }
            for (Function<ByteBuf, ?> decoder : DECODERS.values()) {
                malformed += decodeOrMalformed(payload, decoder);
            }
        }
        assertThat(malformed).as("most mutations of most packets are not another packet").isGreaterThan(1000);
    }

    @Test
    void randomBytesNeverLeakAnotherException() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            byte[] payload = new byte[random.nextInt(64)];
            random.nextBytes(payload);
            for (Function<ByteBuf, ?> decoder : DECODERS.values()) {
                decodeOrMalformed(payload, decoder);
            }
        }
    }

    private static int decodeOrMalformed(byte[] payload, Function<ByteBuf, ?> decoder) {
        try {
            Fixtures.decode(payload, decoder);
            return 0;
        } catch (MalformedPacketException expected) {
            return 1;
        }
    }
}
