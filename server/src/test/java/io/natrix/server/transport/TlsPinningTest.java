package io.natrix.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.TestServer;
import io.natrix.server.client.ClientConnection;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls.pinned_certs} and {@code tls.min_version} end to end: configuration files through the loader, jnats
 * clients with certificates made by {@code openssl}, and a reload that changes the pins.
 */
class TlsPinningTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** How long jnats may take to give up on a connection the server refuses. */
    private static final Duration REFUSED_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(dir, "alice", "bob");
        alice = CertificatePins.keyId(certs.certificate("alice"));
        bob = CertificatePins.keyId(certs.certificate("bob"));
    }

    @Test
    void keyIdIsTheSha256OfTheSubjectPublicKeyInfoAsOpensslComputesIt() throws Exception {
        String openssl = certs.shell("openssl x509 -in alice.pem -noout -pubkey"
                + " | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1");
        assertThat(alice).isEqualTo(openssl).hasSize(64);
        byte[] encodedKey = certs.certificate("alice").getPublicKey().getEncoded();
        assertThat(alice).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encodedKey)));
        assertThat(bob).isNotEqualTo(alice);
    }

    @Test
    void pinnedClientConnectsAndAnUnpinnedOneIsClosed() throws Exception {
        Path conf = config("pinned_certs: [\"" + alice + "\"]");
        try (TestServer server = TestServer.fromConfig(conf)) {
            try (Connection nc = Nats.connect(jnats(server, "alice", "TLS"))) {
                roundTrip(nc);
                assertRefused(server, "bob", "TLS");
                assertThat(server.server().connections()).singleElement()
                        .satisfies(c -> assertThat(c.peerCertificate().getSubjectX500Principal().getName())
                                .isEqualTo("CN=alice"));
            }
        }
    }

    @Test
    void pinsWrittenInUpperCaseMatch() throws Exception {
        Path conf = config("pinned_certs: [\"" + bob.toUpperCase(Locale.ROOT) + "\", \"" + alice + "\"]");
        try (TestServer server = TestServer.fromConfig(conf);
             Connection nc = Nats.connect(jnats(server, "bob", "TLS"))) {
            roundTrip(nc);
        }
    }

    @Test
    void pinningWithoutVerifyRefusesEveryClient() throws Exception {
        // Without verify the server asks for no certificate, so no client has one to match (nats-server alike).
        Path conf = config("pinned_certs: [\"" + alice + "\"]").resolveSibling("no-verify.conf");
        Files.writeString(conf, Files.readString(dir.resolve("pinned.conf")).replace("verify: true", ""));
        try (TestServer server = TestServer.fromConfig(conf)) {
            assertRefused(server, "alice", "TLS");
        }
    }

    @Test
    void withHandshakeFirstAnUnpinnedClientGetsNoInfo() throws Exception {
        Path conf = config("pinned_certs: [\"" + alice + "\"]\n  handshake_first: true");
        try (TestServer server = TestServer.fromConfig(conf);
             SSLSocket socket = (SSLSocket) certs.sslContext("bob", "TLS").getSocketFactory()
                     .createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.startHandshake();
            // nats-server checks the pins before it writes its INFO; the refused client reads the end of the stream.
            assertThat(readAll(socket)).isEmpty();
            try (SSLSocket pinned = (SSLSocket) certs.sslContext("alice", "TLS").getSocketFactory()
                    .createSocket("127.0.0.1", server.port())) {
                pinned.setSoTimeout((int) TIMEOUT.toMillis());
                assertThat(new BufferedReader(new InputStreamReader(pinned.getInputStream(),
                        StandardCharsets.UTF_8)).readLine()).as("a pinned client is greeted").startsWith("INFO {");
            }
        }
    }

    @Test
    void aReloadAppliesNewPinsAndClosesClientsTheyRefuse() throws Exception {
        Path conf = config("pinned_certs: [\"" + bob + "\"]");
        try (TestServer server = TestServer.fromConfig(conf)) {
            assertRefused(server, "alice", "TLS");

            config("pinned_certs: [\"" + alice + "\"]");
            server.server().reload(reloaded(conf));
            CountDownLatch closed = new CountDownLatch(1);
            Options options = new Options.Builder(jnats(server, "alice", "TLS"))
                    .connectionListener((c, event) -> {
                        if (event == ConnectionListener.Events.CLOSED) {
                            closed.countDown();
                        }
                    }).build();
            try (Connection nc = Nats.connect(options)) {
                roundTrip(nc);

                config("pinned_certs: [\"" + bob + "\"]");
                server.server().reload(reloaded(conf));
                assertThat(closed.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                        .as("alice is closed once her pin is gone").isTrue();
            }
        }
    }

    @Test
    void aReloadThatChangesOtherTlsSettingsIsRefused() throws Exception {
        Path conf = config("min_version: \"1.2\"");
        try (TestServer server = TestServer.fromConfig(conf)) {
            config("min_version: \"1.3\"");
            assertThatThrownBy(() -> server.server().reload(reloaded(conf)))
                    .hasMessageStartingWith("config reload not supported for tls");
        }
    }

    @Test
    void minVersion13RefusesATls12OnlyClientAndAcceptsTls13() throws Exception {
        try (TestServer server = TestServer.fromConfig(config("min_version: \"1.3\""))) {
            assertRefused(server, "alice", "TLSv1.2");
            try (Connection nc = Nats.connect(jnats(server, "alice", "TLSv1.3"))) {
                roundTrip(nc);
                assertThat(server.server().connections()).singleElement()
                        .satisfies(c -> assertThat(c.tlsSession().getProtocol()).isEqualTo("TLSv1.3"));
            }
        }
    }

    @Test
    void minVersion12AcceptsATls12Client() throws Exception {
        try (TestServer server = TestServer.fromConfig(config("min_version: \"1.2\""));
             Connection nc = Nats.connect(jnats(server, "alice", "TLSv1.2"))) {
            roundTrip(nc);
            assertThat(server.server().connections()).singleElement()
                    .extracting(ClientConnection::tlsSession)
                    .satisfies(s -> assertThat(s.getProtocol()).isEqualTo("TLSv1.2"));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Writes {@code pinned.conf}: client TLS with verify and the extra tls lines given. */
    private static Path config(String tlsLines) throws Exception {
        Path conf = dir.resolve("pinned.conf");
        Files.writeString(conf, """
                tls {
                  cert_file: "%s"
                  key_file: "%s"
                  ca_file: "%s"
                  verify: true
                  %s
                }
                """.formatted(certs.path("server.pem"), certs.path("server-key.pem"), certs.path("ca.pem"), tlsLines));
        return conf;
    }

    /** The file's options as {@link TestServer#fromConfig} started them, for a reload. */
    private static ServerOptions reloaded(Path conf) {
        ServerOptions.Builder b = ConfigLoader.load(conf);
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        return b.build();
    }

    private static Options jnats(TestServer server, String certName, String protocol) throws Exception {
        return jnats(server, certName, protocol, TIMEOUT);
    }

    private static Options jnats(TestServer server, String certName, String protocol, Duration connectTimeout)
            throws Exception {
        return new Options.Builder()
                .server("tls://127.0.0.1:" + server.port())
                .sslContext(certs.sslContext(certName, protocol))
                .maxReconnects(0)
                .connectionTimeout(connectTimeout)
                .build();
    }

    /** jnats cannot connect: the server closes it after (or during) the handshake; jnats gives up in time. */
    private static void assertRefused(TestServer server, String certName, String protocol) throws Exception {
        Options options = jnats(server, certName, protocol, REFUSED_TIMEOUT);
        assertThatThrownBy(() -> Nats.connect(options).close()).isInstanceOf(Exception.class);
    }

    /** What the server sent until it closed the connection; a reset after its close ends the read too. */
    private static String readAll(SSLSocket socket) throws Exception {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
                read.write(buffer, 0, n);
            }
        } catch (SSLException | SocketException e) {
            // The server's close after the handshake can reach the client as an alert or a reset.
        }
        return read.toString(StandardCharsets.UTF_8);
    }

    private static void roundTrip(Connection nc) throws Exception {
        Subscription sub = nc.subscribe("pin.test");
        nc.flush(TIMEOUT);
        nc.publish("pin.test", "pinned".getBytes(StandardCharsets.UTF_8));
        Message m = sub.nextMessage(TIMEOUT);
        assertThat(m).isNotNull();
        assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("pinned");
    }
}
