package io.natrix.server;

import io.natrix.server.auth.AccountClaims;
import io.natrix.server.auth.CredsFile;
import io.natrix.server.auth.JwtEncoder;
import io.natrix.server.auth.NKeyPair;
import io.natrix.server.auth.NKeyType;
import io.natrix.server.auth.OperatorClaims;
import io.natrix.server.auth.UserClaims;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * An operator, its system account and its accounts, issued as NATS tools issue them, and the server configurations
 * and creds files that put them to use; shared by the operator-mode end-to-end tests.
 *
 * <p>The operator has a signing key and names the system account; the system account has a user for claim pushes.
 * Everything is written under one temporary directory.
 */
final class OperatorFixture {
    /** The longest a test waits for anything the server should do promptly. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** How long a refused connect may take before jnats gives up. */
    static final Duration REFUSED_CONNECT_TIMEOUT = Duration.ofMillis(1500);

    static {
        // jnats' first Ed25519 signature sets its crypto up, which can take seconds on a busy machine: done here, it
        // cannot push a refused connect (a creds user signs the nonce) past its short timeout before the -ERR.
        try {
            io.nats.client.NKey.createUser(null).sign(new byte[] {0});
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Path dir;
    final NKeyPair operator = NKeyPair.create(NKeyType.OPERATOR);
    final NKeyPair operatorSigner = NKeyPair.create(NKeyType.OPERATOR);
    final TestAccount sys;
    final String operatorJwt;
    private final AtomicInteger files = new AtomicInteger();

    OperatorFixture(Path dir) {
        this.dir = dir;
        this.sys = new TestAccount(this, "SYS");
        this.operatorJwt = JwtEncoder.encode(OperatorClaims.of(operator.publicKey(), "OP")
                .withSigningKeys(List.of(operatorSigner.publicKey()))
                .withSystemAccount(sys.key.publicKey()), operator);
    }

    /** A new account issued by the operator's own key, unlimited. */
    TestAccount account(String name) {
        return new TestAccount(this, name);
    }

    // ---------------------------------------------------------------- server configurations

    /** {@code resolver: MEMORY} with the system account and {@code accounts} preloaded. */
    String memoryConfig(TestAccount... accounts) {
        Map<String, String> preload = new LinkedHashMap<>();
        preload.put(sys.publicKey(), sys.jwt());
        for (TestAccount a : accounts) {
            preload.put(a.publicKey(), a.jwt());
        }
        return memoryConfig(preload);
    }

    /** {@code resolver: MEMORY} with exactly these preloads (account key to JWT). */
    String memoryConfig(Map<String, String> preload) {
        StringBuilder b = new StringBuilder(head()).append("resolver: MEMORY\nresolver_preload: {\n");
        preload.forEach((key, jwt) -> b.append("  ").append(key).append(": \"").append(jwt).append("\"\n"));
        return b.append("}\n").toString();
    }

    /** A full directory resolver in {@code jwtDir} holding the system account and {@code accounts}. */
    String fullConfig(Path jwtDir, TestAccount... accounts) {
        StringBuilder b = new StringBuilder(head()).append("resolver: { type: full, dir: \"")
                .append(jwtDir.toString().replace("\\", "/")).append("\" }\nresolver_preload: {\n");
        b.append("  ").append(sys.publicKey()).append(": \"").append(sys.jwt()).append("\"\n");
        for (TestAccount a : accounts) {
            b.append("  ").append(a.publicKey()).append(": \"").append(a.jwt()).append("\"\n");
        }
        return b.append("}\n").toString();
    }

    private String head() {
        Path op = dir.resolve("operator.jwt");
        try {
            if (!Files.exists(op)) {
                Files.writeString(op, operatorJwt);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // A generous auth timeout: the first creds connection of a JVM initialises jnats' Ed25519 code, which on a
        // busy machine can take longer than the default 2 s between INFO and CONNECT.
        return "operator: \"" + op.toString().replace("\\", "/") + "\"\nsystem_account: " + sys.publicKey()
                + "\nauthorization { timeout: 10 }\n";
    }

    /** Writes {@code config} and starts a server from it. */
    TestServer start(String config) throws IOException {
        Path file = dir.resolve("server-" + files.incrementAndGet() + ".conf");
        Files.writeString(file, config);
        return TestServer.fromConfig(file);
    }

    /** Writes a creds file for {@code userJwt} and the user's seed. */
    Path creds(String userJwt, NKeyPair user) {
        Path file = dir.resolve("user-" + files.incrementAndGet() + ".creds");
        try {
            Files.writeString(file, CredsFile.format(userJwt, user.seed()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    // ---------------------------------------------------------------- jnats

    /** Options for one connection as the user of {@code creds}: no reconnects, short timeouts. */
    static Options.Builder options(TestServer server, Path creds) {
        return new Options.Builder().server(server.url()).authHandler(Nats.credentials(creds.toString()))
                .maxReconnects(0).connectionTimeout(TIMEOUT);
    }

    static Connection connect(TestServer server, Path creds) throws IOException, InterruptedException {
        return Nats.connect(options(server, creds).build());
    }

    static Connection connect(TestServer server, Path creds, ErrorListener errors)
            throws IOException, InterruptedException {
        return Nats.connect(options(server, creds).errorListener(errors).build());
    }

    /** Connects as a refused user would and returns what jnats threw (the test fails when it connects). */
    static Exception refusedConnect(TestServer server, Path creds, Errors errors) {
        Options options = options(server, creds).connectionTimeout(REFUSED_CONNECT_TIMEOUT).errorListener(errors)
                .build();
        try (Connection nc = Nats.connect(options)) {
            throw new AssertionError("connected, status " + nc.getStatus());
        } catch (Exception e) {
            return e;
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Message m) {
        return new String(m.getData(), StandardCharsets.UTF_8);
    }

    static void flush(Connection... connections) throws Exception {
        for (Connection nc : connections) {
            nc.flush(TIMEOUT);
        }
    }

    /** The next message, or a test failure after {@link #TIMEOUT}. */
    static Message next(Subscription sub) throws InterruptedException {
        Message m = sub.nextMessage(TIMEOUT);
        if (m == null) {
            throw new NoSuchElementException("no message on " + sub.getSubject() + " within " + TIMEOUT);
        }
        return m;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Sends an account JWT to a claim-update subject as a system user and returns nats-server's JSON answer
     * ({@code {"server":{...},"data":{...}}} or {@code {"server":{...},"error":{...}}}).
     */
    static JsonNode push(Connection sys, String subject, String jwt) throws Exception {
        Message reply = sys.request(subject, bytes(jwt), TIMEOUT);
        return JSON.readTree(reply.getData());
    }

    /** Pushes {@code account}'s current claims on its own update subject and checks that they were taken. */
    static void pushAccepted(Connection sys, TestAccount account) throws Exception {
        JsonNode answer = push(sys, "$SYS.REQ.ACCOUNT." + account.publicKey() + ".CLAIMS.UPDATE", account.jwt());
        if (!answer.has("data") || answer.get("data").get("code").asInt() != 200) {
            throw new AssertionError("update refused: " + answer);
        }
    }

    /** Collects the -ERR texts jnats reports. */
    static final class Errors implements ErrorListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void errorOccurred(Connection conn, String error) {
            seen.add(error);
        }

        List<String> snapshot() {
            return new ArrayList<>(seen);
        }

        /**
         * Waits until exactly {@code expected} were reported, in order. jnats calls listeners from its own
         * executor, so an error may arrive after the status change or the exception it caused.
         */
        void awaitExactly(String... expected) {
            org.awaitility.Awaitility.await().atMost(TIMEOUT).untilAsserted(
                    () -> org.assertj.core.api.Assertions.assertThat(snapshot()).containsExactly(expected));
        }
    }

    // ---------------------------------------------------------------- accounts and users

    /** An account key pair and the claims its JWT is issued from; mutable so tests can reissue it. */
    static final class TestAccount {
        final OperatorFixture fixture;
        final NKeyPair key = NKeyPair.create(NKeyType.ACCOUNT);
        AccountClaims claims;
        /** The key that issues the account JWT: the operator's own key unless a test changes it. */
        NKeyPair issuer;

        TestAccount(OperatorFixture fixture, String name) {
            this.fixture = fixture;
            this.claims = AccountClaims.of(key.publicKey(), name);
            this.issuer = fixture.operator;
        }

        String publicKey() {
            return key.publicKey();
        }

        /** The account JWT of the current claims, issued now. */
        String jwt() {
            return JwtEncoder.encode(claims, issuer);
        }

        /** Changes the claims (the next {@link #jwt()} carries the change). */
        TestAccount update(UnaryOperator<AccountClaims> change) {
            claims = change.apply(claims);
            return this;
        }

        /** A user JWT and key issued by the account key. */
        User user(String name) {
            return user(name, u -> u);
        }

        User user(String name, UnaryOperator<UserClaims> change) {
            NKeyPair userKey = NKeyPair.create(NKeyType.USER);
            UserClaims claims = change.apply(UserClaims.of(userKey.publicKey(), name));
            return new User(fixture, userKey, JwtEncoder.encode(claims, key));
        }

        /** A user issued by {@code signingKey} on behalf of this account ({@code issuer_account} set). */
        User userSignedBy(NKeyPair signingKey, String name, UnaryOperator<UserClaims> change) {
            NKeyPair userKey = NKeyPair.create(NKeyType.USER);
            UserClaims claims = change.apply(UserClaims.of(userKey.publicKey(), name)
                    .withIssuerAccount(key.publicKey()));
            return new User(fixture, userKey, JwtEncoder.encode(claims, signingKey));
        }
    }

    /** A user's key and JWT, and its creds file. */
    record User(OperatorFixture fixture, NKeyPair key, String jwt) {
        Path creds() {
            return fixture.creds(jwt, key);
        }
    }

    /** Claims data expiring at {@code epochSecond}. */
    static UnaryOperator<UserClaims> expiringAt(long epochSecond) {
        return u -> u.withData(u.data().withExpiresAtSeconds(epochSecond));
    }
}
