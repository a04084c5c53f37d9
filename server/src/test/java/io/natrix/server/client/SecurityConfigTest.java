package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.bytes;
import static io.natrix.server.client.Jnats.flush;
import static io.natrix.server.client.Jnats.next;
import static io.natrix.server.client.Jnats.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.natrix.server.TestServer;
import io.nats.client.AuthHandler;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users, passwords, nkeys, permissions and accounts from a configuration file, as jnats experiences them.
 */
class SecurityConfigTest {
    private static final Duration REFUSED_CONNECT_TIMEOUT = Duration.ofMillis(1500);

    @TempDir
    Path dir;

    private TestServer serverWith(String config) throws Exception {
        Path file = dir.resolve("server.conf");
        Files.writeString(file, config);
        return TestServer.fromConfig(file);
    }

    private static Options.Builder as(TestServer server, String user, String password) {
        return Jnats.options(server).userInfo(user, password);
    }

    /** Collects the -ERR texts jnats reports without closing the connection. */
    private static final class Errors implements ErrorListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void errorOccurred(Connection conn, String error) {
            seen.add(error);
        }
    }

    @Test
    void securityBcryptPasswordLetsTheRightUserIn() throws Exception {
        String hash = BCrypt.withDefaults().hashToString(4, "s3cret".toCharArray());
        try (TestServer server = serverWith("authorization { users = [ { user: alice, password: \"" + hash + "\" } ] }")) {
            try (Connection nc = Nats.connect(as(server, "alice", "s3cret").build())) {
                assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
                assertThat(nc.getServerInfo().isAuthRequired()).isTrue();
            }
            assertThatThrownBy(() -> Nats.connect(as(server, "alice", "wrong")
                    .connectionTimeout(REFUSED_CONNECT_TIMEOUT).build())).isInstanceOf(Exception.class);
            assertThatThrownBy(() -> Nats.connect(as(server, "mallory", "s3cret")
                    .connectionTimeout(REFUSED_CONNECT_TIMEOUT).build())).isInstanceOf(Exception.class);
        }
    }

    @Test
    void securityPermissionsViolationsAreReportedAndTheConnectionStays() throws Exception {
        String config = """
                authorization {
                  users = [
                    { user: alice, password: a, permissions: { publish: "orders.>", subscribe: { allow: ">", deny: "secret.>" } } }
                    { user: admin, password: b }
                  ]
                }
                """;
        try (TestServer server = serverWith(config)) {
            Errors errors = new Errors();
            try (Connection alice = Nats.connect(as(server, "alice", "a").errorListener(errors).build());
                 Connection admin = Nats.connect(as(server, "admin", "b").build())) {
                alice.publish("payments.x", bytes("nope"));
                Subscription denied = alice.subscribe("secret.plans");
                flush(alice);
                await().atMost(TIMEOUT).until(() -> errors.seen.size() >= 2);
                assertThat(errors.seen).contains("Permissions Violation for Publish to \"payments.x\"",
                        "Permissions Violation for Subscription to \"secret.plans\"");
                assertThat(alice.getStatus()).isEqualTo(Connection.Status.CONNECTED);

                Subscription adminSub = admin.subscribe("orders.*");
                Subscription wide = alice.subscribe(">");
                flush(admin, alice);
                alice.publish("orders.1", bytes("first"));
                admin.publish("secret.plans", bytes("hidden"));
                admin.publish("public.news", bytes("visible"));
                flush(alice, admin);
                assertThat(text(next(adminSub))).isEqualTo("first");
                // The wildcard subscription overlaps the deny list: denied subjects are filtered at delivery.
                List<String> received = new java.util.ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    received.add(next(wide).getSubject());
                }
                // Two publishers on two connections: NATS orders messages per publisher only.
                assertThat(received).containsExactlyInAnyOrder("orders.1", "public.news");
                assertThat(wide.nextMessage(Duration.ofMillis(200))).isNull();
                assertThat(denied.nextMessage(Duration.ofMillis(50))).isNull();
            }
        }
    }

    @Test
    void securityNkeyUserSignsTheNonce() throws Exception {
        NKey user = NKey.createUser(null);
        NKey stranger = NKey.createUser(null);
        try (TestServer server = serverWith("authorization { users = [ { nkey: "
                + new String(user.getPublicKey()) + " } ] }")) {
            try (Connection nc = Nats.connect(Jnats.options(server).authHandler(handler(user)).build())) {
                Subscription sub = nc.subscribe("k");
                flush(nc);
                nc.publish("k", bytes("signed"));
                assertThat(text(next(sub))).isEqualTo("signed");
            }
            assertThatThrownBy(() -> Nats.connect(Jnats.options(server).authHandler(handler(stranger))
                    .connectionTimeout(REFUSED_CONNECT_TIMEOUT).build())).isInstanceOf(Exception.class);
        }
    }

    private static AuthHandler handler(NKey key) {
        return new AuthHandler() {
            @Override
            public byte[] sign(byte[] nonce) {
                try {
                    return key.sign(nonce);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public char[] getID() {
                try {
                    return key.getPublicKey();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public char[] getJWT() {
                return null;
            }
        };
    }

    @Test
    void securityEveryConnectionGetsANonceOfItsOwn() throws Exception {
        // A signature is only worth something if the nonce it signs is never offered twice: 3,000 connections,
        // 3,000 different nonces.
        NKey user = NKey.createUser(null);
        Set<String> nonces = new HashSet<>();
        Pattern nonce = Pattern.compile("\"nonce\":\"([A-Za-z0-9_-]+)\"");
        try (TestServer server = serverWith("authorization { users = [ { nkey: "
                + new String(user.getPublicKey()) + " } ] }")) {
            for (int i = 0; i < 3000; i++) {
                String info = infoLine(server);
                Matcher m = nonce.matcher(info);
                assertThat(m.find()).as("a nonce in %s", info).isTrue();
                assertThat(nonces.add(m.group(1))).as("nonce %s offered twice", m.group(1)).isTrue();
            }
        }
    }

    @Test
    void securityNoAuthUserIsNotAppliedBeforeConnect() throws Exception {
        // nats-server advisory 2026-16: no_auth_user must not let a client act before its CONNECT.
        String config = "authorization { users = [ { user: guest, password: g } ] }\nno_auth_user: guest\n";
        try (TestServer server = serverWith(config);
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            InputStream in = socket.getInputStream();
            assertThat(readLine(in)).startsWith("INFO ");
            socket.getOutputStream().write(bytes("SUB x 1\r\nPUB x 1\r\na\r\n"));
            assertThat(readLine(in)).isEqualTo("-ERR 'Authorization Violation'");
            assertThat(in.read()).as("closed").isEqualTo(-1);
        }
    }

    /** Connects, reads the INFO line and disconnects. */
    private static String infoLine(TestServer server) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            return readLine(socket.getInputStream());
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Test
    void securityNoAuthUserAppliesToClientsWithoutCredentials() throws Exception {
        String config = """
                authorization { users = [ { user: guest, password: g, permissions: { publish: "public.>" } } ] }
                no_auth_user: guest
                """;
        try (TestServer server = serverWith(config)) {
            Errors errors = new Errors();
            try (Connection anonymous = Nats.connect(Jnats.options(server).errorListener(errors).build())) {
                Subscription sub = anonymous.subscribe("public.>");
                flush(anonymous);
                anonymous.publish("public.hello", bytes("hi"));
                anonymous.publish("private.hello", bytes("no"));
                flush(anonymous);
                assertThat(text(next(sub))).isEqualTo("hi");
                await().atMost(TIMEOUT).until(() -> !errors.seen.isEmpty());
                assertThat(errors.seen).contains("Permissions Violation for Publish to \"private.hello\"");
            }
        }
    }

    @Test
    void securityAccountsIsolateTheirSubjectSpaces() throws Exception {
        String config = """
                accounts {
                  A { users = [ { user: a1, password: p }, { user: a2, password: p } ] }
                  B { users = [ { user: b1, password: p } ] }
                }
                """;
        try (TestServer server = serverWith(config);
             Connection a1 = Nats.connect(as(server, "a1", "p").build());
             Connection a2 = Nats.connect(as(server, "a2", "p").build());
             Connection b1 = Nats.connect(as(server, "b1", "p").build())) {
            Subscription inA = a2.subscribe("shared.subject");
            Subscription inB = b1.subscribe("shared.subject");
            flush(a2, b1);
            a1.publish("shared.subject", "for A".getBytes(StandardCharsets.UTF_8));
            flush(a1);
            assertThat(text(next(inA))).isEqualTo("for A");
            assertThat(inB.nextMessage(Duration.ofMillis(300))).isNull();
            assertThat(Jnats.serverSide(server, a1).account().name()).isEqualTo("A");
            assertThat(Jnats.serverSide(server, b1).account().name()).isEqualTo("B");
        }
    }
}
