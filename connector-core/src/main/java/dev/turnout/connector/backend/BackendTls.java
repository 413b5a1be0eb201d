package dev.turnout.connector.backend;

import dev.turnout.connector.config.BackendSslMode;
import dev.turnout.connector.config.BackendTlsSettings;
import dev.turnout.connector.config.Pem;
import dev.turnout.connector.config.TlsPolicy;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.jspecify.annotations.Nullable;

/**
 * TLS from the connector to the database servers, as {@code connector-backend-ssl-mode} says: the
 * mode and the client-side TLS context built once at start. {@code preferred} and
 * {@code required} accept any certificate (they protect against eavesdropping, not against a
 * server in the middle); {@code verify-ca} checks the chain against {@code connector-backend-ssl-ca}
 * (or, without one, the JVM's default CAs); {@code verify-full} also checks that the certificate
 * names the host the connector connected to, as given in the topology (its DNS name or IP
 * address). Versions and ciphers are {@link TlsPolicy}'s.
 *
 * <p>Immutable and thread-safe; each connection gets its own {@link SslHandler}.
 */
public final class BackendTls {

    /** No TLS to any backend (the session tests' fake servers, and {@code disabled}). */
    public static final BackendTls DISABLED = new BackendTls(BackendSslMode.DISABLED, null);

    private final BackendSslMode mode;
    private final @Nullable SslContext context;

    private BackendTls(BackendSslMode mode, @Nullable SslContext context) {
        this.mode = mode;
        this.context = context;
    }

    /**
     * The TLS of {@code settings}.
     *
     * @throws IOException              if the CA file cannot be read
     * @throws GeneralSecurityException if it holds no usable certificate
     */
    public static BackendTls of(BackendTlsSettings settings) throws IOException, GeneralSecurityException {
        BackendSslMode mode = settings.mode();
        if (mode == BackendSslMode.DISABLED) {
            return DISABLED;
        }
        SslContextBuilder builder = TlsPolicy.apply(SslContextBuilder.forClient());
        if (!mode.verifiesCertificate()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (settings.ca().isPresent()) {
            Path ca = settings.ca().get();
            builder.trustManager(Pem.certificates(ca));
        }
        // Netty 4.2 checks the host name by default; only verify-full wants it.
        builder.endpointIdentificationAlgorithm(mode == BackendSslMode.VERIFY_FULL ? "HTTPS" : null);
        return new BackendTls(mode, builder.build());
    }

    public BackendSslMode mode() {
        return mode;
    }

    /** Whether a connection asks the server for TLS (every mode but {@code disabled}). */
    public boolean wanted() {
        return context != null;
    }

    /**
     * A handler for one connection to {@code host:port} (the name is what {@code verify-full}
     * checks the certificate against).
     *
     * @throws IllegalStateException with {@code disabled}
     */
    public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        if (context == null) {
            throw new IllegalStateException("no TLS to the backends (connector-backend-ssl-mode=disabled)");
        }
        return context.newHandler(alloc, host, port);
    }

    @Override
    public String toString() {
        return "BackendTls[" + mode.keyword() + "]";
    }
}
