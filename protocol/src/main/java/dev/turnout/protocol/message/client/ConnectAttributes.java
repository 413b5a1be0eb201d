package dev.turnout.protocol.message.client;

import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The connection attributes block: a length-encoded total, then key/value length-encoded strings. */
final class ConnectAttributes {

    private ConnectAttributes() {}

    /** An unmodifiable, insertion-ordered copy. */
    static Map<String, String> copyOf(Map<String, String> attributes) {
        Objects.requireNonNull(attributes, "connectAttributes");
        if (attributes.isEmpty()) {
            return Map.of();
        }
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        attributes.forEach((k, v) ->
                copy.put(Objects.requireNonNull(k, "attribute key"), Objects.requireNonNull(v, "attribute value")));
        return Collections.unmodifiableMap(copy);
    }

    static Map<String, String> read(ByteBuf payload) {
        long total = Wire.readLenencInt(payload);
        if (total < 0 || total > payload.readableBytes()) {
            throw new MalformedPacketException("connection attributes of " + total + " bytes exceed the packet");
        }
        ByteBuf block = payload.readSlice((int) total);
        LinkedHashMap<String, String> attributes = new LinkedHashMap<>();
        while (block.isReadable()) {
            String key = Wire.readLenencString(block);
            attributes.put(key, Wire.readLenencString(block));
        }
        return attributes.isEmpty() ? Map.of() : Collections.unmodifiableMap(attributes);
    }

    static void write(ByteBuf out, Map<String, String> attributes) {
        int total = 0;
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            total += lenencStringSize(e.getKey()) + lenencStringSize(e.getValue());
        }
        Wire.writeLenencInt(out, total);
        attributes.forEach((k, v) -> {
            Wire.writeLenencString(out, k);
            Wire.writeLenencString(out, v);
        });
    }

    private static int lenencStringSize(String s) {
        int length = s.getBytes(StandardCharsets.UTF_8).length;
        return length + (length < 0xFB ? 1 : length <= 0xFFFF ? 3 : length <= 0xFFFFFF ? 4 : 9);
    }
}
