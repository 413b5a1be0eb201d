package dev.turnout.connector.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The core connector settings in effect for one section (listener, login, timeouts, TLS,
 * threads): [defaults] overridden by the section's own values. The {@code core} of a
 * {@link SectionSettings}, built by {@link SettingsParser}; {@link ConnectorConfig} keeps one and
 * derives changed copies with the {@code with...} methods.
 *
 * @param tls null when TLS is not configured
 * @param readOnlyPort {@code application-readonly-port}; -1 when not set
 * @param requireTls {@code connector-require-tls}: clients must use TLS
 * @param transport {@code connector-transport}: the event loops' socket transport
 */
record Settings(
        String applicationUser,
        byte[] applicationPassword,
        int applicationPort,
        String listenAddress,
        Duration connectTimeout,
        Duration handshakeTimeout,
        long maxAllowedPacket,
        Duration shutdownTimeout,
        @Nullable TlsFiles tls,
        int workerThreads,
        int readOnlyPort,
        boolean bridgeMode,
        boolean requireTls,
        TransportSetting transport) {

    Settings withApplicationPort(int port) {
        return new Settings(
                applicationUser,
                applicationPassword,
                port,
                listenAddress,
                connectTimeout,
                handshakeTimeout,
                maxAllowedPacket,
                shutdownTimeout,
                tls,
                workerThreads,
                readOnlyPort,
                bridgeMode,
                requireTls,
                transport);
    }

    Settings withListenAddress(String address) {
        return new Settings(
                applicationUser,
                applicationPassword,
                applicationPort,
                address,
                connectTimeout,
                handshakeTimeout,
                maxAllowedPacket,
                shutdownTimeout,
                tls,
                workerThreads,
                readOnlyPort,
                bridgeMode,
                requireTls,
                transport);
    }

    Settings withTimeouts(Duration connect, Duration handshake, Duration shutdown) {
        return new Settings(
                applicationUser,
                applicationPassword,
                applicationPort,
                listenAddress,
                connect,
                handshake,
                maxAllowedPacket,
                shutdown,
                tls,
                workerThreads,
                readOnlyPort,
                bridgeMode,
                requireTls,
                transport);
    }

    Settings withReadOnlyPort(int port) {
        return new Settings(
                applicationUser,
                applicationPassword,
                applicationPort,
                listenAddress,
                connectTimeout,
                handshakeTimeout,
                maxAllowedPacket,
                shutdownTimeout,
                tls,
                workerThreads,
                port,
                bridgeMode,
                requireTls,
                transport);
    }

    Settings withBridgeMode(boolean bridge) {
        return new Settings(
                applicationUser,
                applicationPassword,
                applicationPort,
                listenAddress,
                connectTimeout,
                handshakeTimeout,
                maxAllowedPacket,
                shutdownTimeout,
                tls,
                workerThreads,
                readOnlyPort,
                bridge,
                requireTls,
                transport);
    }
}
