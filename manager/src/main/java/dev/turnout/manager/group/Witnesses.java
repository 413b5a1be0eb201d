package dev.turnout.manager.group;

import dev.turnout.connector.config.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The passive witnesses' check, on its own thread every interval: a manager that reaches none of
 * them counts itself as cut off and withdraws its vote. An echo check ({@code echo}, port 7 by
 * default) sends one byte and waits for it back; a connect check only opens the connection. Always
 * reachable when the group has no passive witness.
 */
public final class Witnesses implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Witnesses.class);
    private static final int TIMEOUT_MILLIS = 300;

    private final GroupSettings settings;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "turnout-witnesses");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean reachable = true;

    private Witnesses(GroupSettings settings) {
        this.settings = settings;
    }

    /** Checks every {@code intervalMillis}. */
    public static Witnesses start(GroupSettings settings, long intervalMillis) {
        Witnesses w = new Witnesses(settings);
        if (!settings.passiveWitnesses().isEmpty()) {
            w.timer.scheduleWithFixedDelay(w::check, 0, intervalMillis, TimeUnit.MILLISECONDS);
        }
        return w;
    }

    /** Whether at least one passive witness answered the last check (true without passive witnesses). */
    public boolean anyReachable() {
        return reachable;
    }

    private void check() {
        List<String> witnesses = settings.passiveWitnesses();
        boolean any = false;
        for (String w : witnesses) {
            if (answers(w)) {
                any = true;
                break;
            }
        }
        if (any != reachable) {
            log.warn(
                    any
                            ? "a passive witness answers again"
                            : "no passive witness of {} answers: this manager"
                                    + " counts itself as cut off and does not vote",
                    witnesses);
        }
        reachable = any;
    }

    private boolean answers(String witness) {
        HostPort hp = HostPort.parse(witness, settings.witnessPort());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hp.host(), hp.port()), TIMEOUT_MILLIS);
            if (settings.witnessCheck() == GroupSettings.WitnessCheck.CONNECT) {
                return true;
            }
            s.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write('t');
            out.flush();
            return in.read() == 't';
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
