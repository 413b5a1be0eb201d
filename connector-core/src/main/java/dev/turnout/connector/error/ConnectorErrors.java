package dev.turnout.connector.error;

import dev.turnout.protocol.message.server.ErrPacket;
import io.netty.handler.codec.DecoderException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The one place where a cause becomes the ERR packet a client receives. Messages name what failed
 * (user, dataservice, host) but never a password or SQL text.
 */
public final class ConnectorErrors {

    private ConnectorErrors() {}

    public static ErrPacket of(ErrorCode code, String message) {
        return new ErrPacket(code.code(), code.sqlState(), message);
    }

    public static ErrPacket accessDenied(String user, String host, boolean usingPassword) {
        return of(
                ErrorCode.ACCESS_DENIED,
                "Access denied for user '" + LogSafe.name(user) + "'@'" + host + "' (using password: "
                        + (usingPassword ? "YES" : "NO") + ")");
    }

    /** A client that did not upgrade to TLS, when {@code connector-require-tls} is set: as MariaDB with {@code require_secure_transport}. */
    public static ErrPacket secureTransportRequired() {
        return of(
                ErrorCode.SECURE_TRANSPORT_REQUIRED,
                "Connections using insecure transport are prohibited while connector-require-tls=true");
    }

    /** A connection beyond connector-max-connections: as a server beyond max_connections says it. */
    public static ErrPacket tooManyConnections() {
        return of(ErrorCode.TOO_MANY_CONNECTIONS, "Too many connections");
    }

    /** A login beyond connector-max-user-connections: as MariaDB beyond max_user_connections says it. */
    public static ErrPacket tooManyUserConnections(String user) {
        return of(
                ErrorCode.TOO_MANY_USER_CONNECTIONS,
                "User " + LogSafe.name(user) + " already has more than 'max_user_connections' active connections");
    }

    /** A write inside a {@code START TRANSACTION READ ONLY} transaction: as the server says it. */
    public static ErrPacket readOnlyTransaction() {
        return of(ErrorCode.READ_ONLY_TRANSACTION, "Cannot execute statement in a READ ONLY transaction");
    }

    public static ErrPacket badHandshake(String detail) {
        return of(ErrorCode.BAD_HANDSHAKE, "Bad handshake: " + detail);
    }

    public static ErrPacket packetTooLarge(long limit) {
        return of(
                ErrorCode.PACKET_TOO_LARGE,
                "Got a packet bigger than 'max_allowed_packet' bytes (connector-max-allowed-packet=" + limit + ")");
    }

    public static ErrPacket outOfOrder(String detail) {
        return of(ErrorCode.PACKETS_OUT_OF_ORDER, "Got packets out of order: " + detail);
    }

    /** The primary of {@code dataservice} could not be reached or refused the connector. */
    public static ErrPacket noPrimary(String dataservice, String host, Throwable cause) {
        return of(
                ErrorCode.NO_PRIMARY,
                "no primary available for dataservice " + dataservice + " (" + host + ": " + describe(cause) + ")");
    }

    /**
     * A server refused the connector's login: its ERR, as the client gets it. A failure the
     * connector found on its own side carries a client code (e.g. 2059, an authentication plugin it
     * cannot use); clients take such a code from a server for a broken packet (see
     * {@link ErrorCode}), so it becomes a "no primary available" that names it.
     */
    public static ErrPacket backendRefused(String dataservice, String host, ErrPacket error) {
        if (!ErrorCode.isClientCode(error.errorCode())) {
            return error;
        }
        return of(
                ErrorCode.NO_PRIMARY,
                "no primary available for dataservice " + dataservice + " (" + host + ": " + error.message() + ")");
    }

    /** No replica of {@code dataservice} could be reached for the bridge's read-only port. */
    public static ErrPacket noReplica(String dataservice, String host, Throwable cause) {
        return of(
                ErrorCode.NO_PRIMARY,
                "no replica available for dataservice " + dataservice + " (" + host + ": " + describe(cause) + ")");
    }

    public static ErrPacket unknownThread(long id) {
        return of(ErrorCode.UNKNOWN_THREAD, "Unknown thread id: " + id);
    }

    public static ErrPacket backendLost(String host) {
        return of(ErrorCode.BACKEND_LOST, "Lost connection to backend " + host + " during query");
    }

    /** A transaction that outlasted connector-disconnect-timeout while a switch waited for it. */
    public static ErrPacket abortedBySwitch(long graceMillis) {
        return of(
                ErrorCode.ABORTED_BY_SWITCH,
                "transaction aborted: the primary is being switched and the transaction" + " was still open after "
                        + graceMillis + " ms (connector-disconnect-timeout); the session is closed");
    }

    /** A session the primary authenticated cannot log in to {@code host} by itself; it is closed. */
    public static ErrPacket cannotReauthenticate(String host) {
        return of(
                ErrorCode.CANNOT_REAUTHENTICATE,
                "the session's account uses an authentication plugin that the primary verified for it;"
                        + " the connector cannot log it in to " + host
                        + " by itself: the session is closed (reconnect)");
    }

    /** The primary failed during a statement; the session goes on, on the next primary. */
    public static ErrPacket primaryFailedDuringStatement(String dataservice, String host) {
        return of(
                ErrorCode.PRIMARY_FAILED,
                "the primary " + host + " of dataservice " + dataservice
                        + " failed during the statement; it may or may not have been applied (the connection is usable: retry)");
    }

    /** No primary could be reached within connector-failover-wait; the session goes on. */
    public static ErrPacket noPrimaryWithin(String dataservice, long millis) {
        return of(
                ErrorCode.PRIMARY_FAILED,
                "no primary available for dataservice " + dataservice + " within " + millis
                        + " ms (connector-failover-wait); the connection is usable: retry");
    }

    /** The connector is OFFLINE: a manager set it so, or none is reachable with connector-without-managers=offline. */
    public static ErrPacket offline() {
        return of(
                ErrorCode.NO_PRIMARY,
                "connector is OFFLINE: a manager set it so, or none is reachable (connector-without-managers=offline)");
    }

    public static ErrPacket shuttingDown() {
        return of(ErrorCode.SHUTTING_DOWN, "connector is shutting down");
    }

    /** A short, log- and client-safe description of a connection failure. */
    public static String describe(Throwable cause) {
        if (cause instanceof TimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "connect timed out";
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        if (cause instanceof ClosedChannelException) {
            return "connection closed";
        }
        if (cause instanceof UnknownHostException) {
            return "unknown host " + cause.getMessage();
        }
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException tls) {
            return describe(tls);
        }
        if (cause instanceof SSLException) {
            return "TLS failed: " + cause.getMessage();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
