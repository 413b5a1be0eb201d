package dev.turnout.routing.topology;

/**
 * One MySQL or MariaDB server of a dataservice, as the topology sees it: where it is, its role and
 * state, and the health a manager or probe last measured.
 *
 * @param name the datasource's name, unique in its dataservice (usually its host name)
 * @param host host name or address to connect to
 * @param port TCP port, 1 to 65535
 * @param role master, slave or relay
 * @param state the state managers gave it; only ONLINE datasources get traffic
 * @param reachable whether the last probe reached the server
 * @param replication how its replication stands ({@link ReplicationState#NONE} for a master)
 * @param latencyMillis applied latency in milliseconds, -1 when unknown
 * @param position the GTID position it has applied, {@link GtidPosition#EMPTY} when unknown
 */
public record Datasource(
        String name,
        String host,
        int port,
        Role role,
        DatasourceState state,
        boolean reachable,
        ReplicationState replication,
        long latencyMillis,
        GtidPosition position) {

    /** Validates every component. */
    public Datasource {
        Checks.name(name, "name");
        Checks.name(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
        }
        Checks.notNull(role, "role");
        Checks.notNull(state, "state");
        Checks.notNull(replication, "replication");
        if (latencyMillis < -1) {
            throw new IllegalArgumentException("latencyMillis must be >= 0, or -1 for unknown, got " + latencyMillis);
        }
        Checks.notNull(position, "position");
    }

    /**
     * A datasource as configuration describes it, before anything was measured: ONLINE, reachable,
     * replication RUNNING (NONE for a master), latency unknown (0 for a master, which is never
     * behind itself), position EMPTY.
     */
    public static Datasource configured(String name, String host, int port, Role role) {
        boolean master = role == Role.MASTER;
        return new Datasource(
                name,
                host,
                port,
                role,
                DatasourceState.ONLINE,
                true,
                master ? ReplicationState.NONE : ReplicationState.RUNNING,
                master ? 0 : -1,
                GtidPosition.EMPTY);
    }

    /** This datasource with another role. */
    public Datasource withRole(Role r) {
        return new Datasource(name, host, port, r, state, reachable, replication, latencyMillis, position);
    }

    /** This datasource with another state. */
    public Datasource withState(DatasourceState s) {
        return new Datasource(name, host, port, role, s, reachable, replication, latencyMillis, position);
    }

    /** This datasource with newly measured health. */
    public Datasource withHealth(
            boolean reachable, ReplicationState replication, long latencyMillis, GtidPosition position) {
        return new Datasource(name, host, port, role, state, reachable, replication, latencyMillis, position);
    }

    /** True for a SLAVE or a RELAY. */
    public boolean isReplica() {
        return role == Role.SLAVE || role == Role.RELAY;
    }
}
