package dev.turnout.connector.config;

/**
 * The connector's REST API and its credentials. Part of {@link SectionSettings}.
 *
 * @param address  {@code connector-rest-api-address}; null when not set (no REST API)
 * @param user     {@code rest-api-admin-user}; null when not set
 * @param password {@code rest-api-admin-password} (or its alias {@code rest-api-admin-pass}), UTF-8; null when not set
 */
record RestApiSettings(HostPort address, String user, byte[] password) {

    /** Without the password. */
    @Override
    public String toString() {
        return "RestApiSettings[address=" + address + ", user=" + user
                + ", password=" + (password == null ? "none" : "***") + "]";
    }
}
