package dev.turnout.connector.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Packets captured from a real MariaDB 11.4 server, loaded from the annotated hex of
 * {@code src/test/resources/session/} (lines {@code label: hex}, as in the protocol module's
 * {@code message/*.hex}; {@code #} starts a comment line). Each packet is one frame, header
 * included; its header length is checked against its payload when the file is read.
 */
final class CapturedPackets {

    private static final CapturedPackets MARIADB = load("mariadb-11.4.hex");

    private final String name;
    private final Map<String, byte[]> frames;

    private CapturedPackets(String name, Map<String, byte[]> frames) {
        this.name = name;
        this.frames = frames;
    }

    /** The MariaDB 11.4.5 packets the fake servers send. */
    static CapturedPackets mariaDb() {
        return MARIADB;
    }

    static CapturedPackets load(String fileName) {
        String resource = "/session/" + fileName;
        try (InputStream in = CapturedPackets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no capture " + resource);
            }
            Map<String, byte[]> frames = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int colon = trimmed.indexOf(':');
                String label = trimmed.substring(0, colon).strip();
                byte[] frame =
                        HexFormat.of().parseHex(trimmed.substring(colon + 1).replaceAll("\\s", ""));
                int length = frame[0] & 0xFF | (frame[1] & 0xFF) << 8 | (frame[2] & 0xFF) << 16;
                if (length != frame.length - 4) {
                    throw new IllegalStateException(resource + ": the header of '" + label + "' says " + length
                            + " bytes, its payload has " + (frame.length - 4));
                }
                if (frames.put(label, frame) != null) {
                    throw new IllegalStateException(resource + ": label '" + label + "' twice");
                }
            }
            return new CapturedPackets(fileName, frames);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the frame {@code label}, header included, with sequence id {@code sequenceId}. */
    byte[] frame(String label, int sequenceId) {
        byte[] frame = frames.get(label);
        if (frame == null) {
            throw new IllegalArgumentException(name + " has no packet '" + label + "'");
        }
        byte[] copy = frame.clone();
        copy[3] = (byte) sequenceId;
        return copy;
    }
}
