package dev.turnout.connector.config;

import java.nio.file.Path;
import java.util.Map;
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

    /** The default: TLS when the server offers it, nothing checked ({@code preferred}). */
    public static BackendTlsSettings preferred() {
        return new BackendTlsSettings(BackendSslMode.PREFERRED, Optional.empty());
    }

    public BackendTlsSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(ca, "ca");
        if (ca.isPresent() && !mode.verifiesCertificate()) {
            throw new IllegalArgumentException(
                    "a CA file is only used by verify-ca and verify-full, not by " + mode.keyword());
        }
    }

    /**
     * The same TLS as MariaDB Connector/J 3.x connection properties ({@code sslMode},
     * {@code serverSslCert}), for the JDBC connections of probes (properties, not URL options: the
     * driver does not decode a URL, so a path could not be written there safely): none for
     * {@code disabled} and {@code preferred} (the driver has no "TLS if offered" mode; its default
     * {@code sslMode=disable} is the closest), else {@code sslMode} {@code trust}, {@code verify-ca}
     * or {@code verify-full}, with the CA file.
     */
    public Map<String, String> mariaDbDriverProperties() {
        String sslMode = switch (mode) {
            case DISABLED, PREFERRED -> null;
            case REQUIRED -> "trust";
            case VERIFY_CA -> "verify-ca";
            case VERIFY_FULL -> "verify-full";
        };
        if (sslMode == null) {
            return Map.of();
        }
        return ca.isEmpty()
                ? Map.of("sslMode", sslMode)
                : Map.of("sslMode", sslMode, "serverSslCert", ca.get().toString());
    }

    /**
     * The same TLS as options of MariaDB's {@code CHANGE MASTER TO}, for the replication a manager
     * sets up: {@code MASTER_SSL=0} for {@code disabled} and {@code preferred} (MariaDB has no
     * "TLS if offered" for replication either), {@code MASTER_SSL=1} for {@code required}, and
     * {@code MASTER_SSL_VERIFY_SERVER_CERT=1} too for the {@code verify-} modes. No
     * {@code MASTER_SSL_CA}: it names a file on the replica's host, which the connector's CA path
     * need not be; a replica verifies against its own {@code ssl_ca}.
     */
    public String changeMasterOptions() {
        return switch (mode) {
            case DISABLED, PREFERRED -> "MASTER_SSL=0";
            case REQUIRED -> "MASTER_SSL=1, MASTER_SSL_VERIFY_SERVER_CERT=0";
            case VERIFY_CA, VERIFY_FULL -> "MASTER_SSL=1, MASTER_SSL_VERIFY_SERVER_CERT=1";
        };
    }
}
