package dev.turnout.manager.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.turnout.connector.config.ConfigException;
import dev.turnout.connector.config.Pem;
import dev.turnout.push.PushCodec;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code turnout cctrl}: the operator's console, a client of the manager's REST API. One-shot with
 * {@code -e "ls; switch to db2"}, otherwise an interactive loop on standard input.
 *
 * <p>Commands: {@code ls}; {@code switch [to HOST]}; {@code set policy automatic|maintenance};
 * {@code datasource HOST shun|recover|online|offline}; {@code router NAME online|onhold|offline};
 * {@code help}; {@code exit}.
 *
 * <p>The password comes from {@code --password-file}, else from the configuration file, else from
 * a prompt on the terminal; never from the command line, where every user of the host could read it
 * ({@code ps}, shell history). With {@code rest-api-ssl-certificate} in the configuration (or
 * {@code --trust-certificate}), cctrl speaks HTTPS and trusts exactly that certificate. Every POST
 * carries {@code X-Turnout-Request: 1}, which the API requires of state changes.
 */
@Command(
        name = "cctrl",
        mixinStandardHelpOptions = true,
        description =
                "The cluster console: ls, switch, set policy, datasource and router commands, via the manager's REST API.")
public final class CctrlCommand implements Callable<Integer> {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "read manager-rest-api-address, rest-api-admin-user/-password and rest-api-ssl-certificate"
                    + " from this file")
    @Nullable
    Path config;

    @Option(
            names = {"-s", "--service"},
            paramLabel = "NAME",
            description = "the dataservice of --config")
    @Nullable
    String service;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "the manager's REST API (default http://127.0.0.1:8090, or what --config says)")
    @Nullable
    String url;

    @Option(
            names = {"-u", "--user"},
            paramLabel = "USER",
            description = "the REST API user (default admin)")
    @Nullable
    String user;

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description = "read the REST API password from the first line of this file (keep it chmod 600)")
    @Nullable
    Path passwordFile;

    @Option(
            names = {"-p", "--password"},
            paramLabel = "PASSWORD",
            arity = "0..1",
            fallbackValue = "",
            description = "ask for the password on the terminal; a value given here is refused (it would be"
                    + " visible to every user of this host)")
    @Nullable
    String passwordOption;

    @Option(
            names = "--trust-certificate",
            paramLabel = "FILE",
            description = "speak HTTPS and trust this PEM certificate (default: rest-api-ssl-certificate of --config)")
    @Nullable
    Path trust;

    @Option(
            names = {"-e", "--execute"},
            paramLabel = "COMMANDS",
            description = "run these commands (separated by ';') and exit")
    @Nullable
    String execute;

    /** The password in use, once resolved. */
    @Nullable
    String password;

    private @Nullable HttpClient http;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (passwordOption != null && !passwordOption.isEmpty()) {
            System.err.println("turnout cctrl: refusing a password on the command line (every user of this host"
                    + " can read it with ps); use --password-file FILE, rest-api-admin-password in --config, or -p"
                    + " alone to be asked");
            return 2;
        }
        if (config != null) {
            try {
                CctrlTarget target = CctrlTarget.fromConfig(config, service);
                url = url == null ? target.url() : url;
                user = user == null ? target.user() : user;
                trust = trust == null ? target.trust() : trust;
                password = passwordOption == null ? target.password() : null;
            } catch (ConfigException e) {
                System.err.println("turnout cctrl: " + e.getMessage());
                return 2;
            }
        }
        url = url == null ? (trust == null ? "http" : "https") + "://127.0.0.1:8090" : url.replaceAll("/+$", "");
        user = user == null ? "admin" : user;
        if (passwordFile != null) {
            password = readPasswordFile(passwordFile);
        }
        if (password == null) {
            Console console = System.console();
            if (console == null) {
                System.err.println("turnout cctrl: no password: set rest-api-admin-password in --config, use"
                        + " --password-file FILE, or run cctrl on a terminal to be asked");
                return 2;
            }
            char[] typed = console.readPassword("Password of '%s' at %s: ", user, url);
            password = typed == null ? "" : new String(typed);
        }
        try {
            client();
        } catch (GeneralSecurityException e) {
            System.err.println("turnout cctrl: cannot trust " + trust + ": " + e.getMessage());
            return 2;
        }
        if (execute != null) {
            int status = 0;
            for (String command : execute.split(";")) {
                if (!command.isBlank()) {
                    status = Math.max(status, run(command.strip(), System.out, System.err));
                }
            }
            return status;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (true) {
            System.out.print("[LOGICAL] /" + (service == null ? "" : service) + " > ");
            System.out.flush();
            String line = in.readLine();
            if (line == null || line.strip().equals("exit") || line.strip().equals("quit")) {
                return 0;
            }
            if (!line.isBlank()) {
                run(line.strip(), System.out, System.out);
            }
        }
    }

    /** The first line of {@code file}; warns when others than its owner may read it. */
    static String readPasswordFile(Path file) throws IOException {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                System.err.println("turnout cctrl: warning: " + file + " is readable by others than its owner"
                        + " (chmod 600 it)");
            }
        } catch (UnsupportedOperationException notPosix) {
            // nothing to check
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.isEmpty() ? "" : lines.get(0);
    }

    private HttpClient client() throws IOException, GeneralSecurityException {
        HttpClient c = http;
        if (c == null) {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
            if (trust != null) {
                b.sslContext(Pem.trustingContext(trust));
            }
            c = b.build();
            http = c;
        }
        return c;
    }

    /** Runs one command; 0 when it succeeded, 1 when the manager refused it or could not be reached. */
    int run(String command, PrintStream out, PrintStream err) throws InterruptedException {
        String[] w = command.split("\\s+");
        try {
            if (w[0].equals("ls") && w.length == 1) {
                out.print(LsFormat.render(get("/api/v1/status")));
                return 0;
            }
            if (w[0].equals("switch") && (w.length == 1 || (w.length == 3 && w[1].equals("to")))) {
                JsonNode r = post("/api/v1/switch" + (w.length == 3 ? "?to=" + enc(w[2]) : ""));
                out.println("SWITCH TO '" + r.path("master").asText() + "' SUCCEEDED (topology version "
                        + r.path("version").asText() + ")");
                return 0;
            }
            if (w[0].equals("set") && w.length == 3 && w[1].equals("policy")) {
                JsonNode r = post("/api/v1/policy?value=" + enc(w[2]));
                out.println("policy is now " + r.path("policy").asText());
                return 0;
            }
            if (w[0].equals("datasource") && w.length == 3) {
                post("/api/v1/datasource/" + enc(w[1]) + "/" + enc(w[2]));
                out.println("datasource '" + w[1] + "' " + w[2] + ": done");
                return 0;
            }
            if (w[0].equals("router") && w.length == 3) {
                post("/api/v1/router/" + enc(w[1]) + "/" + enc(w[2]));
                out.println("router '" + w[1] + "' " + w[2] + ": done");
                return 0;
            }
            if (w[0].equals("help")) {
                out.println("ls | switch [to HOST] | set policy automatic|maintenance"
                        + " | datasource HOST shun|recover|online|offline | router NAME online|onhold|offline | exit");
                return 0;
            }
            err.println("unknown command '" + command + "'; try help");
            return 1;
        } catch (IOException e) {
            err.println("ERROR: " + e.getMessage());
            return 1;
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
    }

    private JsonNode post(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url + path))
                .header("X-Turnout-Request", "1")
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = client().send(
                            request.header("Authorization", "Basic " + auth)
                                    .timeout(Duration.ofSeconds(60))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("manager at " + url + " unreachable: " + e, e);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + trust + ": " + e.getMessage(), e);
        }
        JsonNode body;
        try {
            body = PushCodec.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new IOException("manager answered " + response.statusCode() + " with no JSON", e);
        }
        if (response.statusCode() != 200) {
            throw new IOException(body.path("error").asText("HTTP " + response.statusCode()));
        }
        return body;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
