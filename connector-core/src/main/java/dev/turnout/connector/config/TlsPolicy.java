package dev.turnout.connector.config;

import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.List;

/**
 * The TLS versions and cipher suites the connector speaks, towards clients and towards the
 * database servers alike: TLS 1.3 and 1.2 only, and only AEAD ciphers with forward secrecy
 * (ECDHE or DHE key exchange with AES-GCM or ChaCha20-Poly1305; every TLS 1.3 suite is such). The
 * {@code AES128-SHA} class — RSA key exchange, CBC with SHA-1 MACs — and 3DES, RC4, anonymous and
 * export suites are never offered nor accepted, whatever the JDK would enable by default. Suites
 * the TLS provider does not know are left out.
 *
 * <p>Constants only; stateless.
 */
public final class TlsPolicy {

    /** TLS versions, newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Cipher suites in order of preference (IANA names; Netty maps them for OpenSSL). */
    public static final List<String> CIPHERS = List.of(
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");

    private TlsPolicy() {}

    /** {@code builder} restricted to {@link #PROTOCOLS} and {@link #CIPHERS}. */
    public static SslContextBuilder apply(SslContextBuilder builder) {
        return builder.protocols(PROTOCOLS).ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
    }
}
