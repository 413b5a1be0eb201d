package dev.turnout.connector.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How sessions hold their backend connections: the pool of idle authenticated connections, when
 * an idle session lets its connections go, and how long a replica that failed a session is left
 * out of its reads. {@link ConnectorConfig#backends()}.
 *
 * @param pool           {@code connector-backend-pool} (default 0, off): how many idle,
 *                       authenticated backend connections each event loop keeps per datasource and
 *                       login (user, capabilities, character set, database), reset with
 *                       COM_RESET_CONNECTION when a session lets them go, so that a new session
 *                       does not pay a backend handshake
 * @param poolIdle       {@code connector-backend-pool-idle} (default 30 s): how long a connection
 *                       may stay idle in the backend pool before it is closed. The pool keeps it
 *                       below the server's {@code wait_timeout} too: the limit in force is the
 *                       smaller of this and half the primary's global {@code wait_timeout}, read at
 *                       start
 * @param idleRelease    {@code connector-idle-release} (default 0: never): how long a session may
 *                       stay idle, outside a transaction and with no state pinning it to its
 *                       connections, before it lets its backend connections go (to the pool with
 *                       {@code connector-backend-pool}); its next statement opens a connection to
 *                       the master again and replays the session's state
 * @param replicaBackoff {@code connector-replica-backoff} (default 5 s): a replica that failed a
 *                       session (its connection could not be opened, broke, or could not take the
 *                       session's state) serves that session no reads for this long; zero = it may
 *                       be chosen again at once
 * @param allowPublicKeyRetrieval {@code connector-allow-public-key-retrieval} (default false): whether
 *                       a backend login by {@code caching_sha2_password} that needs full
 *                       authentication without TLS may ask the server for its RSA key and send it
 *                       the password encrypted with that key. A key fetched in plaintext is only as
 *                       trustworthy as the network, so by default such a login fails instead (as
 *                       Connector/J's {@code allowPublicKeyRetrieval=false})
 * @param loadAccounts   {@code connector-load-accounts} (default true): whether any account of the
 *                       primary may log in (its accounts are read with {@code application-user},
 *                       which needs SELECT on {@code mysql.global_priv} / {@code mysql.user}), or only
 *                       {@code application-user} and the user map's users
 * @param accountsRefresh {@code connector-accounts-refresh} (default 30 s, at least 1 s): how often the
 *                       primary's accounts are read again (a login miss reads them too, at most once a second)
 */
public record BackendSettings(
        int pool,
        Duration poolIdle,
        Duration idleRelease,
        Duration replicaBackoff,
        boolean allowPublicKeyRetrieval,
        boolean loadAccounts,
        Duration accountsRefresh) {

    public BackendSettings {
        Objects.requireNonNull(accountsRefresh, "accountsRefresh");
        Objects.requireNonNull(poolIdle, "poolIdle");
        Objects.requireNonNull(idleRelease, "idleRelease");
        Objects.requireNonNull(replicaBackoff, "replicaBackoff");
    }
}
