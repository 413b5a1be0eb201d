package dev.turnout.connector;

import dev.turnout.connector.backend.BackendTls;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.config.Pem;
import dev.turnout.connector.config.TlsFiles;
import dev.turnout.connector.config.TlsPolicy;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.security.GeneralSecurityException;
import org.jspecify.annotations.Nullable;

/**
 * Builds the connector's TLS contexts at start: towards clients ({@link #forClients}) and towards
 * the database servers ({@link #forBackends}). The server-side context comes from the configured PEM files. Netty reads PKCS#8 keys
 * ({@code BEGIN PRIVATE KEY}); a PKCS#1 RSA key ({@code BEGIN RSA PRIVATE KEY}, what
 * {@code openssl genrsa -traditional} and many older tools write) is read by {@link Pem}, so both
 * forms that the configuration accepts work without Bouncy Castle. The context speaks
 * {@link TlsPolicy}'s versions and ciphers only. Stateless.
 */
final class ServerTls {

    private ServerTls() {}

    /** The context that TLS towards clients uses; null when no certificate is configured. */
    static @Nullable SslContext forClients(ConnectorConfig config) throws ConnectorStartException {
        if (config.tls().isEmpty()) {
            return null;
        }
        TlsFiles files = config.tls().get();
        try {
            return context(files);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new ConnectorStartException(
                    "cannot load the TLS certificate " + files.certificate() + " and key " + files.key()
                            + " (the key must be PEM, PKCS#8 or PKCS#1 RSA, unencrypted): " + e.getMessage(),
                    e);
        }
    }

    /** TLS towards the database servers ({@code connector-backend-ssl-mode}). */
    static BackendTls forBackends(ConnectorConfig config) throws ConnectorStartException {
        try {
            return BackendTls.of(config.backendTls());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new ConnectorStartException(
                    "cannot load connector-backend-ssl-ca "
                            + config.backendTls().ca().map(String::valueOf).orElse("")
                            + " (a PEM bundle of CA certificates): " + e.getMessage(),
                    e);
        }
    }

    static SslContext context(TlsFiles files) throws IOException, GeneralSecurityException {
        if (!Pem.isPkcs1(files.key())) {
            return TlsPolicy.apply(SslContextBuilder.forServer(
                            files.certificate().toFile(), files.key().toFile()))
                    .build();
        }
        return TlsPolicy.apply(
                        SslContextBuilder.forServer(Pem.privateKey(files.key()), Pem.certificates(files.certificate())))
                .build();
    }
}
