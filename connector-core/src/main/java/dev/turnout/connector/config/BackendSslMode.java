package dev.turnout.connector.config;

/**
 * Whether and how the connector uses TLS to the database servers ({@code connector-backend-ssl-mode}),
 * with the meanings of the MySQL clients' {@code --ssl-mode} (MariaDB Connector/J's and
 * PostgreSQL's {@code verify-full} is MySQL's {@code VERIFY_IDENTITY}).
 */
public enum BackendSslMode {
    /** Never TLS. */
    DISABLED("disabled"),
    /** TLS when the server offers it, else plain TCP; the certificate is not checked. */
    PREFERRED("preferred"),
    /** TLS or no connection; the certificate is not checked. */
    REQUIRED("required"),
    /** TLS, and the server's certificate chain must lead to a trusted CA. */
    VERIFY_CA("verify-ca"),
    /** As {@link #VERIFY_CA}, and the certificate must name the host the connector connected to. */
    VERIFY_FULL("verify-full");

    private final String keyword;

    BackendSslMode(String keyword) {
        this.keyword = keyword;
    }

    /** The value as written in the file, e.g. {@code verify-full}. */
    public String keyword() {
        return keyword;
    }

    /** Whether a connection must be TLS (every mode from {@link #REQUIRED} on). */
    public boolean requiresTls() {
        return compareTo(REQUIRED) >= 0;
    }

    /** Whether the server's certificate is checked against trusted CAs. */
    public boolean verifiesCertificate() {
        return compareTo(VERIFY_CA) >= 0;
    }

    /**
     * Reads a value, ignoring case and taking {@code _} for {@code -} (so MySQL's {@code VERIFY_CA}
     * works); MySQL's {@code VERIFY_IDENTITY} is {@link #VERIFY_FULL}.
     *
     * @throws IllegalArgumentException with the part of an operator message that follows the key
     */
    static BackendSslMode parse(String text) {
        String normal = text.replace('_', '-');
        return normal.equalsIgnoreCase("verify-identity")
                ? VERIFY_FULL
                : Values.keyword(normal, values(), BackendSslMode::keyword);
    }
}
