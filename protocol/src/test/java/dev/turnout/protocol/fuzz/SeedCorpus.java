package dev.turnout.protocol.fuzz;

import dev.turnout.protocol.auth.Scrambles;
import dev.turnout.protocol.message.Fixtures;
import dev.turnout.protocol.wire.Packets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes the seed corpora of the fuzz tests from the captured fixtures, in the layouts the tests
 * read ({@link FuzzInput}). A one-off tool, not a test: run it from the protocol module after the
 * fixtures change, and commit what it writes.
 *
 * <pre>
 * ./mvnw -q -B -o -pl protocol -am test-compile
 * java -cp "protocol/target/test-classes:protocol/target/classes:$(cat cp.txt)" dev.turnout.protocol.fuzz.SeedCorpus protocol/src/test/resources
 * </pre>
 * ({@code cp.txt} from {@code ./mvnw -pl protocol dependency:build-classpath -Dmdep.outputFile=cp.txt}).
 */
final class SeedCorpus {

    private static final String PACKAGE = "dev/turnout/protocol/fuzz/";
    private static final String[] MESSAGE_FIXTURES = {
        "mariadb-11.4-text-protocol", "mariadb-connector-j-3.5-ssl", "mariadb-connector-j-3.5",
        "mysql-connector-j-9.1-access-denied", "mysql-connector-j-9.1-caching-sha2", "mysql-connector-j-9.1-native",
        "mysql-connector-j-9.1-ssl",
    };
    private static final String[] RESPONSE_FIXTURES = {
        "bulk-deprecate-eof",
        "bulk-eof",
        "commands-deprecate-eof",
        "commands-eof",
        "cursor-mysql-connector-deprecate-eof",
        "cursor-mysql-connector-eof",
        "large-packets-deprecate-eof",
        "large-packets-eof",
        "local-infile-deprecate-eof",
        "local-infile-eof",
        "multi-statements-deprecate-eof",
        "multi-statements-eof",
        "prepared-deprecate-eof",
        "prepared-eof",
        "procedures-deprecate-eof",
        "procedures-eof",
        "progress-deprecate-eof",
        "query-deprecate-eof",
        "query-eof",
    };
    /** Payload bytes kept per frame in a tracker seed: the tracker peeks at the first few only. */
    private static final int TRACKER_PAYLOAD = 64;

    private final Path root;

