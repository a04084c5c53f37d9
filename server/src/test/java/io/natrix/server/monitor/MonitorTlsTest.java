package io.natrix.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.NatsServer;
import io.natrix.server.config.ServerOptions;
import io.natrix.server.transport.TestCertificates;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /connz for TLS clients: the TLS version and cipher suite as nats-server names them, and with auth=1 the client
 * certificate's subject and SHA-256 fingerprints; /varz says TLS is required and verified.
 */
class MonitorTlsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void connzShowsTlsVersionCipherAndPeerCertificates() throws Exception {
        TestCertificates certs = TestCertificates.createNamed(dir, "Monitor Test CA", "IP:127.0.0.1", "client");
        ServerOptions.Builder b = ServerOptions.builder();
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.httpHost = "127.0.0.1";
        b.httpPort = ServerOptions.RANDOM_PORT;
        // The handshake timeout is generous: a JVM's first TLS handshake can take seconds on a busy machine.
        b.tls = new ServerOptions.TlsOptions(certs.path("server.pem"), certs.path("server-key.pem"),
                certs.path("ca.pem"), true, false, TIMEOUT, false, List.of(), List.of());
        try (NatsServer server = new NatsServer(b.build())) {
            server.start();
            try (Connection nc = Nats.connect(new Options.Builder().server("tls://127.0.0.1:" + server.port())
                    .sslContext(certs.sslContext("client", "TLS")).maxReconnects(0).connectionTimeout(TIMEOUT)
                    .build())) {
                nc.flush(TIMEOUT);
                HttpClient http = HttpClient.newHttpClient();
                JsonNode conn = get(http, server, "/connz?auth=1").get("connections").get(0);
                assertThat(conn.get("tls_version").asText()).isIn("1.2", "1.3");
                assertThat(conn.get("tls_cipher_suite").asText()).startsWith("TLS_");
                JsonNode cert = conn.get("tls_peer_certs").get(0);
                X509Certificate client = certs.certificate("client");
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
}
