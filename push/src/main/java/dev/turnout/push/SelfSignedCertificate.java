package dev.turnout.push;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A fresh EC P-256 key pair and a self-signed X.509 v3 certificate for it, which a manager
 * presents on its push port. The JDK can sign but has no public API to build a certificate, so
 * this writes the few DER structures of RFC 5280 itself (no extensions).
 *
 * <p>Nobody has to trust this certificate: a connector authenticates the manager by the shared
 * secret, with a proof that covers the hash of the certificate it was shown
 * ({@link PushHandshake}), so a certificate of anybody else fails the proof.
 *
 * @param keys the key pair
 * @param certificate the certificate of {@code keys.getPublic()}, signed by {@code keys.getPrivate()}
 */
record SelfSignedCertificate(KeyPair keys, X509Certificate certificate) {

    private static final byte[] ECDSA_WITH_SHA256 = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x04, 0x03, 0x02};
    private static final byte[] COMMON_NAME = {0x55, 0x04, 0x03};

    /** A new key pair and certificate for {@code commonName}, valid from an hour ago for 100 years. */
    static SelfSignedCertificate generate(String commonName, SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair keys = generator.generateKeyPair();
            byte[] algorithm = sequence(tlv(0x06, ECDSA_WITH_SHA256));
            byte[] name = sequence(tlv(0x31, sequence(tlv(0x06, COMMON_NAME), utf8(commonName))));
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
            byte[] validity = sequence(
                    tlv(0x17, ascii(now.minusHours(1).format(DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")))),
                    tlv(0x18, ascii(now.plusYears(100).format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'")))));
            byte[] tbs = sequence(
                    tlv(0xA0, tlv(0x02, new byte[] {2})), // [0] EXPLICIT version v3
                    tlv(0x02, new BigInteger(63, random).add(BigInteger.ONE).toByteArray()),
                    algorithm,
                    name,
                    validity,
                    name,
                    keys.getPublic().getEncoded()); // SubjectPublicKeyInfo, DER already
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate(), random);
            signer.update(tbs);
            byte[] signature = signer.sign();
            byte[] bitString = new byte[signature.length + 1]; // no unused bits
            System.arraycopy(signature, 0, bitString, 1, signature.length);
            byte[] der = sequence(tbs, algorithm, tlv(0x03, bitString));
            X509Certificate certificate = (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            certificate.verify(keys.getPublic());
            return new SelfSignedCertificate(keys, certificate);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] utf8(String text) {
        return tlv(0x0C, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        return tlv(0x30, content.toByteArray());
    }

    /** One DER element: tag, definite length (short or long form), content. */
    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : 3;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
