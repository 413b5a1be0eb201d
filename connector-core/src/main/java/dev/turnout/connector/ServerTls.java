package dev.turnout.connector;

import dev.turnout.connector.config.Pem;
import dev.turnout.connector.config.TlsFiles;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * Builds the server-side TLS context from the configured PEM files. Netty reads PKCS#8 keys
 * ({@code BEGIN PRIVATE KEY}); a PKCS#1 RSA key ({@code BEGIN RSA PRIVATE KEY}, what
 * {@code openssl genrsa -traditional} and many older tools write) is read by {@link Pem}, so both
 * forms that the configuration accepts work without Bouncy Castle. Stateless.
 */
final class ServerTls {

    private ServerTls() {}

    static SslContext context(TlsFiles files) throws IOException, GeneralSecurityException {
        if (!Pem.isPkcs1(files.key())) {
            return SslContextBuilder.forServer(
                            files.certificate().toFile(), files.key().toFile())
                    .build();
        }
        return SslContextBuilder.forServer(Pem.privateKey(files.key()), Pem.certificates(files.certificate()))
                .build();
    }
}
