package dev.turnout.monitor;

import java.util.Objects;

/**
 * Where one datasource of a dataservice listens.
 *
 * @param name the datasource's name in the topology ({@code db1}), unique within a monitor
 * @param host a host name or IP address literal
 * @param port the TCP port, 1 to 65535
 */
public record DatasourceAddress(String name, String host, int port) {

    public DatasourceAddress {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: expected a non-empty datasource name");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: expected a host name or address for " + name);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: expected 1 to 65535 for " + name + ", got " + port);
        }
    }

    /** {@code host:port}, with an IPv6 literal in brackets. */
    public String hostPort() {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
