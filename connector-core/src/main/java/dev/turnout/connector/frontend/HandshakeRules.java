package dev.turnout.connector.frontend;

import dev.turnout.connector.error.ConnectorErrors;
import dev.turnout.protocol.constant.Capabilities;
import dev.turnout.protocol.message.client.HandshakeResponse41;
import dev.turnout.protocol.message.server.ErrPacket;
import org.jspecify.annotations.Nullable;

/**
 * What a handshake response must satisfy before its login is verified: protocol 4.1, TLS only
 * after an SSLRequest (never a silent plaintext fallback), and TLS where
 * {@code connector-require-tls} asks for it. Stateless.
 */
final class HandshakeRules {

    private HandshakeRules() {}

    /**
     * The error that refuses {@code response}, or null when it may log in.
     *
     * @param tls        whether the connection was upgraded to TLS
     * @param tlsOffered whether the connector has a certificate (connector-ssl-certificate)
     * @param requireTls connector-require-tls
     */
    static @Nullable ErrPacket refusal(
            HandshakeResponse41 response, boolean tls, boolean tlsOffered, boolean requireTls) {
        if (!Capabilities.has(response.capabilities(), Capabilities.CLIENT_PROTOCOL_41)) {
            return ConnectorErrors.badHandshake("clients older than protocol 4.1 are not supported");
        }
        if (Capabilities.has(response.capabilities(), Capabilities.CLIENT_SSL) && !tls) {
            // The client wants TLS but sent no SSLRequest (or the connector offers none).
            return ConnectorErrors.badHandshake(
                    tlsOffered
                            ? "CLIENT_SSL set without an SSLRequest"
                            : "CLIENT_SSL set, but this connector offers no TLS (no connector-ssl-certificate)");
        }
        return requireTls && !tls ? ConnectorErrors.secureTransportRequired() : null;
    }
}
