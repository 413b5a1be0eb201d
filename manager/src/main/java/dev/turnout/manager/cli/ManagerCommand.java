package dev.turnout.manager.cli;

import dev.turnout.connector.config.ConfigException;
import dev.turnout.manager.Manager;
import dev.turnout.manager.ManagerSettings;
import dev.turnout.push.PushServer;
import dev.turnout.routing.topology.Policy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
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
        Manager manager;
        try {
            manager = Manager.start(settings);
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
}
