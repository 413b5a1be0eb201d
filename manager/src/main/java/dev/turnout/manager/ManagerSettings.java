package dev.turnout.manager;

import dev.turnout.connector.config.BackendTlsSettings;
import dev.turnout.connector.config.ConfigException;
import dev.turnout.connector.config.ConnectorConfig;
import dev.turnout.connector.config.DataserviceConfig;
import dev.turnout.connector.config.HostPort;
import dev.turnout.connector.config.ProbeSettings;
import dev.turnout.connector.config.RestApiSettings;
import dev.turnout.connector.config.TlsFiles;
import dev.turnout.monitor.DatasourceAddress;
import dev.turnout.push.PushSecret;
import dev.turnout.push.PushServer;
import dev.turnout.routing.topology.Policy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link Manager} needs, sealed at start. {@link #toString()} never shows a password.
 *
 * @param service the dataservice's name
 * @param datasources its datasources in configuration order
 * @param configuredMaster the name of the configured master (its role until the servers say otherwise)
 * @param dbUser the manager's own SQL account on every datasource: monitoring, read_only,
 *        replication control. MariaDB 11.4 privileges: {@code READ_ONLY ADMIN} ({@code SET GLOBAL
 *        read_only}), {@code REPLICATION SLAVE ADMIN} ({@code STOP/START SLAVE}, {@code CHANGE
 *        MASTER}, {@code RESET SLAVE}, {@code SET GLOBAL gtid_slave_pos}), {@code RELOAD}
 *        ({@code RESET SLAVE ALL} asks for it too), {@code SLAVE MONITOR}
 *        ({@code SHOW [ALL] SLAVE[S] STATUS}) on {@code *.*}, and {@code SELECT, INSERT, UPDATE,
 *        CREATE} on the heartbeat schema {@code turnout}; no {@code SUPER}
 * @param dbPassword its password
 * @param replicationUser the account replicas replicate with ({@code CHANGE MASTER TO MASTER_USER})
 * @param replicationPassword its password
 * @param backendTls {@code connector-backend-ssl-mode} and {@code -ca}: the TLS of the manager's probes
 *        and administrative SQL (driver properties) and of the replication it sets up ({@code MASTER_SSL})
 * @param probeInterval how often every datasource is probed
 * @param policy the policy at start
 * @param pushAddress where connectors subscribe
 * @param restAddress where the REST API listens; null for none
 * @param restUser the REST API's Basic-auth user
 * @param restPassword its password; must not be empty when {@code restAddress} is set
 * @param restTls the certificate and key of HTTPS for the REST API; null for plain HTTP
 * @param switchTimeout the bound of each step of a switch or failover (hold, catch-up)
 * @param failoverProbes with policy AUTOMATIC, how many consecutive probes must find the master
 *        unreachable before the manager fails over (at least 1)
 * @param pushSecret {@code manager-push-secret}: the secret connectors must prove on the push port;
 *        {@link PushSecret#none()} only when {@code pushAddress} is a loopback address
 * @param holdTimeout how long a switch waits for the connectors' acks of its hold; a connector that
 *        has not acknowledged by then is logged and the switch goes on without it (a failover does
 *        not wait at all)
 */
public record ManagerSettings(
        String service,
        List<DatasourceAddress> datasources,
        String configuredMaster,
        String dbUser,
        String dbPassword,
        String replicationUser,
        String replicationPassword,
        BackendTlsSettings backendTls,
        Duration probeInterval,
        Policy policy,
        InetSocketAddress pushAddress,
        @Nullable InetSocketAddress restAddress,
        String restUser,
        String restPassword,
        @Nullable TlsFiles restTls,
        Duration switchTimeout,
        int failoverProbes,
        PushSecret pushSecret,
        Duration holdTimeout) {

    /** Validates and copies. */
    public ManagerSettings {
        Objects.requireNonNull(service, "service");
        datasources = List.copyOf(datasources);
        if (datasources.isEmpty()) {
            throw new IllegalArgumentException("datasources: expected at least one");
        }
        if (datasources.stream().noneMatch(d -> d.name().equals(configuredMaster))) {
            throw new IllegalArgumentException(
                    "configuredMaster '" + configuredMaster + "' is none of the datasources");
        }
        Objects.requireNonNull(dbUser, "dbUser");
        Objects.requireNonNull(dbPassword, "dbPassword");
        Objects.requireNonNull(replicationUser, "replicationUser");
        Objects.requireNonNull(replicationPassword, "replicationPassword");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(pushAddress, "pushAddress");
        Objects.requireNonNull(restUser, "restUser");
        Objects.requireNonNull(restPassword, "restPassword");
        if (restAddress != null && (restUser.isEmpty() || restPassword.isEmpty())) {
            throw new IllegalArgumentException("manager-rest-api-address is set without a rest-api-admin-password:"
                    + " the REST API is never served without one (set rest-api-admin-user and"
                    + " rest-api-admin-password)");
        }
        if (probeInterval.isNegative() || probeInterval.isZero()) {
            throw new IllegalArgumentException("probeInterval: expected a positive duration, got " + probeInterval);
        }
        if (failoverProbes < 1) {
            throw new IllegalArgumentException("failoverProbes: expected at least 1, got " + failoverProbes);
        }
        if (switchTimeout.isNegative() || switchTimeout.isZero()) {
            throw new IllegalArgumentException("switchTimeout: expected a positive duration, got " + switchTimeout);
        }
        if (holdTimeout.isNegative() || holdTimeout.isZero()) {
            throw new IllegalArgumentException("holdTimeout: expected a positive duration, got " + holdTimeout);
        }
        Objects.requireNonNull(pushSecret, "pushSecret");
        if (pushSecret.isNone()
                && (pushAddress.getAddress() == null
                        || !pushAddress.getAddress().isLoopbackAddress())) {
            throw new IllegalArgumentException("manager-push-secret is not set: a manager that listens for connectors"
                    + " on " + pushAddress + " needs it, so that nobody else can subscribe and no connector follows"
                    + " anybody else at this address (set it in [defaults], the same for the connectors, or listen"
                    + " on 127.0.0.1)");
        }
    }

    /** Default bound of a switch's wait for the connectors' acks: 10 s. */
    public static final Duration DEFAULT_HOLD_TIMEOUT = Duration.ofSeconds(10);

    /** Default number of consecutive failed probes of the master before a failover: 3. */
    public static final int DEFAULT_FAILOVER_PROBES = 3;

    /** Default probe interval: 500 ms. */
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(500);

    /**
     * The settings of {@code service} in a configuration file: members and master from its section,
     * {@code manager-user}/{@code -password} as the manager's own SQL account (the replication
     * account when unset), {@code replication-user}/{@code -password} (the application user when
     * unset) as the replication account, {@code manager-rest-api-address} ({@code host:port}; none
     * when unset), {@code rest-api-admin-user} (default {@code admin}) /
     * {@code rest-api-admin-password} (or {@code rest-api-admin-pass}), required with an address,
     * {@code rest-api-ssl-certificate} / {@code rest-api-ssl-key} for HTTPS, and
     * {@code manager-push-secret}.
     *
     * @param pushAddress where connectors subscribe
     * @throws ConfigException naming the file and key of a problem
     */
    public static ManagerSettings fromConfig(
            Path file, @Nullable String service, InetSocketAddress pushAddress, Duration probeInterval, Policy policy)
            throws ConfigException, IOException {
        ConnectorConfig config = ConnectorConfig.load(file, service);
        DataserviceConfig ds = config.dataservice();
        if (ds.isComposite()) {
            throw new ConfigException(
                    file + ": the manager manages one dataservice; '" + ds.name() + "' is a composite");
        }
        List<DatasourceAddress> addresses = addresses(ds.members());
        String master = addresses.get(ds.members().indexOf(ds.master())).name();
        Map<String, String> raw = rawSettings(file, config.serviceName());
        String restText = raw.get("manager-rest-api-address");
        InetSocketAddress rest = null;
        if (restText != null && !restText.isBlank()) {
            try {
                HostPort hp = HostPort.parse(restText.strip(), 8090);
                rest = new InetSocketAddress(hp.host(), hp.port());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file + ": manager-rest-api-address: " + e.getMessage());
            }
        }
        RestApiSettings restApi = config.restApi();
        String restPassword = new String(restApi.password(), StandardCharsets.UTF_8);
        if (rest != null && restPassword.isEmpty()) {
            throw new ConfigException(file + ": manager-rest-api-address: set without a rest-api-admin-password:"
                    + " the REST API is never served without one (set rest-api-admin-user and"
                    + " rest-api-admin-password)");
        }
        ProbeSettings probes = config.probes();
        String replicationPassword = new String(probes.replicationPassword(), StandardCharsets.UTF_8);
        byte[] secret = config.failover().pushSecret();
        return new ManagerSettings(
                config.serviceName(),
                addresses,
                master,
                raw.getOrDefault("manager-user", probes.replicationUser()),
                raw.getOrDefault("manager-password", replicationPassword),
                probes.replicationUser(),
                replicationPassword,
                config.backendTls(),
                probeInterval,
                policy,
                pushAddress,
                rest,
                restApi.userOrDefault(),
                restPassword,
                restApi.tls().orElse(null),
                Duration.ofSeconds(10),
                DEFAULT_FAILOVER_PROBES,
                secret == null ? PushSecret.none() : PushSecret.of(secret),
                DEFAULT_HOLD_TIMEOUT);
    }

    /** These settings with another {@link #failoverProbes()}. */
    public ManagerSettings withFailoverProbes(int probes) {
        return new ManagerSettings(
                service,
                datasources,
                configuredMaster,
                dbUser,
                dbPassword,
                replicationUser,
                replicationPassword,
                backendTls,
                probeInterval,
                policy,
                pushAddress,
                restAddress,
                restUser,
                restPassword,
                restTls,
                switchTimeout,
                probes,
                pushSecret,
                holdTimeout);
    }

    /** These settings with another {@link #holdTimeout()}. */
    public ManagerSettings withHoldTimeout(Duration timeout) {
        return new ManagerSettings(
                service,
                datasources,
                configuredMaster,
                dbUser,
                dbPassword,
                replicationUser,
                replicationPassword,
                backendTls,
                probeInterval,
                policy,
                pushAddress,
                restAddress,
                restUser,
                restPassword,
                restTls,
                switchTimeout,
                failoverProbes,
                pushSecret,
                timeout);
    }

    /** The default push address: every interface, port {@value PushServer#DEFAULT_PORT}. */
    public static InetSocketAddress defaultPushAddress() {
        return new InetSocketAddress(PushServer.DEFAULT_PORT);
    }

    /**
     * Datasource names: the host when the hosts are unique, {@code host:port} otherwise (several
     * servers of one machine, as in the sandbox).
     */
    static List<DatasourceAddress> addresses(List<HostPort> members) {
        Set<String> hosts = new HashSet<>();
        boolean unique = true;
        for (HostPort m : members) {
            unique &= hosts.add(m.host());
        }
        List<DatasourceAddress> out = new ArrayList<>();
        for (HostPort m : members) {
            out.add(new DatasourceAddress(unique ? m.host() : m.host() + ":" + m.port(), m.host(), m.port()));
        }
        return List.copyOf(out);
    }

    /**
     * The keys of {@code [defaults]} overridden by those of {@code [service]}, as text: the keys that
     * {@link ConnectorConfig} accepts without interpreting (the REST API's).
     */
    public static Map<String, String> rawSettings(Path file, String service) throws IOException {
        Map<String, String> defaults = new HashMap<>();
        Map<String, String> own = new HashMap<>();
        Map<String, String> into = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
                continue;
            }
            if (t.startsWith("[") && t.endsWith("]")) {
                String section = t.substring(1, t.length() - 1).strip();
                into = section.equals("defaults") ? defaults : section.equals(service) ? own : null;
                continue;
            }
            int eq = t.indexOf('=');
            if (into != null && eq > 0) {
                into.put(
                        t.substring(0, eq).strip().toLowerCase(Locale.ROOT),
                        t.substring(eq + 1).strip());
            }
        }
        defaults.putAll(own);
        return defaults;
    }

    @Override
    public String toString() {
        return "ManagerSettings[service=" + service + ", datasources=" + datasources + ", configuredMaster="
                + configuredMaster + ", dbUser=" + dbUser + ", replicationUser=" + replicationUser
                + ", backendTls=" + backendTls + ", probeInterval=" + probeInterval + ", policy=" + policy
                + ", pushAddress=" + pushAddress + ", restAddress=" + restAddress + ", restUser=" + restUser
                + ", restTls=" + (restTls == null ? "off" : restTls.certificate())
                + ", passwords=<redacted>, switchTimeout=" + switchTimeout + ", failoverProbes=" + failoverProbes
                + ", pushSecret=" + pushSecret + ", holdTimeout=" + holdTimeout + "]";
    }
}
