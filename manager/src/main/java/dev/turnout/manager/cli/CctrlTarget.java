package dev.turnout.manager.cli;

import dev.turnout.connector.config.ConfigException;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.config.RestApiSettings;
import dev.turnout.manager.ManagerSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where and how cctrl reaches a manager's REST API, as a configuration file says:
 * {@code manager-rest-api-address}, {@code rest-api-admin-user} / {@code -password}, and
 * {@code rest-api-ssl-certificate} (then the URL is {@code https://} and that certificate is the one
 * trusted). Unlike {@link ManagerSettings#fromConfig}, a file without the password is fine here:
 * cctrl then asks for it.
 *
 * @param url      the API's base URL, or null when the file names no address
 * @param user     the Basic-auth user
 * @param password its password, or null when the file has none
 * @param trust    the certificate to trust for HTTPS, or null for plain HTTP
 */
record CctrlTarget(
        @Nullable String url,
        String user,
        @Nullable String password,
        @Nullable Path trust) {

    static CctrlTarget fromConfig(Path file, @Nullable String service) throws ConfigException, IOException {
        ConnectorConfig config = ConnectorConfig.load(file, service);
        RestApiSettings rest = config.restApi();
        String address = ManagerSettings.rawSettings(file, config.serviceName()).get("manager-rest-api-address");
        Path trust = rest.tls().map(t -> t.certificate()).orElse(null);
        String url = null;
        if (address != null && !address.isBlank()) {
            HostPort hp;
            try {
                hp = HostPort.parse(address.strip(), 8090);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file + ": manager-rest-api-address: " + e.getMessage());
            }
            // A manager listening on every address is reached on this host's loopback.
            String host = hp.host().equals("0.0.0.0") || hp.host().equals("::")
                    ? "127.0.0.1"
                    : hp.host().contains(":") ? "[" + hp.host() + "]" : hp.host();
            url = (trust == null ? "http://" : "https://") + host + ":" + hp.port();
        }
        byte[] password = rest.password();
        return new CctrlTarget(
                url,
                rest.userOrDefault(),
                password.length == 0 ? null : new String(password, StandardCharsets.UTF_8),
                trust);
    }
}
