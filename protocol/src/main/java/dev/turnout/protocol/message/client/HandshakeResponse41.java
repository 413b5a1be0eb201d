package dev.turnout.protocol.message.client;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_ATTRS;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_WITH_DB;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PROTOCOL_41;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SECURE_CONNECTION;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_ZSTD_COMPRESSION_ALGORITHM;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.message.Fields;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The client's answer to the greeting: capabilities, user, the first authentication response.
 * The capability bits decide which optional fields exist: {@code CLIENT_CONNECT_WITH_DB} the
 * database, {@code CLIENT_PLUGIN_AUTH} the plugin name, {@code CLIENT_CONNECT_ATTRS} the
 * attributes. {@link #encode} writes a null database or plugin name as an empty string when its
 * bit is set; {@link #decode} returns null for a field the bit announces but the packet lacks.
 * A MariaDB client (one that leaves {@code CLIENT_MYSQL} clear) sends its extended capabilities in
 * the last four filler bytes; they are kept in the high 32 bits of {@link #capabilities()}.
 *
 * @param capabilities      the client's capability flags
 * @param maxPacketSize     the largest packet the client will send, unsigned 32 bits as an int's bits
 * @param characterSet      the client's collation id (low 8 bits)
 * @param username          the login user
 * @param authResponse      the first response of the authentication plugin
 * @param database          the initial schema, or null
 * @param authPluginName    the plugin that computed {@code authResponse}, or null (an empty name is read as null)
 * @param connectAttributes insertion-ordered, unmodifiable; empty if none
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_response.html">Protocol::HandshakeResponse41</a>
 * @see <a href="https://mariadb.com/kb/en/connection/#handshake-response-packet">MariaDB handshake response packet</a>
 */
public record HandshakeResponse41(
        long capabilities,
        int maxPacketSize,
        int characterSet,
        String username,
        byte[] authResponse,
        @Nullable String database,
        @Nullable String authPluginName,
        Map<String, String> connectAttributes) {

    static final int FILLER = 23;
    static final int EXTENDED_CAPABILITIES = 4;

    public HandshakeResponse41 {
        Fields.checkRange("characterSet", characterSet, 0xFF);
        Fields.checkNoNul("username", Objects.requireNonNull(username, "username"));
        authResponse = Objects.requireNonNull(authResponse, "authResponse").clone();
        if (database != null) {
            Fields.checkNoNul("database", database);
        }
        if (authPluginName != null
                && Fields.checkNoNul("authPluginName", authPluginName).isEmpty()) {
            authPluginName = null;
        }
        connectAttributes = ConnectAttributes.copyOf(connectAttributes);
    }

    /** A copy of the authentication response. */
    @Override
    public byte[] authResponse() {
        return authResponse.clone();
    }

    /** Decodes a handshake response payload read from its reader index. */
    public static HandshakeResponse41 decode(ByteBuf payload) {
        try {
            long capabilities = Wire.readInt4(payload);
            if (!Capabilities.has(capabilities, CLIENT_PROTOCOL_41)) {
                throw new MalformedPacketException(
                        "client does not speak protocol 4.1 (HandshakeResponse320 is not supported)");
            }
            int maxPacketSize = payload.readIntLE();
            int characterSet = Wire.readInt1(payload);
            capabilities = readFiller(payload, capabilities);
            String username = Wire.readNulString(payload);
            byte[] authResponse;
            if (Capabilities.has(capabilities, CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)) {
                authResponse = Wire.readLenencBytes(payload);
            } else if (Capabilities.has(capabilities, CLIENT_SECURE_CONNECTION)) {
                authResponse = new byte[Wire.readInt1(payload)];
                payload.readBytes(authResponse);
            } else {
                authResponse = Wire.readNulBytes(payload);
            }
            String database = null;
            if (Capabilities.has(capabilities, CLIENT_CONNECT_WITH_DB) && payload.isReadable()) {
                database = Fields.readNulOrEofString(payload);
            }
            String pluginName = null;
            if (Capabilities.has(capabilities, CLIENT_PLUGIN_AUTH) && payload.isReadable()) {
                pluginName = Fields.readNulOrEofString(payload);
            }
            Map<String, String> attributes = Map.of();
            if (Capabilities.has(capabilities, CLIENT_CONNECT_ATTRS) && payload.isReadable()) {
                attributes = ConnectAttributes.read(payload);
            }
            if (Capabilities.has(capabilities, CLIENT_ZSTD_COMPRESSION_ALGORITHM) && payload.isReadable()) {
                payload.skipBytes(1); // zstd compression level: the connector does not compress
            }
            return new HandshakeResponse41(
                    capabilities,
                    maxPacketSize,
                    characterSet,
                    username,
                    authResponse,
                    database,
                    pluginName,
                    attributes);
        } catch (RuntimeException e) {
            throw MalformedPacketException.decoding("HandshakeResponse41", e);
        }
    }

    /**
     * Writes the payload.
     *
     * @throws IllegalStateException if the auth response exceeds 255 bytes without
     *                               {@code CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA}
     */
    public void encode(ByteBuf out) {
        writeFixedPart(out, capabilities, maxPacketSize, characterSet);
        Wire.writeNulString(out, username);
        if (Capabilities.has(capabilities, CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)) {
            Wire.writeLenencBytes(out, authResponse);
        } else if (Capabilities.has(capabilities, CLIENT_SECURE_CONNECTION)) {
            if (authResponse.length > 0xFF) {
                throw new IllegalStateException("an auth response of " + authResponse.length
                        + " bytes needs CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA");
            }
            out.writeByte(authResponse.length).writeBytes(authResponse);
        } else {
            Wire.writeNulBytes(out, authResponse);
        }
        if (Capabilities.has(capabilities, CLIENT_CONNECT_WITH_DB)) {
            Wire.writeNulString(out, database == null ? "" : database);
        }
        if (Capabilities.has(capabilities, CLIENT_PLUGIN_AUTH)) {
            Wire.writeNulString(out, authPluginName == null ? "" : authPluginName);
        }
        if (Capabilities.has(capabilities, CLIENT_CONNECT_ATTRS)) {
            ConnectAttributes.write(out, connectAttributes);
        }
    }

    /** Reads the 23 filler bytes, merging MariaDB extended capabilities from their last four. */
    static long readFiller(ByteBuf payload, long capabilities) {
        payload.skipBytes(FILLER - EXTENDED_CAPABILITIES);
        long extended = Wire.readInt4(payload);
        return Capabilities.isMariaDb(capabilities) ? capabilities | extended << 32 : capabilities;
    }

    /** Writes capabilities, max packet size, character set and filler (shared with SslRequest). */
    static void writeFixedPart(ByteBuf out, long capabilities, int maxPacketSize, int characterSet) {
        out.writeIntLE((int) capabilities);
        out.writeIntLE(maxPacketSize);
        out.writeByte(characterSet);
        out.writeZero(FILLER - EXTENDED_CAPABILITIES);
        out.writeIntLE(Capabilities.isMariaDb(capabilities) ? (int) (capabilities >>> 32) : 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandshakeResponse41 r
                && capabilities == r.capabilities
                && maxPacketSize == r.maxPacketSize
                && characterSet == r.characterSet
                && username.equals(r.username)
                && Arrays.equals(authResponse, r.authResponse)
                && Objects.equals(database, r.database)
                && Objects.equals(authPluginName, r.authPluginName)
                && connectAttributes.equals(r.connectAttributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                capabilities,
                maxPacketSize,
                characterSet,
                username,
                Arrays.hashCode(authResponse),
                database,
                authPluginName,
                connectAttributes);
    }

    /** Prints the auth response's length only. */
    @Override
    public String toString() {
        return "HandshakeResponse41[capabilities=0x" + Long.toHexString(capabilities)
                + ", maxPacketSize=" + Integer.toUnsignedString(maxPacketSize) + ", characterSet=" + characterSet
                + ", username=" + username + ", authResponse=<" + authResponse.length + " bytes>, database="
                + database + ", authPluginName=" + authPluginName + ", connectAttributes=" + connectAttributes + "]";
    }
}
