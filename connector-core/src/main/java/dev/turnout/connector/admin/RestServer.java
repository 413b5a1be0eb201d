package dev.turnout.connector.admin;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.turnout.connector.config.Pem;
import dev.turnout.connector.config.TlsFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A REST API on the JDK's HTTP server, hardened the same way for the connector and the manager:
 * HTTPS when a certificate and key are configured, Basic authentication that is never optional
 * (an empty password refuses to start), failed logins rate-limited per client address and logged,
 * state-changing requests checked against cross-site forgery ({@link RestGuard}), and a pool of
 * {@value #DEFAULT_THREADS} threads whose reading of a request is bounded by
 * {@link #DEFAULT_READ_TIMEOUT} ({@link RestExecutor}), so that clients that send half a request
 * do not block the API.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class RestServer implements AutoCloseable {

    /** Threads that serve requests; several, so that a few slow clients leave others served. */
    static final int DEFAULT_THREADS = 8;

    /** How long a connection may take to send its request line and headers (and its TLS handshake). */
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);

    private final HttpServer server;
    private final RestExecutor executor;
    private final boolean https;

    private RestServer(HttpServer server, RestExecutor executor, boolean https) {
        this.server = server;
        this.executor = executor;
        this.https = https;
    }

    /**
     * Binds {@code address} and serves {@code handlers} (path prefix to handler).
     *
     * @param realm    the API's name in the authentication challenge and in log lines
     * @param user     the Basic-auth user
     * @param password its password; empty is refused
     * @param tls      the certificate and key of HTTPS; null serves plain HTTP
     * @throws IllegalArgumentException when the password is empty, naming the keys to set
     * @throws IOException when the address cannot be bound
     * @throws GeneralSecurityException when the certificate or key cannot be used
     */
    public static RestServer start(
            InetSocketAddress address,
            String realm,
            String user,
            byte[] password,
            @Nullable TlsFiles tls,
            Map<String, HttpHandler> handlers)
            throws IOException, GeneralSecurityException {
        return start(
                address, realm, user, password, tls, handlers, DEFAULT_THREADS, DEFAULT_READ_TIMEOUT, System::nanoTime);
    }

    static RestServer start(
            InetSocketAddress address,
            String realm,
            String user,
            byte[] password,
            @Nullable TlsFiles tls,
            Map<String, HttpHandler> handlers,
            int threads,
            Duration readTimeout,
            LongSupplier nanoClock)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(user, "user");
        if (user.isEmpty() || password.length == 0) {
            throw new IllegalArgumentException(realm
                    + ": refusing to serve a REST API without a password: set rest-api-admin-user and"
                    + " rest-api-admin-password");
        }
        HttpServer server;
        if (tls != null) {
            HttpsServer secure = HttpsServer.create(address, 50);
            secure.setHttpsConfigurator(new HttpsConfigurator(Pem.serverContext(tls)));
            server = secure;
        } else {
            server = HttpServer.create(address, 50);
        }
        RestExecutor executor = new RestExecutor(realm.replace(' ', '-') + "-rest", threads, readTimeout);
        RestGuard guard = new RestGuard(realm, tls != null, user, password, new LoginLimiter(nanoClock));
        for (Map.Entry<String, HttpHandler> h : handlers.entrySet()) {
            HttpContext context = server.createContext(h.getKey(), h.getValue());
            context.getFilters().add(guard);
        }
        server.setExecutor(executor);
        server.start();
        return new RestServer(server, executor, tls != null);
    }

    /** The bound address (with the actual port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code https} or {@code http}. */
    public String scheme() {
        return https ? "https" : "http";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
