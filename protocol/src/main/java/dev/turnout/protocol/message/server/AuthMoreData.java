package dev.turnout.protocol.message.server;

import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * Extra authentication data from the server, interpreted by the current plugin: for
 * {@code caching_sha2_password}, {@link #FAST_AUTH_SUCCESS} or {@link #PERFORM_FULL_AUTHENTICATION}
 * alone, or the server's RSA public key in PEM.
 *
 * @param data the plugin's bytes after the 0x01 header
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_more_data.html">Protocol::AuthMoreData</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html">caching_sha2_password exchanges</a>
 */
public record AuthMoreData(byte[] data) {

    /** The header byte of an AuthMoreData packet. */
    public static final int HEADER = 0x01;
    /** caching_sha2_password: the scramble matched the server's cache, an OK follows. */
    public static final int FAST_AUTH_SUCCESS = 0x03;
    /** caching_sha2_password: the server needs the password itself (over TLS, or RSA-encrypted). */
    public static final int PERFORM_FULL_AUTHENTICATION = 0x04;

    public AuthMoreData {
        data = Objects.requireNonNull(data, "data").clone();
    }

    /** A copy of the data. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Decodes an AuthMoreData payload (0x01 header) read from its reader index. */
    public static AuthMoreData decode(ByteBuf payload) {
        try {
            int header = Wire.readInt1(payload);
            if (header != HEADER) {
                throw new MalformedPacketException(
                        "expected AuthMoreData (0x01), got 0x" + Integer.toHexString(header));
            }
            return new AuthMoreData(Wire.readEofBytes(payload));
        } catch (RuntimeException e) {
            throw MalformedPacketException.decoding("AuthMoreData", e);
        }
    }

    /** Writes the payload: 0x01 then the data. */
    public void encode(ByteBuf out) {
        out.writeByte(HEADER).writeBytes(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthMoreData m && Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    /** Prints the data's length only. */
    @Override
    public String toString() {
        return "AuthMoreData[data=<" + data.length + " bytes>]";
    }
}
