package dev.turnout.connector.config;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Every connector setting in effect for one section ([defaults] overridden by the section's own
 * values), by concern, so that each group grows on its own. Package-private carrier between
 * {@link SettingsParser}, which builds one per section, and {@link ConnectorConfig}, which hands
 * out the public groups; immutable.
 *
 * @param core        listener, login, timeouts, TLS, threads
 * @param splitting   read/write splitting and session consistency
 * @param userMapFile {@code connector-user-map} and where it was set; null when not set. Kept here
 *                    rather than in the public {@link SplittingSettings}: the file's origin only
 *                    serves messages, and {@link ConnectorConfig} exposes the user map itself
 * @param probes      the connector's own probes and heartbeats
 * @param failover    the managers followed, failover and switch
 * @param backends    backend connection pooling and release
 * @param restApi     the REST API
 * @param backendTls  TLS to the database servers
 */
record SectionSettings(
        Settings core,
        SplittingSettings splitting,
        @Nullable UserMapFile userMapFile,
        ProbeSettings probes,
        FailoverSettings failover,
        BackendSettings backends,
        ClientLimits limits,
        RestApiSettings restApi,
        BackendTlsSettings backendTls) {

    SectionSettings {
        Objects.requireNonNull(core, "core");
        Objects.requireNonNull(splitting, "splitting");
        Objects.requireNonNull(probes, "probes");
        Objects.requireNonNull(failover, "failover");
        Objects.requireNonNull(backends, "backends");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(restApi, "restApi");
        Objects.requireNonNull(backendTls, "backendTls");
    }

    SectionSettings withCore(Settings changed) {
        return new SectionSettings(
                changed, splitting, userMapFile, probes, failover, backends, limits, restApi, backendTls);
    }
}
