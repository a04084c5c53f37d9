package io.natrix.cli.support;

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
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Client TLS from PEM files, as natscli takes them: {@code --tlsca} (trusted authorities), {@code --tlscert} and
 * {@code --tlskey} (client certificate; the key in PKCS#8, {@code BEGIN PRIVATE KEY}, RSA or EC).
 */
public final class Tls {

    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private Tls() {
    }

    /** An SSL context for the given files; any may be null (no CA: the JDK's trusted authorities). */
    public static SSLContext clientContext(String certFile, String keyFile, String caFile)
            throws IOException, GeneralSecurityException {
        if ((certFile == null) != (keyFile == null)) {
            throw new GeneralSecurityException("a client certificate needs both --tlscert and --tlskey");
        }
        TrustManagerFactory trust = null;
        if (caFile != null) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : certificates(caFile)) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
        }
        KeyManagerFactory keys = null;
        if (certFile != null) {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            Certificate[] chain = certificates(certFile).toArray(new Certificate[0]);
            store.setKeyEntry("client", privateKey(keyFile), password, chain);
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                null);
        return context;
    }

    private static Collection<? extends Certificate> certificates(String file)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new GeneralSecurityException("no certificate in " + file);
            }
            return certs;
        }
    }

    private static PrivateKey privateKey(String file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        Matcher m = PRIVATE_KEY.matcher(pem);
        if (!m.find()) {
            throw new GeneralSecurityException(file + " holds no PKCS#8 private key (BEGIN PRIVATE KEY)");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException tryNext) {
                // not this algorithm
            }
        }
        throw new GeneralSecurityException("unsupported private key in " + file);
    }
}