    private SeedCorpus(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws IOException {
        new SeedCorpus(Path.of(args.length > 0 ? args[0] : "src/test/resources").resolve(PACKAGE)).writeAll();
    }

    private void writeAll() throws IOException {
        String decoders = "MessageDecodersFuzzTestInputs/";
        for (String name : MESSAGE_FIXTURES) {
            Fixtures fixtures = Fixtures.load(name + ".hex");
            for (String label : labels(name)) {
                byte[] payload = fixtures.payload(label);
                String seed = name + "-" + label;
                if (label.startsWith("greeting")) {
                    write(decoders + "handshakeV10", seed, payload);
                } else if (label.equals("response")) {
                    write(decoders + "handshakeResponse41", seed, payload);
                } else if (label.equals("ssl-request")) {
                    write(decoders + "sslRequest", seed, payload);
                } else if (label.equals("change-user")) {
                    write(decoders + "comChangeUser", seed + "-mysql", prefixed(0x1F, payload));
                    write(decoders + "comChangeUser", seed + "-secure-only", prefixed(0x01, payload));
                } else if (label.startsWith("ok")) {
                    write(decoders + "okPacket", seed + "-mysql", prefixed(0x1F, payload));
                    write(decoders + "okPacket", seed + "-mariadb", prefixed(0x0F, payload));
                } else if (label.startsWith("eof")) {
                    write(decoders + "okPacket", seed + "-as-ok", prefixed(0x0F, payload));
                } else if (label.startsWith("err")) {
                    write(decoders + "errPacket", seed, prefixed(0x01, payload));
                } else if (label.endsWith("switch")) {
                    write(decoders + "authSwitchRequest", seed, payload);
                }
            }
        }
        byte[] pem = ("\u0001" + Scrambles.toPem(rsaPublicKey())).getBytes(StandardCharsets.US_ASCII);
        write(decoders + "authMoreData", "fast-auth-success", new byte[] {1, 3});
        write(decoders + "authMoreData", "perform-full-authentication", new byte[] {1, 4});
        write(decoders + "authMoreData", "public-key", pem);
        write(decoders + "authSwitchRequest", "pre-4.1", new byte[] {(byte) 0xFE});

        String exchange = "ClientAuthExchangeFuzzTestInputs/answersEveryServerPacketWithAStep";
        Fixtures nativeAuth = Fixtures.load("mysql-connector-j-9.1-native.hex");
        Fixtures sha2 = Fixtures.load("mysql-connector-j-9.1-caching-sha2.hex");
        Fixtures denied = Fixtures.load("mysql-connector-j-9.1-access-denied.hex");
        byte[] ok = nativeAuth.payload("ok");
        write(exchange, "native-ok", packets(0x00, ok));
        write(exchange, "native-access-denied", packets(0x00, denied.payload("err")));
        write(exchange, "switch-to-caching-sha2-then-ok", packets(0x00, sha2.payload("switch"), sha2.payload("ok")));
        write(exchange, "caching-sha2-fast-auth", packets(0x01, new byte[] {1, 3}, ok));
        write(exchange, "caching-sha2-full-auth-over-tls", packets(0x05, new byte[] {1, 4}, ok));
        write(exchange, "caching-sha2-requests-public-key", packets(0x09, new byte[] {1, 4}, pem, ok));
        write(
                exchange,
                "switch-to-clear-password-over-tls",
                packets(0x04, ("\u00FEmysql_clear_password\u0000").getBytes(StandardCharsets.ISO_8859_1), ok));
        write(exchange, "ok-after-done-is-refused", packets(0x60, ok, ok));

        String tracker = "ResponseTrackerFuzzTestInputs/followsAnyFrameSequenceWithoutThrowing";
        String decoder = "PacketFrameDecoderFuzzTestInputs/splitsAnyStreamIntoItsWholePackets";
        for (String name : RESPONSE_FIXTURES) {
            Conversation conversation = Conversation.load(name);
            write(tracker, name, conversation.trackerSeed());
            byte[] stream = conversation.stream(4096);
            write(decoder, name + "-whole", prefixed(0xFF, 0x3F, stream));
            if (name.equals("query-eof") || name.equals("prepared-deprecate-eof")) {
                write(decoder, name + "-bytewise", prefixed(0xFF, 0x00, conversation.stream(1024)));
            }
        }
        write(
                decoder,
                "login-above-limit-of-64",
                prefixed(64, 0x07, concat(nativeAuth.frame("greeting"), nativeAuth.frame("response"))));
        write(decoder, "empty-packets-limit-0", prefixed(0, 0x01, new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 2, 7}));
    }

    private static List<String> labels(String fixture) {
        return switch (fixture) {
            case "mariadb-11.4-text-protocol" ->
                List.of("ok-auth", "eof", "err-syntax", "ok-track-vars", "ok-use", "ok-autocommit", "eof-more-results");
            case "mariadb-connector-j-3.5-ssl", "mysql-connector-j-9.1-ssl" -> List.of("greeting", "ssl-request");
            case "mariadb-connector-j-3.5" -> List.of("greeting", "response", "ok", "ok-insert");
            case "mysql-connector-j-9.1-access-denied" -> List.of("greeting", "response", "err");
            case "mysql-connector-j-9.1-caching-sha2" -> List.of("greeting", "response", "switch", "ok");
            case "mysql-connector-j-9.1-native" ->
                List.of("greeting", "response", "ok", "ok-eof", "ok-insert", "change-user", "change-user-switch");
            default -> throw new IllegalArgumentException(fixture);
        };
    }

    private void write(String directory, String name, byte[] bytes) throws IOException {
        Path dir = root.resolve(directory);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
    }

    private static byte[] prefixed(int first, byte[] rest) {
        return concat(new byte[] {(byte) first}, rest);
    }

