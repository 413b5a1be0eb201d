package dev.turnout.connector.config;

import java.time.Duration;

/**
 * The connector settings in effect for one section: [defaults] overridden by the section's own
 * values. Package-private carrier between {@link ConfigParser} and {@link ConnectorConfig}.
 *
 * @param tls null when TLS is not configured
 */
record Settings(String applicationUser, byte[] applicationPassword, int applicationPort, String listenAddress,
                Duration connectTimeout, long maxAllowedPacket, Duration shutdownTimeout, TlsFiles tls,
                int workerThreads) {
}
