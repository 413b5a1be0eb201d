package dev.turnout.protocol.message.client;

import static dev.turnout.protocol.constant.Capabilities.CLIENT_CONNECT_ATTRS;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_PLUGIN_AUTH;
import static dev.turnout.protocol.constant.Capabilities.CLIENT_SECURE_CONNECTION;

import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.constant.Command;
import dev.turnout.protocol.message.Fields;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Re-authenticates the session as another user (and resets its state). The server answers like
 * the handshake: OK, ERR, or an auth switch request (MariaDB always switches, with the
 * connection's original nonce). An empty database is read as null; a missing character set as 0.
 *
 * @param username          the new user
 * @param authResponse      the authentication response computed with the connection's nonce
 * @param database          the schema to use, or null
 * @param characterSet      the collation id (int2 on the wire), 0 when the client sent none
 * @param authPluginName    the plugin that computed {@code authResponse}, or null
 * @param connectAttributes insertion-ordered, unmodifiable; empty if none
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_change_user.html">COM_CHANGE_USER</a>
 */
public record ComChangeUser(
        String username,
        byte[] authResponse,
        @Nullable String database,
        int characterSet,
        @Nullable String authPluginName,
        Map<String, String> connectAttributes) {

    public ComChangeUser {
        Fields.checkNoNul("username", Objects.requireNonNull(username, "username"));
        authResponse = Objects.requireNonNull(authResponse, "authResponse").clone();
        if (database != null && Fields.checkNoNul("database", database).isEmpty()) {
            database = null;
        }
        Fields.checkRange("characterSet", characterSet, 0xFFFF);
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

    /** Decodes a COM_CHANGE_USER payload (0x11 first) read from its reader index. */
    public static ComChangeUser decode(ByteBuf payload, long capabilities) {
        try {
            int command = Wire.readInt1(payload);
            if (command != Command.COM_CHANGE_USER) {
                throw new MalformedPacketException("expected COM_CHANGE_USER (0x11), got " + Command.name(command));
            }
            String username = Wire.readNulString(payload);
            byte[] authResponse;
            if (Capabilities.has(capabilities, CLIENT_SECURE_CONNECTION)) {
                authResponse = new byte[Wire.readInt1(payload)];
                payload.readBytes(authResponse);
            } else {
                authResponse = Wire.readNulBytes(payload);
            }
            String database = Fields.readNulOrEofString(payload);
            int characterSet = 0;
            String pluginName = null;
            Map<String, String> attributes = Map.of();
            if (payload.isReadable()) {
                characterSet = Wire.readInt2(payload);
                if (Capabilities.has(capabilities, CLIENT_PLUGIN_AUTH) && payload.isReadable()) {
                    pluginName = Fields.readNulOrEofString(payload);
                }
                if (Capabilities.has(capabilities, CLIENT_CONNECT_ATTRS) && payload.isReadable()) {
                    attributes = ConnectAttributes.read(payload);
                }
            }
            return new ComChangeUser(username, authResponse, database, characterSet, pluginName, attributes);
        } catch (RuntimeException e) {
            throw MalformedPacketException.decoding("COM_CHANGE_USER", e);
        }
    }

    /**
     * Writes the payload, always with the character set; the plugin name and attributes when the
     * capabilities carry {@code CLIENT_PLUGIN_AUTH} and {@code CLIENT_CONNECT_ATTRS}.
     *
     * @throws IllegalStateException if the auth response exceeds 255 bytes
     */
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(Command.COM_CHANGE_USER);
        Wire.writeNulString(out, username);
        if (Capabilities.has(capabilities, CLIENT_SECURE_CONNECTION)) {
            if (authResponse.length > 0xFF) {
                throw new IllegalStateException(
                        "COM_CHANGE_USER carries at most 255 bytes of auth response, not " + authResponse.length);
            }
            out.writeByte(authResponse.length).writeBytes(authResponse);
        } else {
            Wire.writeNulBytes(out, authResponse);
        }
        Wire.writeNulString(out, database == null ? "" : database);
        out.writeShortLE(characterSet);
        if (Capabilities.has(capabilities, CLIENT_PLUGIN_AUTH)) {
            Wire.writeNulString(out, authPluginName == null ? "" : authPluginName);
        }
        if (Capabilities.has(capabilities, CLIENT_CONNECT_ATTRS)) {
            ConnectAttributes.write(out, connectAttributes);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComChangeUser c
                && username.equals(c.username)
                && Arrays.equals(authResponse, c.authResponse)
                && Objects.equals(database, c.database)
                && characterSet == c.characterSet
                && Objects.equals(authPluginName, c.authPluginName)
                && connectAttributes.equals(c.connectAttributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                username, Arrays.hashCode(authResponse), database, characterSet, authPluginName, connectAttributes);
    }

    /** Prints the auth response's length only. */
    @Override
    public String toString() {
        return "ComChangeUser[username=" + username + ", authResponse=<" + authResponse.length
                + " bytes>, database=" + database + ", characterSet=" + characterSet + ", authPluginName="
                + authPluginName + ", connectAttributes=" + connectAttributes + "]";
    }
}
