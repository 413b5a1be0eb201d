package dev.turnout.connector.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every key the configuration file may contain, with where it may appear. Names are the ones of
 * Tungsten's {@code tungsten.ini}, so an existing file keeps working.
 */
enum Key {
    // Connector settings: in [defaults], and in a dataservice section to override the default there.
    APPLICATION_USER("application-user", Scope.SETTING),
    APPLICATION_PASSWORD("application-password", Scope.SETTING),
    APPLICATION_PORT("application-port", Scope.SETTING),
    CONNECTOR_LISTEN_ADDRESS("connector-listen-address", Scope.SETTING),
    CONNECTOR_CONNECT_TIMEOUT("connector-connect-timeout", Scope.SETTING),
    CONNECTOR_HANDSHAKE_TIMEOUT("connector-handshake-timeout", Scope.SETTING),
    CONNECTOR_MAX_ALLOWED_PACKET("connector-max-allowed-packet", Scope.SETTING),
    CONNECTOR_SHUTDOWN_TIMEOUT("connector-shutdown-timeout", Scope.SETTING),
    CONNECTOR_SSL_CERTIFICATE("connector-ssl-certificate", Scope.SETTING),
    CONNECTOR_SSL_KEY("connector-ssl-key", Scope.SETTING),
    CONNECTOR_REQUIRE_TLS("connector-require-tls", Scope.SETTING),
    CONNECTOR_BACKEND_SSL_MODE("connector-backend-ssl-mode", Scope.SETTING),
    CONNECTOR_BACKEND_SSL_CA("connector-backend-ssl-ca", Scope.SETTING),
    CONNECTOR_WORKER_THREADS("connector-worker-threads", Scope.SETTING),
    REPLICATION_PORT("replication-port", Scope.SETTING),
    APPLICATION_READONLY_PORT("application-readonly-port", Scope.SETTING),
    CONNECTOR_BRIDGE_MODE("connector-bridge-mode", Scope.SETTING),
    CONNECTOR_MAX_CONNECTIONS("connector-max-connections", Scope.SETTING),
    CONNECTOR_MAX_USER_CONNECTIONS("connector-max-user-connections", Scope.SETTING),
    CONNECTOR_TRANSPORT("connector-transport", Scope.SETTING),

    // Read/write splitting, session consistency, probes and the user map: settings too.
    CONNECTOR_QOS("connector-qos", Scope.SETTING),
    CONNECTOR_SMARTSCALE("connector-smartscale", Scope.SETTING),
    CONNECTOR_SMARTSCALE_WAIT("connector-smartscale-wait", Scope.SETTING),
    CONNECTOR_MAX_SLAVE_LATENCY("connector-max-slave-latency", Scope.SETTING),
    CONNECTOR_LOAD_BALANCER("connector-load-balancer", Scope.SETTING),
    CONNECTOR_AFFINITY("connector-affinity", Scope.SETTING),
    CONNECTOR_USER_MAP("connector-user-map", Scope.SETTING),
    CONNECTOR_PROBE_INTERVAL("connector-probe-interval", Scope.SETTING),
    CONNECTOR_HEARTBEAT_INTERVAL("connector-heartbeat-interval", Scope.SETTING),
    CONNECTOR_MANAGERS("connector-managers", Scope.SETTING),
    MANAGER_PUSH_SECRET("manager-push-secret", Scope.SETTING),
    CONNECTOR_HOLD_EXPIRY("connector-hold-expiry", Scope.SETTING),
    CONNECTOR_ALLOW_PUBLIC_KEY_RETRIEVAL("connector-allow-public-key-retrieval", Scope.SETTING),
    CONNECTOR_BACKEND_POOL("connector-backend-pool", Scope.SETTING),
    CONNECTOR_BACKEND_POOL_IDLE("connector-backend-pool-idle", Scope.SETTING),
    CONNECTOR_LOAD_ACCOUNTS("connector-load-accounts", Scope.SETTING),
    CONNECTOR_ACCOUNTS_REFRESH("connector-accounts-refresh", Scope.SETTING),
    CONNECTOR_WITHOUT_MANAGERS("connector-without-managers", Scope.SETTING),
    CONNECTOR_FAILOVER_WAIT("connector-failover-wait", Scope.SETTING),
    CONNECTOR_FAILOVER_RETRY("connector-failover-retry", Scope.SETTING),
    CONNECTOR_IDLE_RELEASE("connector-idle-release", Scope.SETTING),
    CONNECTOR_REPLICA_BACKOFF("connector-replica-backoff", Scope.SETTING),
    CONNECTOR_DISCONNECT_TIMEOUT("connector-disconnect-timeout", Scope.SETTING),
    CONNECTOR_REST_API_ADDRESS("connector-rest-api-address", Scope.SETTING),
    REST_API_ADMIN_USER("rest-api-admin-user", Scope.SETTING),
    REST_API_ADMIN_PASSWORD("rest-api-admin-password", Scope.SETTING),
    REST_API_ADMIN_PASS("rest-api-admin-pass", Scope.SETTING),
    REST_API_SSL_CERTIFICATE("rest-api-ssl-certificate", Scope.SETTING),
    REST_API_SSL_KEY("rest-api-ssl-key", Scope.SETTING),
    REPLICATION_USER("replication-user", Scope.SETTING),
    REPLICATION_PASSWORD("replication-password", Scope.SETTING),

