package dev.turnout.manager.group;

import dev.turnout.connector.config.HostPort;
import dev.turnout.monitor.DatasourceAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * How a manager takes part in its dataservice's manager group.
 *
 * @param service the dataservice
 * @param self this manager's member name
 * @param members every voting member (datasource managers, then active witnesses), in order; the
 *        quorum rules hold for them
 * @param passiveWitnesses the hosts managers check to tell "the master died" from "I am cut off"
 * @param witnessCheck how a passive witness is checked
 * @param witnessPort the port of that check ({@code 7}, the echo port, by default)
 * @param ensemble an existing ZooKeeper ensemble ({@code host:port,…}); null to run the embedded one
 * @param dataDir where the embedded ZooKeeper peer keeps its data
 * @param sessionTimeout the ZooKeeper session timeout: a coordinator that loses its session for this
 *        long is replaced, and it stops acting (Curator's suspended state) before that
 */
public record GroupSettings(
        String service,
        String self,
        List<GroupMember> members,
        List<String> passiveWitnesses,
        WitnessCheck witnessCheck,
        int witnessPort,
        @Nullable String ensemble,
        Path dataDir,
        Duration sessionTimeout) {

    /** How a passive witness is checked. */
    public enum WitnessCheck {
        /** A TCP connection to the echo port, which must send back what it is sent. */
        ECHO,
        /** A TCP connection that is accepted. */
        CONNECT
    }

    /** Default ZooKeeper client port of an embedded peer. */
    public static final int DEFAULT_CLIENT_PORT = 2181;
    /** Default quorum port of an embedded peer. */
    public static final int DEFAULT_PEER_PORT = 2888;
    /** Default election port of an embedded peer. */
    public static final int DEFAULT_ELECTION_PORT = 3888;
    /** Default port of the passive witnesses' check: echo. */
    public static final int DEFAULT_WITNESS_PORT = 7;
    /** Default ZooKeeper session timeout. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(2);

    /** Validates and copies; checks the quorum rules. */
    public GroupSettings {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(self, "self");
        members = List.copyOf(members);
        passiveWitnesses = List.copyOf(passiveWitnesses);
        Objects.requireNonNull(witnessCheck, "witnessCheck");
        Objects.requireNonNull(dataDir, "dataDir");
        if (members.stream().noneMatch(m -> m.name().equals(self))) {
            throw new IllegalArgumentException("this manager's member '" + self + "' is none of the group's members "
                    + members.stream().map(GroupMember::name).toList());
        }
        if (sessionTimeout.toMillis() < 400) {
            throw new IllegalArgumentException(
                    "manager-zookeeper-session-timeout: at least 400 ms, got " + sessionTimeout.toMillis());
        }
        QuorumRules.check(
                members.stream()
                        .filter(m -> !m.activeWitness())
                        .map(GroupMember::name)
                        .toList(),
                members.stream()
                        .filter(GroupMember::activeWitness)
                        .map(GroupMember::name)
                        .toList(),
                passiveWitnesses);
    }

    /** This manager's member. */
    public GroupMember member() {
        return members.stream().filter(m -> m.name().equals(self)).findFirst().orElseThrow();
    }

    /** The ZooKeeper connect string: the existing ensemble, or every member's embedded peer. */
    public String connectString() {
        if (ensemble != null) {
            return ensemble;
        }
        return String.join(",", members.stream().map(GroupMember::clientAddress).toList());
    }

    /** Whether the managers run the ZooKeeper ensemble themselves. */
    public boolean embedded() {
        return ensemble == null;
    }

    /**
     * Whether the configuration asks for a manager group: {@code manager-group=true}, or a member
     * given on the command line.
     */
    public static boolean requested(Map<String, String> raw, @Nullable String selfFromCommandLine) {
        return selfFromCommandLine != null || "true".equalsIgnoreCase(raw.getOrDefault("manager-group", "false"));
    }

    /**
     * The group of a configuration file's dataservice: {@code members=} (datasources, and active
     * witnesses with {@code enable-active-witnesses=true}), {@code witnesses=},
     * {@code manager-zookeeper=} (an existing ensemble), {@code manager-zookeeper-client-port} /
     * {@code -peer-port} / {@code -election-port} (members sharing a host, as in a sandbox, add
     * their index among that host's members), {@code manager-zookeeper-data-dir},
     * {@code manager-zookeeper-session-timeout} (ms), {@code manager-witness-check} ({@code echo} or
     * {@code connect}), {@code manager-witness-port}.
     *
     * @param datasources the dataservice's datasources (members that are not active witnesses)
     * @param raw the file's keys for the dataservice ([defaults] overridden by its section)
     * @param selfFromCommandLine the member named on the command line, or null to find it from
     *        this host's addresses
     * @param localAddresses this host's addresses
     * @throws IllegalArgumentException naming the key, rule or hosts of a problem
     */
    public static GroupSettings fromConfig(
            String service,
            List<DatasourceAddress> datasources,
            Map<String, String> raw,
            @Nullable String selfFromCommandLine,
            Supplier<Set<InetAddress>> localAddresses) {
        boolean active = "true".equalsIgnoreCase(raw.getOrDefault("enable-active-witnesses", "false"));
        List<String> witnesses = list(raw.get("witnesses"));
        int clientPort = port(raw, "manager-zookeeper-client-port", DEFAULT_CLIENT_PORT);
        int peerPort = port(raw, "manager-zookeeper-peer-port", DEFAULT_PEER_PORT);
        int electionPort = port(raw, "manager-zookeeper-election-port", DEFAULT_ELECTION_PORT);
        Map<String, Integer> perHost = new HashMap<>();
        List<GroupMember> members = new ArrayList<>();
        for (DatasourceAddress d : datasources) {
            int i = perHost.merge(d.host(), 1, Integer::sum) - 1;
            members.add(new GroupMember(d.name(), d.host(), false, clientPort + i, peerPort + i, electionPort + i));
        }
        List<String> passive = new ArrayList<>();
        for (String w : witnesses) {
            String host = HostPort.parse(w, DEFAULT_WITNESS_PORT).host();
            if (active) {
                int i = perHost.merge(host, 1, Integer::sum) - 1;
                members.add(new GroupMember(host, host, true, clientPort + i, peerPort + i, electionPort + i));
            } else {
                passive.add(w);
            }
        }
        String self = selfFromCommandLine != null ? selfFromCommandLine : findSelf(members, localAddresses.get());
        String check = raw.getOrDefault("manager-witness-check", "echo").strip().toUpperCase(Locale.ROOT);
        WitnessCheck witnessCheck;
        try {
            witnessCheck = WitnessCheck.valueOf(check);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "manager-witness-check: expected echo or connect, got '" + raw.get("manager-witness-check") + "'");
        }
        String ensemble = raw.get("manager-zookeeper");
        if (ensemble != null && ensemble.isBlank()) {
            ensemble = null;
        }
        String dir = raw.get("manager-zookeeper-data-dir");
        Path dataDir = dir == null || dir.isBlank()
                ? Path.of("zookeeper-" + service + "-" + self.replace(':', '_'))
                : Path.of(dir.strip());
        long session = number(raw, "manager-zookeeper-session-timeout", DEFAULT_SESSION_TIMEOUT.toMillis());
        return new GroupSettings(
                service,
                self,
                members,
                passive,
                witnessCheck,
                port(raw, "manager-witness-port", DEFAULT_WITNESS_PORT),
                ensemble == null ? null : ensemble.strip(),
                dataDir,
                Duration.ofMillis(session));
    }

    /** The only member whose host is one of this host's addresses. */
    static String findSelf(List<GroupMember> members, Set<InetAddress> local) {
        List<String> mine = new ArrayList<>();
        for (GroupMember m : members) {
            try {
                for (InetAddress a : InetAddress.getAllByName(m.host())) {
                    if (local.contains(a)) {
                        mine.add(m.name());
                        break;
                    }
                }
            } catch (UnknownHostException e) {
                // not this host's, then
            }
        }
        if (mine.size() != 1) {
            throw new IllegalArgumentException("cannot tell which member of the manager group this manager is: "
                    + (mine.isEmpty()
                            ? "no member's host is an address of this host"
                            : "members " + String.join(", ", mine) + " are all on this host")
                    + " (give it with --member; members: "
                    + String.join(", ", members.stream().map(GroupMember::name).toList()) + ")");
        }
        return mine.get(0);
    }

    private static List<String> list(@Nullable String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String s : value.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
        }
        return out;
    }

    private static int port(Map<String, String> raw, String key, int fallback) {
        long p = number(raw, key, fallback);
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException(key + ": expected a port of 1-65535, got " + p);
        }
        return (int) p;
    }

    private static long number(Map<String, String> raw, String key, long fallback) {
        String v = raw.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected a number, got '" + v + "'");
        }
    }
}
