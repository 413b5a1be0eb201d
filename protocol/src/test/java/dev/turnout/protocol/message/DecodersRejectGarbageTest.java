package dev.turnout.protocol.message;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_ATTRS;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_DEPRECATE_EOF;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SECURE_CONNECTION;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SESSION_TRACK;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_TRANSACTIONS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.protocol.auth.Scrambles;
import dev.turnout.protocol.message.client.ComChangeUser;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.client.SslRequest;
import dev.turnout.protocol.message.server.AuthMoreData;
import dev.turnout.protocol.message.server.AuthSwitchRequest;
import dev.turnout.protocol.message.server.EofPacket;
import dev.turnout.protocol.message.server.ErrPacket;
import dev.turnout.protocol.message.server.HandshakeV10;
import dev.turnout.protocol.message.server.OkPacket;
import dev.turnout.protocol.message.server.SessionStateInfo;
import dev.turnout.protocol.wire.Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every decoder, fed mutated real packets, random bytes and every truncation of real packets,
 * either decodes or throws {@link MalformedPacketException}, and nothing else: the connection
 * phase answers that exception "Bad handshake", so any other one would hide a connector bug
 * behind a client's fault. The frame views (peeks on a whole packet, header included) are held to
 * the same rule for frames whose header is consistent, the only ones the frame decoder makes.
 */
class DecodersRejectGarbageTest {

    private static final long ALL = 0xFFFF_FFFFL;
    private static final Fixtures NATIVE = Fixtures.load("mysql-connector-j-9.1-native.hex");
    private static final Fixtures SHA2 = Fixtures.load("mysql-connector-j-9.1-caching-sha2.hex");
    private static final Fixtures DENIED = Fixtures.load("mysql-connector-j-9.1-access-denied.hex");
    private static final Fixtures MARIADB_J = Fixtures.load("mariadb-connector-j-3.5.hex");
    private static final Fixtures MARIADB_J_SSL = Fixtures.load("mariadb-connector-j-3.5-ssl.hex");
    private static final Fixtures MYSQL_J_SSL = Fixtures.load("mysql-connector-j-9.1-ssl.hex");
    private static final Fixtures TEXT = Fixtures.load("mariadb-11.4-text-protocol.hex");

    /**
     * Each decoder the connector uses, under every capability set that changes its layout, with
     * real packets it decodes: the client-side ones of the connection phase and the server-side
     * ones of the backend's login.
     */
    private static final List<Decoder> EVERY_DECODER = everyDecoder();

    /** The frame views over OK, ERR and EOF packets. */
    private static final Map<String, Function<ByteBuf, ?>> FRAME_VIEWS = frameViews();

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
        List<byte[]> seeds = List.of(
                fixtures.payload("greeting"),
                fixtures.payload("response"),
                fixtures.payload("ok-insert"),
                fixtures.payload("change-user"),
                fixtures.payload("change-user-switch"));
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
        assertThat(malformed)
                .as("most mutations of most packets are not another packet")
                .isGreaterThan(1000);
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

    @Test
    void randomBytesGetExactlyMalformedPacketExceptionFromEveryDecoder() {
        Random random = new Random(20_260_301);
        for (Decoder decoder : EVERY_DECODER) {
            int malformed = 0;
            for (int round = 0; round < 600; round++) {
                byte[] payload = new byte[random.nextInt(round < 300 ? 16 : 300)];
                random.nextBytes(payload);
                if (payload.length > 0 && random.nextBoolean()) {
                    // The decoder's own first byte half the time, so that the random rest is read.
                    payload[0] = decoder.seeds().get(0)[0];
                }
                malformed += decodesOrIsMalformed(decoder, payload) ? 0 : 1;
            }
            assertThat(malformed)
                    .as("random bytes rejected by %s", decoder.name())
                    .isGreaterThan(100);
        }
    }

    @Test
    void everyTruncationOfARealPacketGetsExactlyMalformedPacketExceptionOrDecodes() {
        for (Decoder decoder : EVERY_DECODER) {
            int malformed = 0;
            for (byte[] seed : decoder.seeds()) {
                assertThat(decodesOrIsMalformed(decoder, seed))
                        .as("%s decodes its seed %s", decoder.name(), hex(seed))
                        .isTrue();
                for (int length = 0; length < seed.length; length++) {
                    malformed += decodesOrIsMalformed(decoder, Arrays.copyOf(seed, length)) ? 0 : 1;
                }
            }
            assertThat(decodesOrIsMalformed(decoder, new byte[0]))
                    .as("%s of an empty payload", decoder.name())
                    .isFalse();
            assertThat(malformed)
                    .as("truncations rejected by %s", decoder.name())
                    .isPositive();
        }
    }

