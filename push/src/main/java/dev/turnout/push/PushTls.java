package dev.turnout.push;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS of the push connections, with the JDK's own TLS 1.3 over a plain socket the caller keeps
 * (so that it can close the connection at once, whatever a blocked reader or writer is doing).
 *
 * <p>The manager presents a {@link SelfSignedCertificate} made at start. The connector accepts
 * any certificate in the TLS handshake and authenticates the manager afterwards: the manager's
 * proof of the shared secret covers {@link #certificateHash} of the certificate the connector was
 * shown, so a man in the middle with a certificate of its own cannot pass on the real manager's
 * proof, and without the secret cannot make one ({@link PushHandshake}).
 *
 * <p>Immutable and thread-safe.
 */
final class PushTls {

    private static final String PROTOCOL = "TLSv1.3";

    private final SSLContext context;
    private final boolean server;
    private final byte[] ownCertificateHash;

    private PushTls(SSLContext context, boolean server, byte[] ownCertificateHash) {
        this.context = context;
        this.server = server;
        this.ownCertificateHash = ownCertificateHash;
    }

    /** The manager's side, with a new self-signed certificate. */
    static PushTls server(SecureRandom random) {
        SelfSignedCertificate own = SelfSignedCertificate.generate("turnout-manager", random);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("push", own.keys().getPrivate(), password, new Certificate[] {own.certificate()});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(keys.getKeyManagers(), null, random);
            return new PushTls(context, true, certificateHash(own.certificate()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS for the push server: " + e.getMessage(), e);
        }
    }

    /** The connector's side: any certificate passes the TLS handshake; the secret's proof decides. */
    static PushTls client(SecureRandom random) {
        try {
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(null, new TrustManager[] {new CheckedByProof()}, random);
            return new PushTls(context, false, new byte[0]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for the push client: " + e.getMessage(), e);
        }
    }

    /**
     * TLS over {@code raw}, handshake done. Closing {@code raw} ends it; bound the handshake by
     * closing {@code raw} from another thread.
     *
     * @throws IOException when the handshake fails (the peer does not speak TLS 1.3, or went away)
     */
    SSLSocket open(Socket raw) throws IOException {
        SSLSocket ssl = (SSLSocket) context.getSocketFactory()
                .createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
        ssl.setUseClientMode(!server);
        ssl.setEnabledProtocols(new String[] {PROTOCOL});
        ssl.startHandshake();
        return ssl;
    }

    /**
     * The hash the proofs of the handshake cover: of this side's certificate on the manager, of
     * the certificate the peer showed on the connector.
     */
    byte[] channelBinding(SSLSocket ssl) throws IOException {
        if (server) {
            return ownCertificateHash.clone();
        }
        Certificate[] chain = ssl.getSession().getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate peer)) {
            throw new IOException("the manager showed no X.509 certificate");
        }
        return certificateHash(peer);
    }

    /** SHA-256 of the certificate's DER, as RFC 5929's tls-server-end-point binding. */
    static byte[] certificateHash(X509Certificate certificate) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash a certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Trusts every server certificate in the TLS handshake: the manager is authenticated right after
     * it, by a proof of the shared secret bound to the certificate's hash. Never asked about a client.
     */
    private static final class CheckedByProof extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a push client does not authenticate clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a push client does not authenticate clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a push client does not authenticate clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
