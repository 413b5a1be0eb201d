package dev.turnout.connector.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The application users of a Tungsten {@code user.map} file (named by {@code connector-user-map}).
 * One entry per line, fields separated by spaces or tabs:
 * <pre>
 * # user     password    service  [affinity]
 * app        s3cr3t#!    alpha
 * reporting  r3p0rt      alpha    db3,-db1
 * &#64;direct reporting
 * &#64;tls app
 * &#64;hostoption 10.0.0.7 qos=RO_RELAXED
 * </pre>
 * <ul>
 *   <li>{@code user password service [affinity]}: an application user, its password (any
 *       characters but whitespace, taken as UTF-8), the dataservice it connects to, and an optional
 *       {@link AffinitySetting} in the syntax of {@code connector-affinity};</li>
 *   <li>{@code @direct user}: that user's autocommit reads may go to replicas
 *       ({@link QosSetting#RO_RELAXED}); the user must be defined in the file;</li>
 *   <li>{@code @tls user}: that user must log in over TLS, as a MariaDB account with
 *       {@code REQUIRE SSL}: without it the login is refused as access denied (1045), which is
 *       also what MariaDB answers; the user must be defined in the file;</li>
 *   <li>{@code @hostoption host qos=RO_RELAXED|RW_STRICT}: sessions that connected to that local
 *       host name or address of the connector get that quality of service;</li>
 *   <li>lines starting with {@code #} and blank lines are ignored.</li>
 * </ul>
 * Anything else, a user or host given twice, and {@code @direct} or {@code @tls} of an unknown user are errors
 * of the form {@code user.map:3: expected "user password service [affinity]"}; every problem of
 * the file is reported at once. Whether the services exist is checked by {@link #validate}.
 *
 * <p>Immutable and safe to share between threads. {@link #toString()} never shows a password.
 */
public final class UserMap {

    /**
     * One application user.
     *
     * @param user     the user name, as written (case-sensitive, like MySQL's)
     * @param password the password as UTF-8 bytes; the record keeps its own copy and
     *                 {@link #password()} returns a fresh copy the caller may wipe
     * @param service  the dataservice (or composite) the user's sessions are served by
     * @param affinity the user's affinity; {@link AffinitySetting#NONE} when the line has none
     * @param direct   true when an {@code @direct} line names the user
     * @param requireTls true when an {@code @tls} line names the user: its sessions must use TLS
     */
    public record UserEntry(
            String user,
            byte[] password,
            String service,
            AffinitySetting affinity,
            boolean direct,
            boolean requireTls) {

        public UserEntry {
            Objects.requireNonNull(user, "user");
            password = Objects.requireNonNull(password, "password").clone();
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(affinity, "affinity");
        }

        /** A user that need not use TLS. */
        public UserEntry(String user, byte[] password, String service, AffinitySetting affinity, boolean direct) {
            this(user, password, service, affinity, direct, false);
        }

        /** A fresh copy on every call, for the caller to wipe. */
        @Override
        public byte[] password() {
            return password.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UserEntry e
                    && user.equals(e.user)
                    && Arrays.equals(password, e.password)
                    && service.equals(e.service)
                    && affinity.equals(e.affinity)
                    && direct == e.direct
                    && requireTls == e.requireTls;
        }

        @Override
        public int hashCode() {
            return Objects.hash(user, Arrays.hashCode(password), service, affinity, direct, requireTls);
        }

        /** The password shows as {@code ***}. */
        @Override
        public String toString() {
            return "UserEntry[user=" + user + ", password=***, service=" + service
                    + (affinity.isNone() ? "" : ", affinity=" + affinity) + (direct ? ", direct" : "")
                    + (requireTls ? ", tls" : "") + "]";
        }
    }

    static final String USER_SYNTAX = "expected \"user password service [affinity]\"";
    static final String DIRECT_SYNTAX = "expected \"@direct user\"";
    static final String TLS_SYNTAX = "expected \"@tls user\"";
    static final String HOST_OPTION_SYNTAX = "expected \"@hostoption host qos=RO_RELAXED|RW_STRICT\"";

    private final String source;
    private final Map<String, UserEntry> users;
    /** The line of each user, for {@link #validate}'s messages. */
    private final Map<String, Integer> lines;

    private final Map<String, QosSetting> hostOptions;

    private UserMap(
            String source,
            Map<String, UserEntry> users,
            Map<String, Integer> lines,
            Map<String, QosSetting> hostOptions) {
        this.source = source;
        this.users = Collections.unmodifiableMap(users);
        this.lines = lines;
        this.hostOptions = Collections.unmodifiableMap(hostOptions);
    }

    /**
     * Parses user map text; {@code sourceName} stands for the file name in messages.
     *
     * @throws ConfigException naming the source and line of every problem found
     */
    public static UserMap parse(String text, String sourceName) throws ConfigException {
        Problems problems = new Problems(sourceName);
        Map<String, String[]> fields = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        Map<String, Integer> directLines = new LinkedHashMap<>();
        Map<String, Integer> tlsLines = new LinkedHashMap<>();
        Map<String, QosSetting> hostOptions = new LinkedHashMap<>();
        Map<String, Integer> hostLines = new HashMap<>();
        Map<String, AffinitySetting> affinities = new HashMap<>();
        String[] textLines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < textLines.length; i++) {
            int lineNo = i + 1;
            String line = i == 0 && textLines[i].startsWith("\uFEFF") ? textLines[i].substring(1) : textLines[i];
            line = line.strip();
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f[0].startsWith("@")) {
                switch (f[0]) {
                    case "@direct" -> userDirective(f, lineNo, problems, directLines, DIRECT_SYNTAX);
                    case "@tls" -> userDirective(f, lineNo, problems, tlsLines, TLS_SYNTAX);
                    case "@hostoption" -> hostOption(f, lineNo, problems, hostOptions, hostLines);
                    default ->
                        problems.addLine(
                                lineNo,
                                "unknown directive " + Values.quote(f[0])
                                        + " (this version knows @direct, @tls and @hostoption)");
                }
                continue;
            }
            if (f.length < 3 || f.length > 4) {
                problems.addLine(lineNo, USER_SYNTAX);
                continue;
            }
            if (lines.containsKey(f[0])) {
                problems.addLine(
                        lineNo, "duplicate user " + Values.quote(f[0]) + " (first at line " + lines.get(f[0]) + ")");
                continue;
            }
            lines.put(f[0], lineNo);
            fields.put(f[0], f);
            if (f.length == 4) {
                try {
                    affinities.put(f[0], AffinitySetting.parse(f[3]));
                } catch (IllegalArgumentException e) {
                    problems.addLine(lineNo, "affinity: " + e.getMessage());
                }
            }
        }
        knownUsers("@direct", directLines, lines, problems);
        knownUsers("@tls", tlsLines, lines, problems);
        problems.throwIfAny();

        Map<String, UserEntry> users = new LinkedHashMap<>();
        fields.forEach((user, f) -> users.put(
                user,
                new UserEntry(
                        user,
                        f[1].getBytes(StandardCharsets.UTF_8),
                        f[2],
                        affinities.getOrDefault(user, AffinitySetting.NONE),
                        directLines.containsKey(user),
                        tlsLines.containsKey(user))));
        return new UserMap(sourceName, users, lines, hostOptions);
    }

    /** An {@code @direct user} or {@code @tls user} line, once per user. */
    private static void userDirective(
            String[] f, int lineNo, Problems problems, Map<String, Integer> seen, String syntax) {
        if (f.length != 2) {
            problems.addLine(lineNo, syntax);
        } else if (seen.containsKey(f[1])) {
            problems.addLine(
                    lineNo,
                    "duplicate " + f[0] + " of " + Values.quote(f[1]) + " (first at line " + seen.get(f[1]) + ")");
        } else {
            seen.put(f[1], lineNo);
        }
    }

    /** Each user a directive names must have its own line. */
    private static void knownUsers(
            String directive, Map<String, Integer> named, Map<String, Integer> lines, Problems problems) {
        named.forEach((user, lineNo) -> {
            if (!lines.containsKey(user)) {
                problems.addLine(
                        lineNo,
                        directive + " of unknown user " + Values.quote(user) + " (no \"" + user
                                + " password service\" line in this file)");
            }
        });
    }

    private static void hostOption(
            String[] f,
            int lineNo,
            Problems problems,
            Map<String, QosSetting> hostOptions,
            Map<String, Integer> hostLines) {
        if (f.length != 3 || !f[2].regionMatches(true, 0, "qos=", 0, 4)) {
            problems.addLine(lineNo, HOST_OPTION_SYNTAX);
            return;
        }
        String host = host(f[1]);
        if (host == null) {
            problems.addLine(lineNo, "@hostoption: " + Values.quote(f[1]) + " is not a host name or address");
            return;
        }
        QosSetting qos;
        try {
            qos = QosSetting.parse(f[2].substring(4));
        } catch (IllegalArgumentException e) {
            problems.addLine(lineNo, "@hostoption: qos: " + e.getMessage());
            return;
        }
        Integer first = hostLines.putIfAbsent(host, lineNo);
        if (first != null) {
            problems.addLine(
                    lineNo, "duplicate @hostoption for " + Values.quote(host) + " (first at line " + first + ")");
            return;
        }
        hostOptions.put(host, qos);
    }

    /** A host name or address in the form {@link #hostOptions()} keys it by; null when it is neither. */
    private static @Nullable String host(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        String host = lower.length() > 2 && lower.startsWith("[") && lower.endsWith("]")
                ? lower.substring(1, lower.length() - 1)
                : lower;
        return HostPort.isHostName(host) || HostPort.isIpv6Literal(host) ? host : null;
    }

    /**
     * Reads a user map file (UTF-8).
     *
     * @throws ConfigException naming the file (and the line, for a problem of its content)
     */
    public static UserMap load(Path file) throws ConfigException {
        String text;
        try {
            text = read(file);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /**
     * The text of a file, or an {@link IllegalArgumentException} whose message says what is wrong
     * with it without naming it (e.g. {@code no such file}).
     */
    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file", e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("not readable by this user", e);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not a UTF-8 text file", e);
        } catch (IOException e) {
            String reason = Files.isDirectory(file)
                    ? "a directory, not a file"
                    : "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
            throw new IllegalArgumentException(reason, e);
        }
    }

    /**
     * Checks that every user's service is one of {@code services} (the dataservice and composite
     * names of the configuration).
     *
     * @throws ConfigException naming the source and line of every user with an unknown service
     */
    public void validate(Set<String> services) throws ConfigException {
        Problems problems = new Problems(source);
        for (UserEntry entry : users.values()) {
            if (!services.contains(entry.service())) {
                problems.addLine(
                        Objects.requireNonNull(lines.get(entry.user()), "every user has the line it was read from"),
                        "service " + Values.quote(entry.service())
                                + " is not a dataservice of the configuration (dataservices: "
                                + String.join(", ", new TreeSet<>(services)) + ")");
            }
        }
        problems.throwIfAny();
    }

    /** The file name as given to {@link #parse} or {@link #load}. */
    public String source() {
        return source;
    }

    /** The entry of {@code name} (case-sensitive), if the file defines that user. */
    public Optional<UserEntry> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** Every user, in file order. */
    public List<UserEntry> users() {
        return List.copyOf(users.values());
    }

    /**
     * The {@code @hostoption} lines: the quality of service of sessions by the local host name or
     * address they connected to. Keys are in lower case, IPv6 literals without brackets (unmodifiable).
     */
    public Map<String, QosSetting> hostOptions() {
        return hostOptions;
    }

    /** The {@code @hostoption} of a local host name or address, compared as {@link #hostOptions()} keys them. */
    public Optional<QosSetting> hostOption(String hostOrAddress) {
        String host = host(hostOrAddress);
        return host == null ? Optional.empty() : Optional.ofNullable(hostOptions.get(host));
    }

    /** The source, the users with their services, and the host options; passwords show as {@code ***}. */
    @Override
    public String toString() {
        List<String> shown = new ArrayList<>();
        for (UserEntry entry : users.values()) {
            shown.add(entry.toString());
        }
        return "UserMap[source=" + source + ", users=" + shown + ", hostOptions=" + hostOptions + "]";
    }
}
