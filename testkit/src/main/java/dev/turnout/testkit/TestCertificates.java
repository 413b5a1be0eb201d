package dev.turnout.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made with {@code openssl} when a test starts, in a directory of the test's: a CA,
 * a server certificate it signed for the IP address 127.0.0.1 only (no DNS name, so that a
 * connection to {@code localhost} does not match it), and a second, unrelated CA. Nothing is
 * committed; {@link #available()} tells whether openssl is installed.
 *
 * @param ca          the CA that signed {@code certificate} (PEM)
 * @param certificate the server certificate, subjectAltName IP:127.0.0.1, serverAuth (PEM)
 * @param key         its unencrypted private key (PKCS#8 PEM)
 * @param otherCa     a CA that signed nothing here (PEM)
 */
public record TestCertificates(Path ca, Path certificate, Path key, Path otherCa) {

    public static boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "openssl"))) {
                return true;
            }
        }
        return false;
    }

    /** Makes the files in {@code dir} (about a second of RSA key generation). */
    public static TestCertificates make(Path dir) throws Exception {
        String ca = "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign";
        run(
                dir,
                "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 -subj /CN=turnout-test-ca "
                        + ca);
        run(
                dir,
                "openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days 1"
                        + " -subj /CN=turnout-other-ca " + ca);
        run(dir, "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1");
        Files.writeString(
                dir.resolve("server.ext"),
                "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                        + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        run(
                dir,
                "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -out server.pem"
                        + " -extfile server.ext");
        return new TestCertificates(
                dir.resolve("ca.pem"),
                dir.resolve("server.pem"),
                dir.resolve("server.key"),
                dir.resolve("other-ca.pem"));
    }

    /** Runs a command (words separated by spaces) in {@code dir}, at most 60 s; fails on a non-zero exit. */
    private static void run(Path dir, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command.split(" ")))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IOException(command + " did not finish within 60 s: " + output);
            }
            if (process.exitValue() != 0) {
                throw new IOException(command + " exited with " + process.exitValue() + ": " + output);
            }
        } finally {
            process.destroyForcibly();
        }
    }
}
