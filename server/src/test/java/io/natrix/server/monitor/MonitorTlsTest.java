package io.natrix.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.NatsServer;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /connz for TLS clients: the TLS version and cipher suite as nats-server names them, and with auth=1 the client
 * certificate's subject and SHA-256 fingerprints; /varz says TLS is required and verified.
 */
class MonitorTlsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String PASSWORD = "natrix";

    @TempDir
    Path dir;

    @Test
    void connzShowsTlsVersionCipherAndPeerCertificates() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "1", "-subj", "/CN=Monitor Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        leaf("server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        leaf("client", "extendedKeyUsage=clientAuth\n");
        openssl("pkcs12", "-export", "-in", "client.pem", "-inkey", "client-key.pem", "-out", "client.p12",
                "-passout", "pass:" + PASSWORD);
        ServerOptions.Builder b = ServerOptions.builder();
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.httpHost = "127.0.0.1";
        b.httpPort = ServerOptions.RANDOM_PORT;
        // The handshake timeout is generous: a JVM's first TLS handshake can take seconds on a busy machine.
        b.tls = new ServerOptions.TlsOptions(dir.resolve("server.pem"), dir.resolve("server-key.pem"),
                dir.resolve("ca.pem"), true, false, TIMEOUT, false, List.of(), List.of());
        try (NatsServer server = new NatsServer(b.build())) {
            server.start();
            try (Connection nc = Nats.connect(new Options.Builder().server("tls://127.0.0.1:" + server.port())
                    .sslContext(sslContext()).maxReconnects(0).connectionTimeout(TIMEOUT).build())) {
                nc.flush(TIMEOUT);
                HttpClient http = HttpClient.newHttpClient();
                JsonNode conn = get(http, server, "/connz?auth=1").get("connections").get(0);
                assertThat(conn.get("tls_version").asText()).isIn("1.2", "1.3");
                assertThat(conn.get("tls_cipher_suite").asText()).startsWith("TLS_");
                JsonNode cert = conn.get("tls_peer_certs").get(0);
                X509Certificate client = certificate("client.pem");
                assertThat(cert.get("subject").asText()).isEqualTo("CN=client");
                assertThat(cert.get("cert_sha256").asText()).isEqualTo(sha256(client.getEncoded()));
                assertThat(cert.get("spki_sha256").asText()).isEqualTo(sha256(client.getPublicKey().getEncoded()));
                assertThat(get(http, server, "/connz").get("connections").get(0).has("tls_peer_certs"))
                        .as("peer certificates only with auth=1").isFalse();
                JsonNode varz = get(http, server, "/varz");
                assertThat(varz.get("tls_required").asBoolean()).isTrue();
                assertThat(varz.get("tls_verify").asBoolean()).isTrue();
                assertThat(varz.get("tls_timeout").asLong()).isEqualTo(TIMEOUT.toSeconds());
            }
        }
    }

    private static JsonNode get(HttpClient http, NatsServer server, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpPort() + path)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private X509Certificate certificate(String file) throws Exception {
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private SSLContext sslContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate("ca.pem"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("client.p12"))) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
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
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", command, output).isZero();
    }
}
