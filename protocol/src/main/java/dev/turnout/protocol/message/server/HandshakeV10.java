package dev.turnout.protocol.message.server;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SECURE_CONNECTION;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.message.Fields;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * The server's greeting, the first packet of a connection. MariaDB servers leave
 * {@link Capabilities#CLIENT_MYSQL} clear and send their extended capabilities in the last four
 * filler bytes; they are kept in the high 32 bits of {@link #capabilities()}.
 *
 * <p>A server that refuses the connection outright (too many connections, host blocked) sends an
 * ERR packet instead: check for 0xFF before decoding, {@link #decode} rejects it.
 *
 * @param serverVersion  human-readable version, e.g. {@code 11.4.5-MariaDB}
 * @param connectionId   the server's thread id, unsigned 32 bits
 * @param authPluginData the whole scramble (normally 20 bytes) without its trailing NUL
 * @param capabilities   the server's capability flags, MariaDB extended capabilities in the high 32 bits
 * @param characterSet   the server's default collation id (low 8 bits)
 * @param statusFlags    server status flags
 * @param authPluginName the default authentication plugin, empty when the server does not send one
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_v10.html">Protocol::HandshakeV10</a>
 * @see <a href="https://mariadb.com/kb/en/connection/#initial-handshake-packet">MariaDB initial handshake packet</a>
 */
public record HandshakeV10(
        String serverVersion,
        long connectionId,
        byte[] authPluginData,
        long capabilities,
        int characterSet,
        int statusFlags,
        String authPluginName) {

    /** The only protocol version this record describes. */
    public static final int PROTOCOL_VERSION = 10;

    private static final int SCRAMBLE_PART1 = 8;
    private static final int RESERVED = 6;

    public HandshakeV10 {
        Objects.requireNonNull(serverVersion, "serverVersion");
        Objects.requireNonNull(authPluginData, "authPluginData");
        Objects.requireNonNull(authPluginName, "authPluginName");
        Fields.checkNoNul("serverVersion", serverVersion);
        Fields.checkNoNul("authPluginName", authPluginName);
        if (connectionId < 0 || connectionId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("connectionId must be an unsigned 32-bit value: " + connectionId);
        }
        if (authPluginData.length < SCRAMBLE_PART1 || authPluginData.length > 254) {
            throw new IllegalArgumentException("authPluginData must hold 8 to 254 bytes, not " + authPluginData.length);
        }
        Fields.checkRange("characterSet", characterSet, 0xFF);
        Fields.checkRange("statusFlags", statusFlags, 0xFFFF);
        authPluginData = authPluginData.clone();
    }

    /** A copy of the scramble. */
    @Override
    public byte[] authPluginData() {
        return authPluginData.clone();
    }

    /** Decodes a greeting payload read from its reader index. */
    public static HandshakeV10 decode(ByteBuf payload) {
        try {
            int version = Wire.readInt1(payload);
            if (version != PROTOCOL_VERSION) {
                throw new MalformedPacketException("expected handshake protocol version 10, got 0x"
                        + Integer.toHexString(version) + (version == 0xFF ? " (an ERR packet)" : ""));
            }
            String serverVersion = Wire.readNulString(payload);
            long connectionId = Wire.readInt4(payload);
            byte[] part1 = new byte[SCRAMBLE_PART1];
            payload.readBytes(part1);
            payload.skipBytes(1); // filler
            long capabilities = Wire.readInt2(payload);
            int characterSet = 0;
            int statusFlags = 0;
            byte[] scramble = part1;
            String pluginName = "";
            if (payload.isReadable()) {
                characterSet = Wire.readInt1(payload);
                statusFlags = Wire.readInt2(payload);
                capabilities |= (long) Wire.readInt2(payload) << 16;
                int authDataLength = Wire.readInt1(payload);
                payload.skipBytes(RESERVED);
                long extended = Wire.readInt4(payload);
                if (Capabilities.isMariaDb(capabilities)) {
                    capabilities |= extended << 32;
                }
                if (Capabilities.has(capabilities, CLIENT_SECURE_CONNECTION)) {
                    // The length byte counts only with CLIENT_PLUGIN_AUTH (it is 0 otherwise), as the encoder writes
                    // it.
                    int part2Length = Capabilities.has(capabilities, CLIENT_PLUGIN_AUTH)
                            ? Math.max(13, authDataLength - SCRAMBLE_PART1)
                            : 13;
                    byte[] part2 = new byte[part2Length];
                    payload.readBytes(part2);
                    int kept = part2[part2Length - 1] == 0 ? part2Length - 1 : part2Length;
                    scramble = Arrays.copyOf(part1, SCRAMBLE_PART1 + kept);
                    System.arraycopy(part2, 0, scramble, SCRAMBLE_PART1, kept);
                }
                if (Capabilities.has(capabilities, CLIENT_PLUGIN_AUTH)) {
                    pluginName = Fields.readNulOrEofString(payload);
                }
            }
            return new HandshakeV10(
                    serverVersion, connectionId, scramble, capabilities, characterSet, statusFlags, pluginName);
        } catch (RuntimeException e) {
            throw MalformedPacketException.decoding("HandshakeV10", e);
        }
    }

    /** Writes the greeting payload. */
    public void encode(ByteBuf out) {
        out.writeByte(PROTOCOL_VERSION);
        Wire.writeNulString(out, serverVersion);
        out.writeIntLE((int) connectionId);
        out.writeBytes(authPluginData, 0, SCRAMBLE_PART1);
        out.writeByte(0);
        out.writeShortLE((int) capabilities);
        out.writeByte(characterSet);
        out.writeShortLE(statusFlags);
        out.writeShortLE((int) (capabilities >>> 16));
        boolean pluginAuth = Capabilities.has(capabilities, CLIENT_PLUGIN_AUTH);
        out.writeByte(pluginAuth ? authPluginData.length + 1 : 0);
        out.writeZero(RESERVED);
        out.writeIntLE(Capabilities.isMariaDb(capabilities) ? (int) (capabilities >>> 32) : 0);
        if (Capabilities.has(capabilities, CLIENT_SECURE_CONNECTION)) {
            int part2Length = authPluginData.length - SCRAMBLE_PART1;
            out.writeBytes(authPluginData, SCRAMBLE_PART1, part2Length);
            out.writeZero(Math.max(1, 13 - part2Length)); // NUL terminator, padded to 13 bytes
        }
        if (pluginAuth) {
            Wire.writeNulString(out, authPluginName);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandshakeV10 h
                && serverVersion.equals(h.serverVersion)
                && connectionId == h.connectionId
                && Arrays.equals(authPluginData, h.authPluginData)
                && capabilities == h.capabilities
                && characterSet == h.characterSet
                && statusFlags == h.statusFlags
                && authPluginName.equals(h.authPluginName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                serverVersion,
                connectionId,
                Arrays.hashCode(authPluginData),
                capabilities,
                characterSet,
                statusFlags,
                authPluginName);
    }

    /** Prints the scramble's length only. */
    @Override
    public String toString() {
        return "HandshakeV10[serverVersion=" + serverVersion + ", connectionId=" + connectionId
                + ", authPluginData=<" + authPluginData.length + " bytes>, capabilities=0x"
                + Long.toHexString(capabilities) + ", characterSet=" + characterSet + ", statusFlags=0x"
                + Integer.toHexString(statusFlags) + ", authPluginName=" + authPluginName + "]";
    }
}
