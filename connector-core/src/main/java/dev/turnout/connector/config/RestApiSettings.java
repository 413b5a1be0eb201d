package dev.turnout.connector.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The connector's REST API, its credentials and its TLS identity. {@link ConnectorConfig#restApi()}.
 *
 * <p>The record keeps its own copy of the password and {@link #password()} returns a fresh one;
 * {@link #toString()} never shows it.
 *
 * @param address  {@code connector-rest-api-address}: where the connector serves its REST API and
 *                 metrics; empty when not set (no REST API)
 * @param user     {@code rest-api-admin-user}: the Basic-auth user of the REST API; empty when not
 *                 set, which the connector and the manager take as {@value #DEFAULT_USER}
 * @param password {@code rest-api-admin-password} (or its alias {@code rest-api-admin-pass}) as
 *                 UTF-8 bytes, the Basic-auth password; null when not set, which
 *                 {@link #password()} returns as empty. The parser refuses an address without one.
 * @param tls      {@code rest-api-ssl-certificate} and {@code rest-api-ssl-key}: HTTPS instead of
 *                 HTTP; empty when not set
 */
public record RestApiSettings(
        Optional<HostPort> address, Optional<String> user, byte[] password, Optional<TlsFiles> tls) {

    /** The REST API user when {@code rest-api-admin-user} is not set. */
    public static final String DEFAULT_USER = "admin";

    public RestApiSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(tls, "tls");
        password = password == null ? null : password.clone();
    }

    /** The password as UTF-8 bytes (empty when not set): a fresh copy on every call, for the caller to wipe. */
    @Override
    public byte[] password() {
        return password == null ? new byte[0] : password.clone();
    }

    /** {@link #user()}, or {@value #DEFAULT_USER} when not set. */
    public String userOrDefault() {
        return user.orElse(DEFAULT_USER);
    }

    /** Without the password. */
    @Override
    public String toString() {
        return "RestApiSettings[address=" + address.orElse(null) + ", user=" + user.orElse(null) + ", password="
                + (password == null ? "none" : "***") + ", tls="
                + tls.map(t -> "certificate=" + t.certificate() + " key=" + t.key())
                        .orElse("off") + "]";
    }
}
