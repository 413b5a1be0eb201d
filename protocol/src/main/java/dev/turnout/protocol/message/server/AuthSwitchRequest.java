package dev.turnout.protocol.message.server;

import dev.turnout.protocol.message.Fields;
import dev.turnout.protocol.message.MalformedPacketException;
import dev.turnout.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * The server asks the client to authenticate again with another plugin and a new nonce.
 * Servers terminate the nonce of {@code mysql_native_password} and {@code caching_sha2_password}
 * with a NUL: for those two {@link #decode} drops a trailing NUL and {@link #encode} writes it back;
 * the data of any other plugin (e.g. a 32-byte ed25519 nonce) is kept byte for byte.
 * The pre-4.1 form (0xFE alone) decodes as plugin {@code mysql_old_password} with no data.
 *
 * @param pluginName the plugin to switch to
 * @param pluginData the plugin's data, usually a 20-byte nonce, without a trailing NUL
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_switch_request.html">Protocol::AuthSwitchRequest</a>
 */
public record AuthSwitchRequest(String pluginName, byte[] pluginData) {

    /** The header byte of an auth switch request (shared with OK-as-EOF and EOF, by phase). */
    public static final int HEADER = 0xFE;
    /** The plugin named by the one-byte, pre-4.1 switch request. */
    public static final String OLD_PASSWORD_PLUGIN = "mysql_old_password";

    public AuthSwitchRequest {
        Fields.checkNoNul("pluginName", Objects.requireNonNull(pluginName, "pluginName"));
        pluginData = Objects.requireNonNull(pluginData, "pluginData").clone();
    }

    /** A copy of the plugin data. */
    @Override
    public byte[] pluginData() {
        return pluginData.clone();
    }

    /** Decodes an auth switch request payload (0xFE header) read from its reader index. */
    public static AuthSwitchRequest decode(ByteBuf payload) {
        try {
            int header = Wire.readInt1(payload);
            if (header != HEADER) {
                throw new MalformedPacketException(
                        "expected an AuthSwitchRequest (0xFE), got 0x" + Integer.toHexString(header));
            }
            if (!payload.isReadable()) {
                return new AuthSwitchRequest(OLD_PASSWORD_PLUGIN, new byte[0]);
            }
            String pluginName = Wire.readNulString(payload);
            byte[] pluginData =
                    scrambling(pluginName) ? Fields.readEofBytesWithoutNul(payload) : Wire.readEofBytes(payload);
            return new AuthSwitchRequest(pluginName, pluginData);
        } catch (RuntimeException e) {
            throw MalformedPacketException.decoding("AuthSwitchRequest", e);
        }
    }

    /** Writes the payload; the data of the two scrambling plugins gets its NUL terminator. */
    public void encode(ByteBuf out) {
        out.writeByte(HEADER);
        Wire.writeNulString(out, pluginName);
        out.writeBytes(pluginData);
        if (scrambling(pluginName)) {
            out.writeByte(0);
        }
    }

    /** The two plugins whose nonce servers terminate with a NUL that is not part of it. */
    private static boolean scrambling(String pluginName) {
        return pluginName.equals("mysql_native_password") || pluginName.equals("caching_sha2_password");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthSwitchRequest r
                && pluginName.equals(r.pluginName)
                && Arrays.equals(pluginData, r.pluginData);
    }

    @Override
    public int hashCode() {
        return 31 * pluginName.hashCode() + Arrays.hashCode(pluginData);
    }

    /** Prints the data's length only. */
    @Override
    public String toString() {
        return "AuthSwitchRequest[pluginName=" + pluginName + ", pluginData=<" + pluginData.length + " bytes>]";
    }
}