    @Test
    void mutatedRealPacketsGetExactlyMalformedPacketExceptionFromEveryDecoder() {
        Random random = new Random(11);
        for (Decoder decoder : EVERY_DECODER) {
            for (byte[] seed : decoder.seeds()) {
                for (int round = 0; round < 200; round++) {
                    byte[] payload = seed.clone();
                    for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                        payload[random.nextInt(payload.length)] = (byte) random.nextInt(256);
                    }
                    if (random.nextInt(4) == 0) {
                        payload = Arrays.copyOf(payload, random.nextInt(payload.length));
                    }
                    decodesOrIsMalformed(decoder, payload);
                }
            }
        }
    }

    @Test
    void frameViewsThrowOnlyMalformedPacketExceptionForConsistentFrames() {
        List<byte[]> seeds = List.of(
                TEXT.payload("ok-track-vars"),
                TEXT.payload("ok-use"),
                TEXT.payload("ok-autocommit"),
                TEXT.payload("ok-auth"),
                TEXT.payload("eof"),
                TEXT.payload("err-syntax"),
                NATIVE.payload("ok-insert"),
                NATIVE.payload("ok-eof"),
                DENIED.payload("err"));
        Random random = new Random(3);
        List<byte[]> payloads = new ArrayList<>();
        for (byte[] seed : seeds) {
            for (int length = 0; length <= seed.length; length++) {
                payloads.add(Arrays.copyOf(seed, length));
            }
            for (int round = 0; round < 200; round++) {
                byte[] payload = seed.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    payload[random.nextInt(payload.length)] = (byte) random.nextInt(256);
                }
                payloads.add(payload);
            }
        }
        for (int round = 0; round < 300; round++) {
            byte[] payload = new byte[random.nextInt(40)];
            random.nextBytes(payload);
            payloads.add(payload);
        }
        for (byte[] payload : payloads) {
            for (Map.Entry<String, Function<ByteBuf, ?>> view : FRAME_VIEWS.entrySet()) {
                ByteBuf frame = Unpooled.buffer(Packets.HEADER_SIZE + payload.length);
                try {
                    Packets.writeHeader(frame, payload.length, 1);
                    frame.writeBytes(payload);
                    view.getValue().apply(frame);
                } catch (Throwable t) {
                    assertThat(t)
                            .as("%s of the frame with payload %s", view.getKey(), hex(payload))
                            .isExactlyInstanceOf(MalformedPacketException.class);
                } finally {
                    frame.release();
                }
            }
        }
    }

    /**
     * Decodes {@code payload} from a heap buffer and from one-byte components: true when it
     * decodes (the same both ways), false when both throw {@code MalformedPacketException}.
     */
    private static boolean decodesOrIsMalformed(Decoder decoder, byte[] payload) {
        Object heap = decodeOrThrowable(decoder, payload, false);
        Object composite = decodeOrThrowable(decoder, payload, true);
        for (Object result : new Object[] {heap, composite}) {
            if (result instanceof Throwable t) {
                assertThat(t)
                        .as("%s of %s", decoder.name(), hex(payload))
                        .isExactlyInstanceOf(MalformedPacketException.class);
            }
        }
        if (heap instanceof Throwable) {
            assertThat(composite)
                    .as("%s of %s from one-byte components", decoder.name(), hex(payload))
                    .isInstanceOf(MalformedPacketException.class);
            return false;
        }
        assertThat(composite)
                .as("%s of %s from one-byte components", decoder.name(), hex(payload))
                .isEqualTo(heap);
        return true;
    }

    private static Object decodeOrThrowable(Decoder decoder, byte[] payload, boolean byteByByte) {
        try {
            return byteByByte
                    ? Fixtures.decodeByteByByte(payload, decoder.decode())
                    : Fixtures.decode(payload, decoder.decode());
        } catch (Throwable t) {
            return t;
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * A decoder under test.
     *
     * @param name   the packet and the capabilities it is decoded with
     * @param decode the decoder
     * @param seeds  real payloads it decodes (the first one's first byte is the decoder's header)
     */
    private record Decoder(String name, Function<ByteBuf, ?> decode, List<byte[]> seeds) {}

    private static List<Decoder> everyDecoder() {
        List<Decoder> decoders = new ArrayList<>();
        decoders.add(new Decoder(
                "HandshakeResponse41",
                HandshakeResponse41::decode,
                List.of(
                        NATIVE.payload("response"),
                        SHA2.payload("response"),
                        DENIED.payload("response"),
                        MARIADB_J.payload("response"))));
        decoders.add(new Decoder(
                "SslRequest",
                SslRequest::decode,
                List.of(MARIADB_J_SSL.payload("ssl-request"), MYSQL_J_SSL.payload("ssl-request"))));
        long[] changeUserCapabilities = {
            ALL,
            0,
            CLIENT_SECURE_CONNECTION,
            CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH,
            CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | CLIENT_CONNECT_ATTRS,
            CLIENT_PLUGIN_AUTH | CLIENT_CONNECT_ATTRS
        };
        ComChangeUser changeUser = new ComChangeUser(
                "other",
                new byte[20],
                "test",
                45,
                "mysql_native_password",
                Map.of("_client_name", "x", "_os", "Linux"));
        for (long capabilities : changeUserCapabilities) {
            List<byte[]> seeds = new ArrayList<>();
            seeds.add(Fixtures.encode(out -> changeUser.encode(out, capabilities)));
            if (capabilities == ALL) {
                seeds.add(NATIVE.payload("change-user"));
            }
            decoders.add(new Decoder(
                    "ComChangeUser with capabilities 0x" + Long.toHexString(capabilities),
                    p -> ComChangeUser.decode(p, capabilities),
                    seeds));
        }
        decoders.add(new Decoder(
                "HandshakeV10",
                HandshakeV10::decode,
                List.of(
                        NATIVE.payload("greeting"),
                        MARIADB_J.payload("greeting"),
                        Fixtures.encode(
                                new HandshakeV10(
                                                "8.4.3",
                                                7,
                                                new byte[20],
                                                0xDFFF_FFFFL | 1,
                                                255,
                                                2,
                                                "caching_sha2_password")::encode))));
        long[] okCapabilities = {
            ALL,
            0,
            CLIENT_PROTOCOL_41,
            CLIENT_TRANSACTIONS,
            CLIENT_PROTOCOL_41 | CLIENT_SESSION_TRACK,
            CLIENT_PROTOCOL_41 | CLIENT_SESSION_TRACK | CLIENT_DEPRECATE_EOF
        };
        for (long capabilities : okCapabilities) {
            List<byte[]> seeds = List.of(
                    NATIVE.payload("ok"),
                    NATIVE.payload("ok-insert"),
                    TEXT.payload("ok-track-vars"),
                    TEXT.payload("ok-use"),
                    TEXT.payload("ok-autocommit"),
                    NATIVE.payload("ok-eof"));
            decoders.add(new Decoder(
                    "OkPacket with capabilities 0x" + Long.toHexString(capabilities),
                    p -> OkPacket.decode(p, capabilities),
                    seeds));
        }
        for (long capabilities : new long[] {ALL, 0}) {
            decoders.add(new Decoder(
                    "ErrPacket with capabilities 0x" + Long.toHexString(capabilities),
                    p -> ErrPacket.decode(p, capabilities),
                    List.of(DENIED.payload("err"), TEXT.payload("err-syntax"), new byte[] {
                        (byte) 0xFF, 0x13, 0x04, 'B', 'a', 'd'
                    })));
        }
        decoders.add(new Decoder(
                "AuthSwitchRequest",
                AuthSwitchRequest::decode,
                List.of(
                        SHA2.payload("switch"),
                        NATIVE.payload("change-user-switch"),
                        Fixtures.encode(new AuthSwitchRequest("client_ed25519", new byte[32])::encode))));
        decoders.add(new Decoder(
                "AuthMoreData",
                AuthMoreData::decode,
                List.of(
                        new byte[] {AuthMoreData.HEADER, AuthMoreData.FAST_AUTH_SUCCESS},
                        new byte[] {AuthMoreData.HEADER, AuthMoreData.PERFORM_FULL_AUTHENTICATION},
                        Fixtures.encode(new AuthMoreData(publicKeyPem())::encode))));
        return List.copyOf(decoders);
    }

    private static byte[] publicKeyPem() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(1024);
            return Scrambles.toPem(generator.generateKeyPair().getPublic()).getBytes(StandardCharsets.US_ASCII);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Function<ByteBuf, ?>> frameViews() {
        Map<String, Function<ByteBuf, ?>> views = new LinkedHashMap<>();
        views.put("OkPacket.statusFlags", frame -> OkPacket.statusFlags(frame, ALL));
        views.put(
                "OkPacket.statusFlags without CLIENT_PROTOCOL_41",
                frame -> OkPacket.statusFlags(frame, CLIENT_TRANSACTIONS));
        views.put("ErrPacket.errorCode", ErrPacket::errorCode);
        views.put("EofPacket.isEof", EofPacket::isEof);
        views.put("EofPacket.statusFlags", EofPacket::statusFlags);
        views.put("EofPacket.warnings", EofPacket::warnings);
        views.put("SessionStateInfo.entriesIndex", SessionStateInfo::entriesIndex);
        views.put("SessionStateInfo.trackedGtid", SessionStateInfo::trackedGtid);
        views.put("SessionStateInfo.strip", SessionStateInfo::strip);
        return views;
    }
}
