package io.natrix.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.TestServer;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client TLS end to end with jnats and raw sockets: plaintext INFO then TLS, handshake first, client certificates,
 * and what a client that does not speak TLS gets. The certificates are made with {@code openssl} for each run.
 */
class TlsClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /**
     * The server's TLS handshake timeout where a handshake must succeed: a JVM's first handshakes (JSSE warming up)
     * can take seconds on a busy machine. Tests of the timeout itself use a short one.
     */
    private static final Duration HANDSHAKE = TIMEOUT;

    @TempDir
    static Path dir;
    private static TestCertificates certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(dir, "client");
        certs.addClient("mapped", "email:alice@example.com");
    }

    @Test
    void tlsPlaintextInfoThenEncryptedRoundTrip() throws Exception {
        try (TestServer server = TestServer.start(tls(false, false, HANDSHAKE));
             Connection nc = Nats.connect(jnats(server, false, false).build())) {
            assertThat(nc.getServerInfo().isTLSRequired()).isTrue();
            roundTrip(nc);
        }
    }

    @Test
    void tlsInfoFieldsInNatsServerOrder() throws Exception {
        try (TestServer server = TestServer.start(tls(true, false, Duration.ofSeconds(2)));
             RawClient raw = new RawClient(server.port())) {
            String info = raw.readLine();
            assertThat(info).startsWith("INFO {")
                    .contains("\"headers\":true,\"tls_required\":true,\"tls_verify\":true,\"max_payload\":");
        }
    }

    @Test
    void tlsWithoutTlsInInfoWhenNotConfigured() throws Exception {
        try (TestServer server = TestServer.start(); RawClient raw = new RawClient(server.port())) {
            assertThat(raw.readLine()).doesNotContain("tls_");
        }
    }

    @Test
    void tlsVerifyRefusesClientWithoutCertificate() throws Exception {
        try (TestServer server = TestServer.start(tls(true, false, Duration.ofSeconds(2)))) {
            // The handshake fails on the server (certificate_required); jnats gives up within its connect timeout.
            Options options = jnats(server, false, false).connectionTimeout(Duration.ofSeconds(2)).build();
            assertThatThrownBy(() -> Nats.connect(options).close()).isInstanceOf(Exception.class);
        }
    }

    @Test
    void tlsVerifyAcceptsClientCertificate() throws Exception {
        try (TestServer server = TestServer.start(tls(true, false, HANDSHAKE));
             Connection nc = Nats.connect(jnats(server, true, false).build())) {
            assertThat(nc.getServerInfo().isTLSRequired()).isTrue();
            roundTrip(nc);
        }
    }

    @Test
    void tlsHandshakeFirstWithJnats() throws Exception {
        try (TestServer server = TestServer.start(tls(false, true, HANDSHAKE));
             Connection nc = Nats.connect(jnats(server, false, true).build())) {
            roundTrip(nc);
        }
    }

    @Test
    void tlsHandshakeFirstSendsNoPlaintextInfo() throws Exception {
        try (TestServer server = TestServer.start(tls(false, true, Duration.ofMillis(200)));
             RawClient raw = new RawClient(server.port())) {
            // Nothing comes before the handshake; when it never starts, the timeout closes without a word.
            assertThat(raw.readLine()).isNull();
        }
    }

    @Test
    void tlsPlaintextClientIsClosed() throws Exception {
        try (TestServer server = TestServer.start(tls(false, false, Duration.ofSeconds(2)));
             RawClient raw = new RawClient(server.port())) {
            assertThat(raw.readLine()).contains("\"tls_required\":true");
            raw.send("CONNECT {\"verbose\":false}\r\nPING\r\n");
            // The plaintext CONNECT fails the handshake: the connection closes without a PONG.
            assertThat(raw.readLine()).isNull();
        }
    }

    @Test
    void tlsHandshakeTimeoutClosesWithoutAWord() throws Exception {
        // nats-server 2.9.10 means to send -ERR 'Secure Connection - TLS Required' here, but its handshake's read
        // deadline closes the connection first and nothing reaches the client (checked live).
        try (TestServer server = TestServer.start(tls(false, false, Duration.ofMillis(200)));
             RawClient raw = new RawClient(server.port())) {
            assertThat(raw.readLine()).contains("\"tls_required\":true");
            assertThat(raw.readLine()).isNull();
        }
    }

    @Test
    void tlsMissingCertificateFailsStart() {
        ServerOptions.TlsOptions missing = new ServerOptions.TlsOptions(dir.resolve("nope.pem"),
                certs.path("server-key.pem"), null, false, false, Duration.ofSeconds(2), false, List.of(), List.of());
        assertThatThrownBy(() -> TestServer.start(b -> b.tls = missing)).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void verifyAndMapTakesTheUserFromTheCertificateSubject() throws Exception {
        try (TestServer server = TestServer.start(mapped("CN=client", "someone-else"));
             Connection nc = Nats.connect(jnats(server, "client", false).build())) {
            roundTrip(nc);
            assertThat(server.server().connections()).singleElement()
                    .satisfies(c -> assertThat(c.user()).isEqualTo("CN=client"));
        }
    }

    @Test
    void verifyAndMapPrefersTheEmailAlternativeName() throws Exception {
        try (TestServer server = TestServer.start(mapped("alice@example.com", "CN=mapped"));
             Connection nc = Nats.connect(jnats(server, "mapped", false).build())) {
            roundTrip(nc);
            assertThat(server.server().connections()).singleElement()
                    .satisfies(c -> assertThat(c.user()).isEqualTo("alice@example.com"));
        }
    }

    @Test
    void verifyAndMapRefusesACertificateThatNamesNoUser() throws Exception {
        try (TestServer server = TestServer.start(mapped("CN=nobody", "bob"))) {
            // A password does not help: with verify_and_map the certificate alone decides.
            assertThatThrownBy(() -> Nats.connect(jnats(server, "client", false).userInfo("bob", "x").build()))
                    .hasMessageContaining("Authorization Violation");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** TLS with verify_and_map, and users with these names (no passwords). */
    private static Consumer<ServerOptions.Builder> mapped(String... users) {
        return b -> {
            b.tls = new ServerOptions.TlsOptions(certs.path("server.pem"), certs.path("server-key.pem"),
                    certs.path("ca.pem"), true, true, HANDSHAKE, false, List.of(), List.of());
            List<Object> list = new ArrayList<>();
            for (String user : users) {
                list.add(java.util.Map.of("user", user));
            }
            b.rawConfig = java.util.Map.of("authorization", java.util.Map.of("users", list));
        };
    }

    private static Consumer<ServerOptions.Builder> tls(boolean verify, boolean handshakeFirst, Duration timeout) {
        return b -> b.tls = new ServerOptions.TlsOptions(certs.path("server.pem"), certs.path("server-key.pem"),
                certs.path("ca.pem"), verify, false, timeout, handshakeFirst, List.of(), List.of());
    }

    private static Options.Builder jnats(TestServer server, boolean clientCert, boolean tlsFirst) throws Exception {
        return jnats(server, clientCert ? "client" : null, tlsFirst);
    }

    /** jnats over TLS, presenting the certificate {@code certName} (null: none). */
    private static Options.Builder jnats(TestServer server, String certName, boolean tlsFirst) throws Exception {
        Options.Builder b = new Options.Builder()
                .server("tls://127.0.0.1:" + server.port())
                .sslContext(certs.sslContext(certName, "TLS"))
                .maxReconnects(0)
                .connectionTimeout(TIMEOUT);
        return tlsFirst ? b.tlsFirst() : b;
    }

    private static void roundTrip(Connection nc) throws Exception {
        Subscription sub = nc.subscribe("tls.test");
        nc.flush(TIMEOUT);
        nc.publish("tls.test", "secret".getBytes(StandardCharsets.UTF_8));
        Message m = sub.nextMessage(TIMEOUT);
        assertThat(m).isNotNull();
        assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("secret");
    }

    /** A plain TCP client that reads CRLF lines, with a bounded wait on every read. */
    private static final class RawClient implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        RawClient(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        /** The next line without its CRLF, or null once the server has closed the connection. */
        String readLine() throws IOException {
            try {
                return in.readLine();
            } catch (SocketException e) {
                return null; // a reset after the server's close counts as closed
            }
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
