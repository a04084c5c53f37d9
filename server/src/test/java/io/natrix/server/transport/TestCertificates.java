package io.natrix.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away PKI in a test's directory, made with {@code openssl}: a CA ({@code ca.pem}), a server certificate
 * for 127.0.0.1 ({@code server.pem}, {@code server-key.pem}) and client certificates ({@code <name>.pem},
 * {@code <name>-key.pem}, {@code <name>.p12} with password {@link #PASSWORD}); EC P-256 keys, valid one day.
 * Public for the TLS tests of other packages (the monitor's, for one). Not thread-safe: a test makes its
 * certificates before it starts servers and clients.
 */
public final class TestCertificates {
    public static final String PASSWORD = "natrix";
    private static final String CA_NAME = "Natrix Test CA";
    private static final String SERVER_ALT_NAMES = "IP:127.0.0.1,DNS:localhost";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /**
     * Makes the CA "CN=Natrix Test CA", the server certificate for IP 127.0.0.1 and DNS localhost, and one client
     * certificate per name.
     */
    public static TestCertificates create(Path dir, String... clients) throws Exception {
        return createNamed(dir, CA_NAME, SERVER_ALT_NAMES, clients);
    }

    /**
     * Makes the CA with common name {@code caName}, the server certificate with the subject alternative names
     * {@code serverAltNames} in openssl's form (such as "IP:127.0.0.1"), and one client certificate per name. (Not
     * an overload of {@link #create}: with varargs, a client's name could be taken for the CA's.)
     */
    public static TestCertificates createNamed(Path dir, String caName, String serverAltNames, String... clients)
            throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        certs.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "1", "-subj", "/CN=" + caName,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        certs.leaf("server", "subjectAltName=" + serverAltNames + "\nextendedKeyUsage=serverAuth\n");
        for (String client : clients) {
            certs.addClient(client, null);
        }
        return certs;
    }

    /**
     * Makes one more client certificate {@code CN=<name>}, with the subject alternative names {@code altNames} in
     * openssl's form (such as "email:alice@example.com"; null: none), and its {@code <name>.p12}.
     */
    public void addClient(String name, String altNames) throws Exception {
        String altNameLine = altNames == null ? "" : "subjectAltName=" + altNames + "\n";
        leaf(name, altNameLine + "extendedKeyUsage=clientAuth\n");
        openssl("pkcs12", "-export", "-in", name + ".pem", "-inkey", name + "-key.pem",
                "-out", name + ".p12", "-passout", "pass:" + PASSWORD);
    }

    /** The file {@code file} of this PKI, such as "server.pem" or "ca.pem". */
    public Path path(String file) {
        return dir.resolve(file);
    }

    /** The certificate in {@code <name>.pem}, such as "ca" or a client's name. */
    public X509Certificate certificate(String name) throws Exception {
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".pem"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /**
     * A client context that trusts the CA and presents {@code certName} (null: no certificate); {@code protocol}
     * is the JDK's context name, such as "TLS" or "TLSv1.2" (which offers no TLS 1.3).
     */
    public SSLContext sslContext(String certName, String protocol) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate("ca"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (certName != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve(certName + ".p12"))) {
                keys.load(in, PASSWORD.toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD.toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance(protocol);
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Runs a shell pipeline in the directory and returns its standard output, trimmed. */
    String shell(String pipeline) throws Exception {
        return run(List.of("sh", "-c", pipeline)).trim();
    }

    private void leaf(String name, String extensions) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + "-key.pem", "-out", name + ".csr", "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-out", name + ".pem", "-days", "1", "-extfile", name + ".ext");
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        run(command);
    }

    private String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", command, output).isZero();
        return output;
    }
}
