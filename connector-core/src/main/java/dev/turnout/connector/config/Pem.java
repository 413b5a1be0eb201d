package dev.turnout.connector.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads the PEM files of a TLS identity with the JDK alone: a certificate chain and an unencrypted
 * private key, PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC or EdDSA) or PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}, what {@code openssl genrsa -traditional} and many older tools
 * write, wrapped into PKCS#8 here), so no Bouncy Castle is needed. Builds the JDK
 * {@link SSLContext}s of the REST APIs (server side) and of their clients (trusting a configured
 * certificate). Stateless.
 */
public final class Pem {

    private static final long MAX_PEM_BYTES = 1024 * 1024;

    /**
     * Checks a configured PEM file now ({@code marker} ends its BEGIN line, e.g. {@code CERTIFICATE-----}),
     * so that a bad path fails at start; the operator message follows the key.
     */
    static Path checkedFile(Path path, String marker, String what) {
        String quoted = Values.quote(path.toString());
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(quoted + " does not exist");
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(quoted + " is not a regular file");
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(quoted + " is not readable by this user");
        }
        String text;
        try {
            if (Files.size(path) > MAX_PEM_BYTES) {
                throw new IllegalArgumentException(quoted + " is too large for a PEM file (over 1M)");
            }
            text = Files.readString(path, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    quoted + " cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        if (!text.contains("-----BEGIN ") || !text.contains(marker)) {
            throw new IllegalArgumentException(
                    quoted + " is not a PEM " + what + " (no -----BEGIN ..." + marker + " line)");
        }
        return path;
    }

    private static final String PKCS1_BEGIN = "-----BEGIN RSA PRIVATE KEY-----";
    private static final String PKCS1_END = "-----END RSA PRIVATE KEY-----";
    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";
    /** AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters, DER. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

    private Pem() {}

    /** Whether {@code file} holds a PKCS#1 RSA key ({@code BEGIN RSA PRIVATE KEY}). */
    public static boolean isPkcs1(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII).contains(PKCS1_BEGIN);
    }

    /** The private key of {@code file}, PKCS#8 or PKCS#1, unencrypted. */
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        if (text.contains(PKCS1_BEGIN)) {
            byte[] pkcs1 = block(text, PKCS1_BEGIN, PKCS1_END);
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8(pkcs1)));
        }
        byte[] der = block(text, PKCS8_BEGIN, PKCS8_END);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException wrongAlgorithm) {
                // try the next one
            }
        }
        throw new GeneralSecurityException(file + ": a PKCS#8 key of none of " + KEY_ALGORITHMS);
    }

    /** The certificates of {@code file}, leaf first. */
    public static X509Certificate[] certificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            X509Certificate[] chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in)
                    .toArray(new X509Certificate[0]);
            if (chain.length == 0) {
                throw new GeneralSecurityException(file + ": no certificate");
            }
            return chain;
        }
    }

    /** A server-side TLS context that presents {@code files}' certificate and key. */
    public static SSLContext serverContext(TlsFiles files) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] none = new char[0];
        store.setKeyEntry("rest-api", privateKey(files.key()), none, certificates(files.certificate()));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, none);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /**
     * A client-side TLS context that trusts exactly the certificates of {@code certificate} (a
     * self-signed certificate or a CA), not the JDK's default authorities.
     */
    public static SSLContext trustingContext(Path certificate) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate c : certificates(certificate)) {
            store.setCertificateEntry("trusted-" + i++, c);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static byte[] block(String text, String begin, String end) throws GeneralSecurityException {
        int from = text.indexOf(begin);
        if (from < 0) {
            throw new GeneralSecurityException("no " + begin + " line");
        }
        int to = text.indexOf(end, from);
        if (to < 0) {
            throw new GeneralSecurityException("no " + end + " line");
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, rsaEncryption, OCTET STRING pkcs1 } (RFC 5208). */
    private static byte[] pkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        writeLength(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.write(0x30);
        writeLength(info, body.size());
        info.writeBytes(body.toByteArray());
        return info.toByteArray();
    }

    /** A DER length: short form below 128, else 0x80 + the number of big-endian length bytes. */
    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write(length >>> (8 * i));
        }
    }
}
