package dev.turnout.connector.config;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The connector's REST API and its credentials. {@link ConnectorConfig#restApi()}.
 *
 * <p>The record keeps its own copy of the password and {@link #password()} returns a fresh one;
 * {@link #toString()} never shows it.
 *
 * @param address  {@code connector-rest-api-address}: where the connector serves its REST API and
 *                 metrics; empty when not set (no REST API)
 * @param user     {@code rest-api-admin-user}: the Basic-auth user of the REST API; empty when not
 *                 set
 * @param password {@code rest-api-admin-password} (or its alias {@code rest-api-admin-pass}) as
 *                 UTF-8 bytes, the Basic-auth password; null when not set, which
 *                 {@link #password()} returns as empty
 */
public record RestApiSettings(Optional<HostPort> address, Optional<String> user, byte @Nullable [] password) {

    public RestApiSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(user, "user");
        password = password == null ? null : password.clone();
    }

    /** The password as UTF-8 bytes (empty when not set): a fresh copy on every call, for the caller to wipe. */
    @Override
    public byte[] password() {
        return password == null ? new byte[0] : password.clone();
    }

    /** Without the password. */
    @Override
    public String toString() {
        return "RestApiSettings[address=" + address.orElse(null) + ", user=" + user.orElse(null) + ", password="
                + (password == null ? "none" : "***") + "]";
    }
}
