package dev.turnout.protocol.response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A recorded command-phase conversation: annotated hex, one physical packet per line.
 *
 * <pre>
 * # free comment lines; "# capabilities: 0x..." gives the negotiated capabilities
 * C&gt; 21000000 03 73656c...  COMMAND_STARTED      # COM_QUERY select ...
 * S&gt; 01000001 01            IN_PROGRESS          # column count
 * </pre>
 *
 * A line is a direction marker ({@code C>} client, {@code S>} server), the whole packet in hex
 * (header included; spaces are ignored; {@code (61*16777000)} stands for a byte repeated that many
 * times, so that packets of 16 MiB stay short), the step the tracker must return, and a comment
 * naming the packet. The steps were derived from the order of the traffic when recording: the
 * client waits for the end of a response before its next command.
 */
record Fixture(String name, long capabilities, List<Line> lines) {

    record Line(boolean fromClient, byte[] bytes, String step, String comment) {}

    static Fixture load(String resource) {
        try (InputStream in = Fixture.class.getResourceAsStream("/response/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            return parse(resource, new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Fixture parse(String name, String text) {
        long capabilities = -1;
        List<Line> lines = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String body = line.substring(1).strip();
                if (body.startsWith("capabilities:")) {
                    capabilities =
                            Long.decode(body.substring("capabilities:".length()).strip());
                }
                continue;
            }
            int hash = line.indexOf('#');
            String comment = hash < 0 ? "" : line.substring(hash + 1).strip();
            String[] words = (hash < 0 ? line : line.substring(0, hash)).strip().split("\\s+");
            boolean fromClient = switch (words[0]) {
                case "C>" -> true;
                case "S>" -> false;
                default -> throw new IllegalArgumentException(name + ": bad direction in " + line);
            };
            StringBuilder hex = new StringBuilder();
            for (int i = 1; i < words.length - 1; i++) {
                hex.append(words[i]);
            }
            lines.add(new Line(fromClient, decode(hex.toString()), words[words.length - 1], comment));
        }
        if (capabilities < 0) {
            throw new IllegalArgumentException(name + ": no capabilities line");
        }
        return new Fixture(name, capabilities, List.copyOf(lines));
    }

    /** Hex with runs written as {@code (hh*count)}. */
    static byte[] decode(String hex) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(hex.length() / 2);
        int i = 0;
        while (i < hex.length()) {
            if (hex.charAt(i) == '(') {
                int star = hex.indexOf('*', i);
                int close = hex.indexOf(')', star);
                int value = Integer.parseInt(hex.substring(i + 1, star), 16);
                int count = Integer.parseInt(hex.substring(star + 1, close));
                for (int k = 0; k < count; k++) {
                    out.write(value);
                }
                i = close + 1;
            } else {
                out.write(Integer.parseInt(hex.substring(i, i + 2), 16));
                i += 2;
            }
        }
        return out.toByteArray();
    }

    /** Hex of a packet: the header, a space, the payload; runs of 32 and more equal bytes compressed. */
    static String encode(byte[] packet) {
        HexFormat hex = HexFormat.of();
        StringBuilder out = new StringBuilder(packet.length * 2 + 1);
        out.append(hex.formatHex(packet, 0, Math.min(4, packet.length)));
        out.append(' ');
        int i = 4;
        while (i < packet.length) {
            int run = 1;
            while (i + run < packet.length && packet[i + run] == packet[i]) {
                run++;
            }
            if (run >= 32) {
                out.append('(')
                        .append(hex.toHexDigits(packet[i]))
                        .append('*')
                        .append(run)
                        .append(')');
                i += run;
            } else {
                out.append(hex.toHexDigits(packet[i]));
                i++;
            }
        }
        return out.toString();
    }
}
