package dev.turnout.connector.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The PEM files of the connector's TLS identity ({@code connector-ssl-certificate} and
 * {@code connector-ssl-key}). Both paths are absolute and were checked, when the configuration was
 * parsed, to be readable regular files that look like a PEM certificate and a PEM private key.
 *
 * @param certificate the certificate chain (leaf first), PEM
 * @param key         the unencrypted private key (PKCS#8 or PKCS#1), PEM
 */
public record TlsFiles(Path certificate, Path key) {

    public TlsFiles {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }
}
