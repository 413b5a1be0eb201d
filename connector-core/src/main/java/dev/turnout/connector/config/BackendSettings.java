package dev.turnout.connector.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How sessions hold their backend connections: the pool of idle authenticated connections, when
 * an idle session lets its connections go, and how long a replica that failed a session is left
 * out of its reads. Part of {@link SectionSettings}.
 *
 * @param backendPool     {@code connector-backend-pool}: idle connections kept per event loop and login; 0 = none
 * @param backendPoolIdle {@code connector-backend-pool-idle}: how long a pooled connection may stay idle
 * @param idleRelease     {@code connector-idle-release}: how long a session stays idle before it lets its connections go; zero = never
 * @param replicaBackoff  {@code connector-replica-backoff}: how long a replica that failed a session serves it no reads; zero = none
 */
record BackendSettings(int backendPool, Duration backendPoolIdle, Duration idleRelease, Duration replicaBackoff) {

    BackendSettings {
        Objects.requireNonNull(backendPoolIdle, "backendPoolIdle");
        Objects.requireNonNull(idleRelease, "idleRelease");
        Objects.requireNonNull(replicaBackoff, "replicaBackoff");
    }
}
