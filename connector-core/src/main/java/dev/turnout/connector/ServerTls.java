package dev.turnout.connector;

import dev.turnout.connector.config.TlsFiles;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Builds the server-side TLS context from the configured PEM files. Netty reads PKCS#8 keys
 * ({@code BEGIN PRIVATE KEY}); a PKCS#1 RSA key ({@code BEGIN RSA PRIVATE KEY}, what
 * {@code openssl genrsa -traditional} and many older tools write) is wrapped into PKCS#8 here, so
 * both forms that the configuration accepts work without Bouncy Castle. Stateless.
 */
final class ServerTls {

    private static final String PKCS1_BEGIN = "-----BEGIN RSA PRIVATE KEY-----";
    private static final String PKCS1_END = "-----END RSA PRIVATE KEY-----";
    /** AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters, DER. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private ServerTls() {}

    static SslContext context(TlsFiles files) throws IOException, GeneralSecurityException {
        String key = Files.readString(files.key(), StandardCharsets.US_ASCII);
        int begin = key.indexOf(PKCS1_BEGIN);
        if (begin < 0) {
            return SslContextBuilder.forServer(
                            files.certificate().toFile(), files.key().toFile())
                    .build();
        }
        int end = key.indexOf(PKCS1_END, begin);
        if (end < 0) {
            throw new GeneralSecurityException("no " + PKCS1_END + " line");
        }
        byte[] pkcs1 = Base64.getMimeDecoder().decode(key.substring(begin + PKCS1_BEGIN.length(), end));
        PrivateKey privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8(pkcs1)));
        X509Certificate[] chain;
        try (InputStream in = Files.newInputStream(files.certificate())) {
            chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in)
                    .toArray(new X509Certificate[0]);
        }
        return SslContextBuilder.forServer(privateKey, chain).build();
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
