package dev.turnout.connector.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How sessions hold their backend connections: the pool of idle authenticated connections, and
 * when an idle session lets its connections go. Part of {@link SectionSettings}.
 *
 * @param backendPool {@code connector-backend-pool}: idle connections kept per event loop and login; 0 = none
 * @param idleRelease {@code connector-idle-release}: how long a session stays idle before it lets its connections go; zero = never
 */
record BackendSettings(int backendPool, Duration idleRelease) {

    BackendSettings {
        Objects.requireNonNull(idleRelease, "idleRelease");
    }
}
