package dev.turnout.connector;

import dev.turnout.connector.config.DataserviceConfig;
import dev.turnout.connector.config.HostPort;
import dev.turnout.push.SnapshotCheck;
import dev.turnout.routing.topology.Dataservice;
import dev.turnout.routing.topology.Datasource;
import dev.turnout.routing.topology.TopologySnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a snapshot pushed by a manager must be before the connector routes by it: it describes the
 * connector's dataservice, and every datasource of it is a configured member, at the member's
 * address and under the member's name. Sessions open backends (and log in with the application's
 * credentials) at the addresses of the topology, so a snapshot that points elsewhere — a forged one,
 * or a manager configured with other members — is refused rather than followed.
 *
 * <p>Immutable and thread-safe.
 */
final class PushedTopologyCheck implements SnapshotCheck {

    private final String service;
    /** Configured members by {@code host:port} (host in lower case), with their datasource names. */
    private final Map<HostPort, String> members = new HashMap<>();

    PushedTopologyCheck(DataserviceConfig dataservice) {
        this.service = dataservice.name();
        for (HostPort member : dataservice.members()) {
            members.put(member, dataservice.datasourceName(member));
        }
    }

    @Override
    public @Nullable String refusal(TopologySnapshot offered) {
        Dataservice pushed = offered.dataservices().get(service);
        if (pushed == null) {
            return "it has no dataservice '" + service + "' (it has "
                    + offered.dataservices().keySet() + ")";
        }
        for (Datasource d : pushed.datasources()) {
            HostPort address;
            try {
                address = new HostPort(d.host().toLowerCase(Locale.ROOT), d.port());
            } catch (IllegalArgumentException e) {
                return "datasource '" + d.name() + "' has an invalid address: " + e.getMessage();
            }
            String name = members.get(address);
            if (name == null) {
                return "datasource '" + d.name() + "' at " + address + " is not a member of '" + service
                        + "' in the configuration " + List.copyOf(members.keySet());
            }
            if (!name.equals(d.name())) {
                return "datasource '" + d.name() + "' has the address of member '" + name + "'";
            }
        }
        return null;
    }
}
