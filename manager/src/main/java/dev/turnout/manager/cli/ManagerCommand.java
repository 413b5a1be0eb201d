package dev.turnout.manager.cli;

import dev.turnout.connector.config.ConfigException;
import dev.turnout.manager.Manager;
import dev.turnout.manager.ManagerSettings;
import dev.turnout.manager.group.GroupSettings;
import dev.turnout.push.PushServer;
import dev.turnout.routing.topology.Policy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code turnout manager --config FILE --service NAME}: runs the cluster manager of one dataservice. */
@Command(
        name = "manager",
        mixinStandardHelpOptions = true,
        description = "Run the cluster manager of one dataservice: monitor, topology push, REST API, switch.")
public final class ManagerCommand implements Callable<Integer> {

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "the tungsten.ini-style configuration file")
    @SuppressWarnings("NullAway.Init") // a required option: picocli sets it before call()
    Path config;

    @Option(
            names = {"-s", "--service"},
            paramLabel = "NAME",
            description = "the dataservice to manage (default: the only dataservice of the file)")
    @Nullable
    String service;

    @Option(
            names = "--push-address",
            paramLabel = "ADDRESS",
            defaultValue = "0.0.0.0",
            description = "the address connectors subscribe to (default: ${DEFAULT-VALUE})")
    @SuppressWarnings("NullAway.Init") // picocli sets it, to its default value if not given, before call()
    String pushAddress;

    @Option(
            names = "--push-port",
            paramLabel = "PORT",
            defaultValue = "" + PushServer.DEFAULT_PORT,
            description = "the port connectors subscribe to (default: ${DEFAULT-VALUE})")
    int pushPort;

    @Option(
            names = "--probe-interval",
            paramLabel = "MILLIS",
            defaultValue = "500",
            description = "how often every datasource is probed, in milliseconds (default: ${DEFAULT-VALUE})")
    long probeMillis;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            defaultValue = "automatic",
            description = "the policy at start: automatic or maintenance (default: ${DEFAULT-VALUE})")
    @SuppressWarnings("NullAway.Init") // picocli sets it, to its default value if not given, before call()
    String policy;

    @Option(
            names = "--failover-probes",
            paramLabel = "N",
            defaultValue = "" + ManagerSettings.DEFAULT_FAILOVER_PROBES,
            description =
                    "consecutive failed probes of the master before an automatic failover (default: ${DEFAULT-VALUE})")
    int failoverProbes;

    @Option(
            names = "--hold-timeout",
            paramLabel = "MILLIS",
            defaultValue = "10000",
            description = "how long a switch waits for the connectors to acknowledge its hold; one that has not by"
                    + " then is logged and left out (default: ${DEFAULT-VALUE})")
    long holdMillis;

    @Option(
            names = "--member",
            paramLabel = "NAME",
            description = "this manager's member of the manager group: a datasource's name or an active witness's"
                    + " host (default: found from this host's addresses, with manager-group=true)")
    @Nullable
    String member;

    @Override
    public Integer call() throws InterruptedException {
        ManagerSettings settings;
        try {
            settings = ManagerSettings.fromConfig(
                            config,
                            service,
                            new InetSocketAddress(pushAddress, pushPort),
                            Duration.ofMillis(probeMillis),
                            Policy.valueOf(policy.toUpperCase(Locale.ROOT)))
                    .withFailoverProbes(failoverProbes)
                    .withHoldTimeout(Duration.ofMillis(holdMillis));
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("turnout manager: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("turnout manager: cannot read " + config + ": " + e.getMessage());
            return 2;
        }
        GroupSettings group = null;
        try {
            Map<String, String> raw = ManagerSettings.rawSettings(config, settings.service());
            if (GroupSettings.requested(raw, member)) {
                group = GroupSettings.fromConfig(
                        settings.service(), settings.datasources(), raw, member, ManagerCommand::localAddresses);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("turnout manager: " + config + ": " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("turnout manager: cannot read " + config + ": " + e.getMessage());
            return 2;
        }
        Manager manager;
        try {
            manager = Manager.start(settings, group);
        } catch (IOException e) {
            System.err.println("turnout manager: " + e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        stop.await();
        manager.close();
        return 0;
    }

    /** Every address of this host's interfaces. */
    static Set<InetAddress> localAddresses() {
        Set<InetAddress> out = new HashSet<>();
        try {
            for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                out.addAll(Collections.list(i.getInetAddresses()));
            }
        } catch (SocketException e) {
            // none found: the member must be given with --member
        }
        return out;
    }
}
