package dev.turnout.connector.admin;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request of a REST API passes before its handler, in this order:
 * <ol>
 *   <li>a client address locked out by {@link LoginLimiter} gets 429 with {@code Retry-After},
 *       without its credentials being looked at;
 *   <li>HTTP Basic credentials, user and password each compared in constant time; a request without
 *       credentials gets 401 (that is how clients learn that a password is needed, so it is no
 *       failure), wrong ones get 401, count as a failure of the address and are logged at WARN with
 *       the user name cut to {@value #MAX_LOGGED_USER} characters and control characters escaped;
 *   <li>a request with another method than GET or HEAD changes state and must be one that a
 *       browser does not send for another site's page without asking this server first (which
 *       never allows it, sending no CORS headers): it carries {@value #REQUEST_HEADER} or a JSON
 *       body ({@code Content-Type: application/json}); and an {@code Origin} header, when present,
 *       must be this API's own ({@code http[s]://} + the request's {@code Host}). Else 403.
 * </ol>
 *
 * <p>Thread-safe; runs on the server's executor threads.
 */
final class RestGuard extends Filter {

    private static final Logger log = LoggerFactory.getLogger(RestGuard.class);

    /** The header that marks a request as sent by a program, not by a form of another site. */
    static final String REQUEST_HEADER = "X-Turnout-Request";

    static final int MAX_LOGGED_USER = 64;

    private final String realm;
    private final String scheme;
    private final byte[] user;
    private final byte[] password;
    private final LoginLimiter limiter;

    RestGuard(String realm, boolean https, String user, byte[] password, LoginLimiter limiter) {
        this.realm = realm;
        this.scheme = https ? "https" : "http";
        this.user = user.getBytes(StandardCharsets.UTF_8);
        this.password = password.clone();
        this.limiter = limiter;
    }

    @Override
    public String description() {
        return "rate-limited Basic authentication and a cross-site request check";
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        RestExecutor.handling();
        try {
            if (admitted(exchange)) {
                chain.doFilter(exchange);
            }
        } finally {
            RestExecutor.reading();
        }
    }

    private boolean admitted(HttpExchange exchange) throws IOException {
        InetAddress client = exchange.getRemoteAddress().getAddress();
        String peer = client.getHostAddress();
        long locked = limiter.lockedOutMillis(client);
        if (locked > 0) {
            log.debug("REST API {}: refused {} (locked out for {} ms more)", realm, peer, locked);
            exchange.getResponseHeaders().set("Retry-After", Long.toString((locked + 999) / 1000));
            refuse(exchange, 429, "too many failed logins from " + peer + "; retry later");
            return false;
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null) {
            challenge(exchange, "authentication required");
            return false;
        }
        String[] credentials = basicCredentials(authorization);
        boolean userOk = MessageDigest.isEqual(user, credentials[0].getBytes(StandardCharsets.UTF_8));
        boolean passwordOk = MessageDigest.isEqual(password, credentials[1].getBytes(StandardCharsets.UTF_8));
        if (!(userOk & passwordOk)) {
            int failures = limiter.failed(client);
            long lockout = LoginLimiter.lockout(failures).toMillis();
            log.warn(
                    "REST API {}: failed login as '{}' from {} ({} in a row{})",
                    realm,
                    loggable(credentials[0]),
                    peer,
                    failures,
                    lockout > 0 ? "; locked out for " + lockout + " ms" : "");
            challenge(exchange, "wrong user or password");
            return false;
        }
        limiter.succeeded(client);
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (origin != null && (host == null || !origin.equalsIgnoreCase(scheme + "://" + host))) {
            log.warn(
                    "REST API {}: refused {} {} from {}: cross-origin ({})",
                    realm,
                    method,
                    path(exchange),
                    peer,
                    loggable(origin));
            refuse(exchange, 403, "cross-origin request refused");
            return false;
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        boolean json =
                contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
        String marker = exchange.getRequestHeaders().getFirst(REQUEST_HEADER);
        if (!json && (marker == null || marker.isBlank())) {
            log.warn(
                    "REST API {}: refused {} {} from {}: no {} header and no JSON body",
                    realm,
                    method,
                    path(exchange),
                    peer,
                    REQUEST_HEADER);
            refuse(
                    exchange,
                    403,
                    "a state-changing request needs the header " + REQUEST_HEADER
                            + ": 1 (or a body with Content-Type: application/json)");
            return false;
        }
        return true;
    }

    /** {user, password} of a Basic authorization; both empty when it is no readable Basic one. */
    private static String[] basicCredentials(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return new String[] {"", ""};
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new String[] {"", ""};
        }
        int colon = decoded.indexOf(':');
        return colon < 0
                ? new String[] {decoded, ""}
                : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static String path(HttpExchange exchange) {
        return loggable(exchange.getRequestURI().getRawPath());
    }

    /**
     * {@code text} for a log line: at most {@value #MAX_LOGGED_USER} characters (then {@code ...}),
     * control characters, quotes and backslashes escaped, so that a client cannot write long or
     * forged lines into the log.
     */
    static String loggable(String text) {
        StringBuilder out = new StringBuilder();
        int end = Math.min(text.length(), MAX_LOGGED_USER);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == '\'') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > MAX_LOGGED_USER) {
            out.append("...(").append(text.length()).append(" chars)");
        }
        return out.toString();
    }

    private void challenge(HttpExchange exchange, String message) throws IOException {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
        refuse(exchange, 401, message);
    }

    private static void refuse(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = ("{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        exchange.close();
    }
}
