package dev.turnout.connector.frontend;

import dev.turnout.connector.error.LogSafe;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The identity and credentials a client presented, from HandshakeResponse41 or COM_CHANGE_USER
 * (kept across an auth switch). {@link #toString()} never shows the auth response, and shows the
 * names as {@link LogSafe} makes them safe for a log line.
 *
 * @param plugin     the authentication method the response was made with
 * @param response   the client's auth response (a scramble, or a clear password over TLS)
 * @param changeUser it came with COM_CHANGE_USER
 */
record Login(
        String user,
        String plugin,
        byte[] response,
        @Nullable String database,
        int characterSet,
        Map<String, String> attributes,
        boolean changeUser) {

    /** The same login, answered again with {@code plugin} after an auth switch. */
    Login switched(String switchedPlugin, byte[] switchedResponse) {
        return new Login(user, switchedPlugin, switchedResponse, database, characterSet, attributes, changeUser);
    }

    @Override
    public String toString() {
        return "Login[user=" + LogSafe.name(user) + ", plugin=" + LogSafe.name(plugin) + ", database="
                + LogSafe.name(database) + "]";
    }
}