    // The shape of one dataservice: only in a dataservice section.
    TOPOLOGY("topology", Scope.DATASERVICE),
    MASTER("master", Scope.DATASERVICE),
    MEMBERS("members", Scope.DATASERVICE),
    CONNECTORS("connectors", Scope.DATASERVICE),
    RELAY("relay", Scope.DATASERVICE),
    RELAY_SOURCE("relay-source", Scope.DATASERVICE),
    COMPOSITE_DATASOURCES("composite-datasources", Scope.DATASERVICE),

    // Read by the manager from the same file; the connector accepts them anywhere and ignores them.
    MANAGER_USER("manager-user", Scope.MANAGER),
    MANAGER_PASSWORD("manager-password", Scope.MANAGER),
    MANAGER_GROUP("manager-group", Scope.MANAGER),
    MANAGER_ZOOKEEPER("manager-zookeeper", Scope.MANAGER),
    MANAGER_ZOOKEEPER_CLIENT_PORT("manager-zookeeper-client-port", Scope.MANAGER),
    MANAGER_ZOOKEEPER_PEER_PORT("manager-zookeeper-peer-port", Scope.MANAGER),
    MANAGER_ZOOKEEPER_ELECTION_PORT("manager-zookeeper-election-port", Scope.MANAGER),
    MANAGER_ZOOKEEPER_DATA_DIR("manager-zookeeper-data-dir", Scope.MANAGER),
    MANAGER_ZOOKEEPER_SESSION_TIMEOUT("manager-zookeeper-session-timeout", Scope.MANAGER),
    MANAGER_WITNESS_CHECK("manager-witness-check", Scope.MANAGER),
    MANAGER_WITNESS_PORT("manager-witness-port", Scope.MANAGER),

    // Present in Tungsten users' files; accepted anywhere, not used by this version.
    USER("user", Scope.ACCEPTED),
    INSTALL_DIRECTORY("install-directory", Scope.ACCEPTED),
    PROFILE_SCRIPT("profile-script", Scope.ACCEPTED),
    MANAGER_REST_API_ADDRESS("manager-rest-api-address", Scope.ACCEPTED),
    REPLICATOR_REST_API_ADDRESS("replicator-rest-api-address", Scope.ACCEPTED),
    START_AND_REPORT("start-and-report", Scope.ACCEPTED),
    MYSQL_ALLOW_INTENSIVE_CHECKS("mysql-allow-intensive-checks", Scope.ACCEPTED),
    DISABLE_SECURITY_CONTROLS("disable-security-controls", Scope.ACCEPTED),
    // The manager group's witnesses: read by the managers; the connector only leaves active
    // witnesses out of a dataservice's members (they are no datasources).
    WITNESSES("witnesses", Scope.MANAGER),
    ENABLE_ACTIVE_WITNESSES("enable-active-witnesses", Scope.MANAGER);

    /** Where a key may appear and what happens to it. */
    enum Scope {
        /** A connector setting: [defaults], overridable per dataservice section. */
        SETTING,
        /** Describes a dataservice: dataservice sections only. */
        DATASERVICE,
        /** Read by the manager; accepted by the connector in any section and ignored. */
        MANAGER,
        /** Accepted in any section and otherwise ignored. */
        ACCEPTED
    }

    private static final Map<String, Key> BY_NAME = new HashMap<>();

    static {
        for (Key key : values()) {
            BY_NAME.put(key.keyName, key);
        }
    }

    private final String keyName;
    private final Scope scope;

    Key(String keyName, Scope scope) {
        this.keyName = keyName;
        this.scope = scope;
    }

    String keyName() {
        return keyName;
    }

    Scope scope() {
        return scope;
    }

    static Optional<Key> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The known key closest to a misspelt one, if it is close enough to be a likely typo. */
    static Optional<Key> closest(String name) {
        Key best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Key key : values()) {
            int d = distance(name, key.keyName);
            if (d < bestDistance) {
                best = key;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= 2 ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance; the inputs are short key names. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
