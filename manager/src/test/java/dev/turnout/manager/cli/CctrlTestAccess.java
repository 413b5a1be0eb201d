package dev.turnout.manager.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs cctrl commands against a manager's REST API and returns what they print (both streams). */
public final class CctrlTestAccess {

    private final CctrlCommand command = new CctrlCommand();

    public CctrlTestAccess(String url, String user, String password) {
        command.url = url;
        command.user = user;
        command.password = password;
    }

    /** Over HTTPS, trusting {@code certificate}. */
    public CctrlTestAccess(String url, String user, String password, Path certificate) {
        this(url, user, password);
        command.trust = certificate;
    }

    public String run(String line) throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        command.run(line, out, out);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
