package dev.turnout.connector;

import dev.turnout.connector.config.ConfigException;
import dev.turnout.connector.config.ConnectorConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code turnout connector --config FILE [--service NAME]}: runs a connector until SIGTERM or
 * SIGINT, then stops accepting, lets running statements finish (bounded by
 * {@code connector-shutdown-timeout}) and exits 0.
 */
@Command(
        name = "connector",
        mixinStandardHelpOptions = true,
        description = "Run a connector for one dataservice of a tungsten.ini-style configuration file.")
public final class ConnectorCommand implements Callable<Integer> {

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
            description = "the dataservice to serve (default: the only dataservice of the file)")
    @Nullable
    String service;

    @Override
    public Integer call() throws InterruptedException {
        ConnectorConfig parsed;
        try {
            parsed = ConnectorConfig.load(config, service);
        } catch (ConfigException e) {
            System.err.println("turnout: " + e.getMessage());
            return 2;
        }
        ConnectorServer server;
        try {
            server = ConnectorServer.start(parsed);
        } catch (ConnectorStartException e) {
            System.err.println("turnout: " + e.getMessage());
            return 1;
        }
        awaitTermination();
        server.close();
        return 0;
    }

    /**
     * Blocks until SIGTERM or SIGINT. The signals are handled here rather than by a shutdown hook
     * so that a graceful stop exits with status 0, not 143.
     */
    static void awaitTermination() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        stop.await();
    }
}
