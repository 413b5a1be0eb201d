package dev.turnout.connector.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS from the connector to the database servers. {@link ConnectorConfig#backendTls()}.
 *
 * @param mode {@code connector-backend-ssl-mode} (default {@code preferred}, as the MySQL clients):
 *             whether the connector's backend connections use TLS and what they check
 * @param ca   {@code connector-backend-ssl-ca}: the PEM bundle of the CAs that
 *             {@code verify-ca} and {@code verify-full} trust, absolute and checked to be readable
 *             at parse time; empty when not set (they trust the JVM's default CAs then). Only
 *             valid with those two modes
 */
public record BackendTlsSettings(BackendSslMode mode, Optional<Path> ca) {

    public BackendTlsSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(ca, "ca");
        if (ca.isPresent() && !mode.verifiesCertificate()) {
            throw new IllegalArgumentException(
                    "a CA file is only used by verify-ca and verify-full, not by " + mode.keyword());
        }
    }
}