    private static byte[] prefixed(int first, int second, byte[] rest) {
        return concat(new byte[] {(byte) first, (byte) second}, rest);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    /** A ClientAuthExchangeFuzzTest input: configuration byte, then length-prefixed server payloads. */
    private static byte[] packets(int config, byte[]... payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(config);
        for (byte[] payload : payloads) {
            out.write(payload.length);
            out.write(payload.length >> 8);
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }

    private static java.security.PublicKey rsaPublicKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPublic();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The packets of a response fixture ({@code src/test/resources/response}), in its own format. */
    private record Conversation(long capabilities, List<Boolean> fromClient, List<byte[]> frames) {

        static Conversation load(String name) {
            String text;
            try (InputStream in = SeedCorpus.class.getResourceAsStream("/response/" + name + ".hex")) {
                text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long capabilities = 0;
            List<Boolean> fromClient = new java.util.ArrayList<>();
            List<byte[]> frames = new java.util.ArrayList<>();
            for (String raw : text.split("\n")) {
                String line = raw.strip();
                if (line.startsWith("# capabilities:")) {
                    capabilities = Long.decode(
                            line.substring("# capabilities:".length()).strip());
                }
                if (!line.startsWith("C>") && !line.startsWith("S>")) {
                    continue;
                }
                int hash = line.indexOf('#');
                String[] words =
                        (hash < 0 ? line : line.substring(0, hash)).strip().split("\\s+");
                StringBuilder hex = new StringBuilder();
                for (int i = 1; i < words.length - 1; i++) {
                    hex.append(words[i]);
                }
                fromClient.add(words[0].equals("C>"));
                frames.add(unrun(hex.toString()));
            }
            return new Conversation(capabilities, fromClient, frames);
        }

        /** Hex with runs written as {@code (hh*count)}, as the response fixtures write 16 MiB packets. */
        private static byte[] unrun(String hex) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int i = 0;
            while (i < hex.length()) {
                if (hex.charAt(i) == '(') {
                    int star = hex.indexOf('*', i);
                    int close = hex.indexOf(')', star);
                    byte[] value = HexFormat.of().parseHex(hex.substring(i + 1, star));
                    for (int k = Integer.parseInt(hex.substring(star + 1, close)); k > 0; k--) {
                        out.writeBytes(value);
                    }
                    i = close + 1;
                } else {
                    out.write(Integer.parseInt(hex.substring(i, i + 2), 16));
                    i += 2;
                }
            }
            return out.toByteArray();
        }

        /** A ResponseTrackerFuzzTest input: capability selector, then control, length and payload per frame. */
        byte[] trackerSeed() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int selector = 0;
            for (int bit = 0; bit < ResponseTrackerFuzzTest.CAPABILITIES.length; bit++) {
                if ((capabilities & ResponseTrackerFuzzTest.CAPABILITIES[bit]) != 0) {
                    selector |= 1 << bit;
                }
            }
            out.write(selector);
            for (int i = 0; i < frames.size(); i++) {
                byte[] frame = frames.get(i);
                int length = frame[0] & 0xFF | (frame[1] & 0xFF) << 8 | (frame[2] & 0xFF) << 16;
                int sequenceId = frame[3] & 0xFF;
                int sequenceBits = sequenceId == 0 ? 0 : (sequenceId & 3) == 0 ? 1 : sequenceId & 3;
                int kept = Math.min(TRACKER_PAYLOAD, length);
                out.write((fromClient.get(i) ? 1 : 0) | (length == Packets.MAX_PAYLOAD ? 2 : 0) | sequenceBits << 2);
                out.write(kept);
                out.write(frame, Packets.HEADER_SIZE, kept);
            }
            return out.toByteArray();
        }

        /** The frames of both directions as one stream, up to the last whole frame within {@code max} bytes. */
        byte[] stream(int max) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] frame : frames) {
                if (out.size() + frame.length > max) {
                    break;
                }
                out.writeBytes(frame);
            }
            return out.toByteArray();
        }
    }
}
