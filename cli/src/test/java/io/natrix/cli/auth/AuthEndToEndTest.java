package io.natrix.cli.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.server.NatsServer;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decentralized auth end to end: an operator, accounts and users made by {@code natrix auth}, a server started
 * from the configuration {@code auth operator config} prints (full resolver), and jnats clients connecting with
 * the creds files {@code auth user credential} writes; then permissions, revocation and {@code account push}.
 */
class AuthEndToEndTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REFUSED_CONNECT_TIMEOUT = Duration.ofMillis(2000);

    @TempDir
    Path dir;

    private CliHarness cli;
    private NatsServer server;

    @BeforeEach
    void setUp() throws Exception {
        cli = CliHarness.withoutServer(dir);
        ok(cli.run("auth", "operator", "add", "DEMO"));
        ok(cli.run("auth", "account", "add", "APP", "--jetstream", "--js-disk", "1GB", "--js-memory", "64MB",
                "--js-streams", "5"));
        ok(cli.run("auth", "user", "add", "alice", "APP"));
        ok(cli.run("auth", "user", "add", "bob", "APP", "--pub-deny", "x"));

        Path config = dir.resolve("server.conf");
        Result wrote = ok(cli.run("auth", "operator", "config", "--resolver-dir", dir.resolve("jwt").toString(),
                "--output", config.toString()));
        assertThat(wrote.out()).isEqualTo("Wrote server configuration for operator DEMO to " + config + "\n");
        String text = Files.readString(config);
        assertThat(text).contains("operator: eyJ").contains("system_account: A").contains("type: full")
                .contains("resolver_preload: {");
        // A generous auth timeout: a JVM's first creds connection initialises jnats' Ed25519 code, slowly on a
        // busy machine.
        Files.writeString(config, text + "\nauthorization { timeout: 10 }\njetstream { store_dir: \""
                + dir.resolve("js").toString().replace("\\", "/") + "\" }\n");
        ServerOptions.Builder b = ConfigLoader.load(config);
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        server = new NatsServer(b.build());
        server.start();
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        cli.close();
    }

    private String url() {
        return "nats://127.0.0.1:" + server.port();
    }

    private static Result ok(Result r) {
        assertThat(r.status()).as(r.toString()).isZero();
        return r;
    }

    private Path creds(String user, String account) {
        Path file = dir.resolve(user + ".creds");
        ok(cli.run("auth", "user", "credential", file.toString(), user, account, "-f"));
        return file;
    }

    private Connection connect(Path creds, ErrorListener errors) throws Exception {
        return Nats.connect(options(creds, TIMEOUT).errorListener(errors).build());
    }

    private Options.Builder options(Path creds, Duration connectTimeout) {
        return new Options.Builder().server(url()).authHandler(Nats.credentials(creds.toString()))
                .maxReconnects(0).connectionTimeout(connectTimeout);
    }

    /** What jnats throws when the server refuses {@code creds} (a refusal needs no long connect timeout). */
    private Throwable refused(Path creds) {
        Options options = options(creds, REFUSED_CONNECT_TIMEOUT).errorListener(new ErrorListener() { }).build();
        try (Connection nc = Nats.connect(options)) {
            throw new AssertionError("connected, status " + nc.getStatus());
        } catch (Exception e) {
            return e;
        }
    }

    private Connection connect(Path creds) throws Exception {
        return connect(creds, new ErrorListener() { });
    }

    @Test
    void credsConnectPublishAndUseJetStream() throws Exception {
        try (Connection nc = connect(creds("alice", "APP"))) {
            Subscription sub = nc.subscribe("greet");
            nc.publish("greet", "hello".getBytes(StandardCharsets.UTF_8));
            Message m = sub.nextMessage(TIMEOUT);
            assertThat(m).isNotNull();
            assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("hello");

            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>")
                    .storageType(StorageType.Memory).build());
            assertThat(jsm.getAccountStatistics().getLimits().getMaxStreams()).isEqualTo(5);
            assertThat(jsm.getAccountStatistics().getLimits().getMaxStorage()).isEqualTo(1L << 30);
        }
    }

    @Test
    void pubDenyRefusesPublishing() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        ErrorListener listener = new ErrorListener() {
            @Override
            public void errorOccurred(Connection conn, String error) {
                errors.add(error);
            }
        };
        try (Connection bob = connect(creds("bob", "APP"), listener); Connection alice = connect(creds("alice", "APP"))) {
            Subscription sub = alice.subscribe(">");
            alice.flush(TIMEOUT);
            bob.publish("x", "no".getBytes(StandardCharsets.UTF_8));
            bob.publish("y", "yes".getBytes(StandardCharsets.UTF_8));
            await().atMost(TIMEOUT).until(() -> errors.stream()
                    .anyMatch(e -> e.contains("Permissions Violation for Publish to \"x\"")));
            Message m = sub.nextMessage(TIMEOUT);
            assertThat(m.getSubject()).isEqualTo("y");
        }
    }

    @Test
    void revokedUserCannotConnectAfterPush() throws Exception {
        Path alice = creds("alice", "APP");
        try (Connection nc = connect(alice)) {
            assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        }
        Result revoke = ok(cli.run("auth", "user", "revoke", "alice", "APP"));
        assertThat(revoke.out()).startsWith("Revoked user alice (U");

        Result push = ok(cli.run("auth", "account", "push", "APP", "--server", url()));
        assertThat(push.out()).startsWith("Updating account APP (A").contains(" on 1 server(s)")
                .contains("✓ Update completed on ").contains("Success 1 Failed 0 Expected 1");

        assertThat(refused(alice)).hasMessageContaining("Authorization Violation");
        Path pulled = dir.resolve("app.jwt");
        Result query = ok(cli.run("auth", "account", "query", "APP", pulled.toString(), "--server", url()));
        assertThat(query.out()).startsWith("Account APP (A").contains("Revocations: 1");
        assertThat(Files.readString(pulled)).isEqualTo(Files.readString(
                dir.resolve(".local/share/nats/nsc/stores/DEMO/accounts/APP/APP.jwt")).strip());
        try (Connection bob = connect(creds("bob", "APP"))) {
            assertThat(bob.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        }
    }

    @Test
    void pushingANewAccountLetsItsUsersConnect() throws Exception {
        ok(cli.run("auth", "account", "add", "NEW"));
        ok(cli.run("auth", "user", "add", "carol", "NEW"));
        Path carol = creds("carol", "NEW");
        assertThat(refused(carol)).hasMessageContaining("Authorization Violation");

        Result push = ok(cli.run("auth", "account", "push", "NEW", "--server", url(), "--show"));
        assertThat(push.out()).startsWith("Account JWT for NEW").contains("✓ Update completed on ");
        try (Connection nc = connect(carol)) {
            assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        }
    }

    @Test
    void pushWithoutSystemCredentialsFailsInOneLine() throws Exception {
        Path alice = creds("alice", "APP");
        Result push = cli.run("auth", "account", "push", "APP", "--server", url(), "--creds", alice.toString());
        assertThat(push.status()).as(push.toString()).isEqualTo(1);
        assertThat(push.err()).startsWith("natrix: error: no servers answered on $SYS.REQ.SERVER.PING")
                .hasLineCount(1);

        Result unreachable = cli.run("auth", "account", "push", "APP", "--server", "nats://127.0.0.1:1");
        assertThat(unreachable.status()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("natrix: error: could not connect to nats://127.0.0.1:1")
                .hasLineCount(1);
    }
}
