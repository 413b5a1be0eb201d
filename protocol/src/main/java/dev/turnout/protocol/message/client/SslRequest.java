package dev.turnout.protocol.message.client;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_SSL;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.message.Fields;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * The truncated handshake response a client sends to ask for TLS; the real
 * {@link HandshakeResponse41} follows inside the TLS session with the next sequence id.
 *
 * @param capabilities  the client's capability flags, with {@code CLIENT_SSL}; MariaDB extended
 *                      capabilities in the high 32 bits when {@code CLIENT_MYSQL} is clear
 * @param maxPacketSize the largest packet the client will send, unsigned 32 bits as an int's bits
 * @param characterSet  the client's collation id (low 8 bits)
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_ssl_request.html">Protocol::SSLRequest</a>
 */
public record SslRequest(long capabilities, int maxPacketSize, int characterSet) {

    /** Payload length of an SSL request. */
    public static final int PAYLOAD_LENGTH = 32;

    public SslRequest {
        if (!Capabilities.has(capabilities, CLIENT_SSL)) {
            throw new IllegalArgumentException("an SslRequest carries CLIENT_SSL");
        }
        Fields.checkRange("characterSet", characterSet, 0xFF);
    }

    /** True when {@code payload}'s readable bytes are exactly 32 and carry {@code CLIENT_SSL}; moves no index. */
    public static boolean isSslRequest(ByteBuf payload) {
        return payload.readableBytes() == PAYLOAD_LENGTH
                && Capabilities.has(payload.getUnsignedIntLE(payload.readerIndex()), CLIENT_SSL);
    }

    /** Decodes an SSL request payload read from its reader index. */
    public static SslRequest decode(ByteBuf payload) {
        try {
            if (payload.readableBytes() != PAYLOAD_LENGTH) {
                throw new MalformedPacketException("an SslRequest has 32 bytes, not " + payload.readableBytes());
            }
            long capabilities = Wire.readInt4(payload);
            int maxPacketSize = payload.readIntLE();
            int characterSet = Wire.readInt1(payload);
            capabilities = HandshakeResponse41.readFiller(payload, capabilities);
            return new SslRequest(capabilities, maxPacketSize, characterSet);
        } catch (RuntimeException e) {
            throw MalformedPacketException.decoding("SslRequest", e);
        }
    }

    /** Writes the 32-byte payload. */
    public void encode(ByteBuf out) {
        HandshakeResponse41.writeFixedPart(out, capabilities, maxPacketSize, characterSet);
    }

    @Override
    public String toString() {
        return "SslRequest[capabilities=0x" + Long.toHexString(capabilities) + ", maxPacketSize="
                + Integer.toUnsignedString(maxPacketSize) + ", characterSet=" + characterSet + "]";
    }
}
