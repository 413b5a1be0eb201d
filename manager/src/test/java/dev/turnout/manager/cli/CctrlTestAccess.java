package dev.turnout.manager.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs cctrl commands against a manager's REST API and returns what they print (both streams). */
public final class CctrlTestAccess {

    private final CctrlCommand command = new CctrlCommand();

    public CctrlTestAccess(String url, String user, String password) {
        command.url = url;
        command.user = user;
        command.password = password;
    }

    public String run(String line) throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        command.run(line, out, out);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
