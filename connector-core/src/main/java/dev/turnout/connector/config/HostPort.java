package dev.turnout.connector.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A datasource address as written in the configuration: {@code host} or {@code host:port}, an IPv6
 * literal in brackets ({@code [::1]} or {@code [::1]:3306}). The host is kept in lower case and
 * without brackets; no name is resolved here.
 *
 * @param host a host name, an IPv4 literal or an IPv6 literal (without brackets); stored in lower case
 * @param port 1-65535
 */
public record HostPort(String host, int port) {

    // RFC 1123 labels; '_' tolerated because real inventories contain it.
    private static final Pattern HOST_NAME =
            Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,62})(\\.[a-z0-9_]([a-z0-9_-]{0,62}))*");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-f:.]+(%[a-z0-9_.-]+)?");

    public HostPort {
        host = Objects.requireNonNull(host, "host").toLowerCase(Locale.ROOT);
        if (!isHostName(host) && !isIpv6Literal(host)) {
            throw new IllegalArgumentException(Values.quote(host) + " is not a host name or address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(Values.quote(Integer.toString(port)) + " is not a port (1-65535)");
        }
    }

    /**
     * Parses {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; a host without a
     * port gets {@code defaultPort}.
     *
     * @throws IllegalArgumentException with a message fit for an operator (it quotes {@code text})
     */
    public static HostPort parse(String text, int defaultPort) {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        String host;
        String port = null;
        if (t.charAt(0) == '[') {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(
                        Values.quote(t) + " is not a host: missing ']' after the IPv6 address");
            }
            host = t.substring(1, close).toLowerCase(Locale.ROOT);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty()) {
                if (rest.charAt(0) != ':') {
                    throw new IllegalArgumentException(Values.quote(t) + " is not a host: expected ':port' after ']'");
                }
                port = rest.substring(1);
            }
            if (!isIpv6Literal(host)) {
                throw new IllegalArgumentException(Values.quote(t) + " is not an IPv6 address");
            }
        } else {
            int colon = t.indexOf(':');
            if (colon >= 0 && t.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException(
                        Values.quote(t) + " is not a host: write IPv6 addresses in brackets, e.g. [::1]:3306");
            }
            host = (colon < 0 ? t : t.substring(0, colon)).toLowerCase(Locale.ROOT);
            port = colon < 0 ? null : t.substring(colon + 1);
            if (!isHostName(host)) {
                throw new IllegalArgumentException(Values.quote(t) + " is not a host name or address");
            }
        }
        if (port == null) {
            return new HostPort(host, defaultPort);
        }
        try {
            return new HostPort(host, Values.port(port));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Values.quote(t) + ": " + e.getMessage(), e);
        }
    }

    /** {@code host:port}, or {@code [v6]:port} for an IPv6 literal. */
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    static boolean isHostName(String host) {
        return host.length() <= 253 && HOST_NAME.matcher(host).matches();
    }

    /**
     * Whether {@code host} names this machine's loopback interface without any lookup:
     * {@code localhost}, an IPv4 literal 127.x.x.x, or the IPv6 literal {@code ::1}.
     */
    static boolean isLoopbackLiteral(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        if (host.matches("127(\\.\\d{1,3}){3}") || isIpv6Literal(host)) {
            try {
                return InetAddress.getByName(host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                        .isLoopbackAddress();
            } catch (UnknownHostException | SecurityException e) {
                return false;
            }
        }
        return false;
    }

    static boolean isIpv6Literal(String host) {
        // The character check comes first so that InetAddress only ever sees a literal: no DNS.
        if (host.indexOf(':') < 0 || !IPV6_CHARS.matcher(host).matches()) {
            return false;
        }
        try {
            InetAddress.getByName("[" + host + "]");
            return true;
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }
}
