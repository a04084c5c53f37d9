package io.natrix.server;

import static io.natrix.server.OperatorFixture.TIMEOUT;
import static io.natrix.server.OperatorFixture.bytes;
import static io.natrix.server.OperatorFixture.connect;
import static io.natrix.server.OperatorFixture.flush;
import static io.natrix.server.OperatorFixture.next;
import static io.natrix.server.OperatorFixture.push;
import static io.natrix.server.OperatorFixture.pushAccepted;
import static io.natrix.server.OperatorFixture.refusedConnect;
import static io.natrix.server.OperatorFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.server.OperatorFixture.Errors;
import io.natrix.server.OperatorFixture.TestAccount;
import io.natrix.server.OperatorFixture.User;
import io.natrix.server.auth.AccountLimits;
import io.natrix.server.auth.JwtEncoder;
import io.natrix.server.auth.JwtPermissions;
import io.natrix.server.auth.NKeyPair;
import io.natrix.server.auth.NKeyType;
import io.natrix.server.auth.UserClaims;
import io.natrix.server.auth.UserPermissionLimits;
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator mode against clients that lie: broken and forged JWTs, signatures of the wrong key or of another
 * connection's nonce, CONNECT fields naming someone else, claim pushes from outside the system account. Each is
 * refused with nats-server's answer ("Authorization Violation" for every refused CONNECT), and the server goes on
 * serving the honest clients.
 */
class OperatorModeHostileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH_VIOLATION = "-ERR 'Authorization Violation'";
    private static final Duration QUIET = Duration.ofMillis(300);

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- helpers

    /** CONNECT with {@code jwt} and this connection's nonce signed by {@code signer} (none when null). */
    private static ObjectNode credentials(RawClient c, String jwt, NKeyPair signer) {
        ObjectNode body = RawClient.connectBody().put("jwt", jwt);
        if (signer != null) {
            body.put("sig", RawClient.sign(signer, c.nonce()));
        }
        return body;
    }

    /** Sends {@code body} as CONNECT on a fresh connection and expects the refusal and the end of the connection. */
    private static void refusedRaw(TestServer server, java.util.function.Function<RawClient, ObjectNode> body) {
        try (RawClient c = RawClient.connect(server)) {
            c.connectWith(body.apply(c));
            assertThat(c.readLine()).isEqualTo(AUTH_VIOLATION);
            c.expectClosed();
        }
    }

    /** A user of {@code account} can still connect and get its own messages. */
    private static void stillServing(TestServer server, User user) throws Exception {
        try (Connection nc = connect(server, user.creds())) {
            Subscription sub = nc.subscribe("alive");
            flush(nc);
            nc.publish("alive", bytes("yes"));
            assertThat(text(next(sub))).isEqualTo("yes");
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code jwt} with its payload edited and its original signature kept. */
    private static String tamper(String jwt, Consumer<ObjectNode> edit) throws Exception {
        String[] parts = jwt.split("\\.");
        ObjectNode payload = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        edit.accept(payload);
        return parts[0] + "." + b64(JSON.writeValueAsBytes(payload)) + "." + parts[2];
    }

    /** {@code jwt}'s header and payload (edited) signed by {@code signer}, whatever it may sign. */
    private static String resign(String jwt, NKeyPair signer, Consumer<ObjectNode> edit) throws Exception {
        String[] parts = jwt.split("\\.");
        ObjectNode payload = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        payload.put("iss", signer.publicKey());
        edit.accept(payload);
        String input = parts[0] + "." + b64(JSON.writeValueAsBytes(payload));
        return input + "." + b64(signer.sign(input.getBytes(StandardCharsets.US_ASCII)));
    }

    // ---------------------------------------------------------------- broken and forged JWTs

    @Test
    void truncatedAndMalformedJwtsAreRefused() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        User alice = a.user("alice");
        String jwt = alice.jwt();
        List<String> broken = List.of(
                jwt.substring(0, jwt.length() - 4),                 // signature cut short
                jwt.substring(0, jwt.lastIndexOf('.')),             // no signature part
                jwt.substring(0, jwt.lastIndexOf('.') + 1),         // empty signature
                jwt.substring(0, jwt.indexOf('.') + 20),            // cut inside the payload
                jwt.substring(0, jwt.indexOf('.')),                 // header only
                jwt + ".extra",                                     // a fourth part
                "eyJ",                                              // a prefix
                "not a jwt at all",
                "....",
                "eyJ!!!.@@@.###");
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection honest = connect(server, a.user("honest").creds())) {
            for (String bad : broken) {
                refusedRaw(server, c -> credentials(c, bad, alice.key()));
            }
            // The same through jnats, with a creds file holding a truncated JWT.
            Errors errors = new Errors();
            Exception refused = refusedConnect(server, f.creds(broken.get(0), alice.key()), errors);
            assertThat(refused).isInstanceOf(AuthenticationException.class);
            errors.awaitExactly("Authorization Violation");

            assertThat(honest.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            flush(honest);
            stillServing(server, alice);
        }
    }

    @Test
    void oversizedConnectIsCutAtTheControlLineLimit() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        User alice = a.user("alice");
        String huge = "eyJ" + "A".repeat(64 * 1024);
        try (TestServer server = f.start(f.memoryConfig(a));
             RawClient c = RawClient.connect(server)) {
            c.connectWith(credentials(c, huge, alice.key()));
            assertThat(c.readLine()).isEqualTo("-ERR 'maximum control line exceeded'");
            c.expectClosed();
            stillServing(server, alice);
        }
    }

    @Test
    void userRestrictedToOtherAddressesOrConnectionTypesIsRefused() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        User elsewhere = a.user("elsewhere", u -> u.withLimits(new UserPermissionLimits(JwtPermissions.NONE,
                List.of("10.0.0.0/8"), List.of(), "", -1, -1, -1, false, false, List.of())));
        User websocketOnly = a.user("ws", u -> u.withLimits(new UserPermissionLimits(JwtPermissions.NONE,
                List.of(), List.of(), "", -1, -1, -1, false, false, List.of("WEBSOCKET"))));
        User local = a.user("local", u -> u.withLimits(new UserPermissionLimits(JwtPermissions.NONE,
                List.of("127.0.0.0/8"), List.of(), "", -1, -1, -1, false, false, List.of("STANDARD"))));
        try (TestServer server = f.start(f.memoryConfig(a))) {
            for (User u : List.of(elsewhere, websocketOnly)) {
                Errors errors = new Errors();
                refusedConnect(server, u.creds(), errors);
                errors.awaitExactly("Authorization Violation");
            }
            stillServing(server, local);
        }
    }

    @Test
    void jwtEditedAfterSigningIsRefused() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        JwtPermissions narrow = new JwtPermissions(new JwtPermissions.Permission(List.of("allowed.>"), List.of()),
                JwtPermissions.Permission.NONE, null);
        User limited = a.user("limited", u -> u.withLimits(u.limits().withPermissions(narrow)));
        // Drop the publish permissions, keep the account's signature.
        String widened = tamper(limited.jwt(), p -> ((ObjectNode) p.get("nats")).remove("pub"));
        // Or move the user into another account by naming it as issuer_account.
        TestAccount b = f.account("B");
        String moved = tamper(limited.jwt(), p -> ((ObjectNode) p.get("nats")).put("issuer_account",
                b.publicKey()));
        // Or claim to expire later.
        String extended = tamper(a.user("brief", OperatorFixture.expiringAt(Instant.now().getEpochSecond() - 1))
                .jwt(), p -> p.put("exp", Instant.now().getEpochSecond() + 3600));
        try (TestServer server = f.start(f.memoryConfig(a, b))) {
            refusedRaw(server, c -> credentials(c, widened, limited.key()));
            refusedRaw(server, c -> credentials(c, moved, limited.key()));
            refusedRaw(server, c -> credentials(c, extended, limited.key()));
            // The untouched JWT still works, within its permissions.
            try (RawClient c = RawClient.connect(server)) {
                c.connectWith(credentials(c, limited.jwt(), limited.key()));
                assertThat(c.readLine()).isEqualTo("PONG");
                c.send("PUB denied 0\r\n\r\nPING\r\n");
                assertThat(c.readLine()).isEqualTo("-ERR 'Permissions Violation for Publish to \"denied\"'");
                assertThat(c.readLine()).isEqualTo("PONG");
            }
            stillServing(server, a.user("honest"));
        }
    }

    @Test
    void usersFromKeysTheAccountDoesNotKnowAreRefused() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        TestAccount b = f.account("B");
        NKeyPair stranger = NKeyPair.create(NKeyType.ACCOUNT);
        NKeyPair userKey = NKeyPair.create(NKeyType.USER);
        UserClaims claims = UserClaims.of(userKey.publicKey(), "mallory");
        // An account key the resolver has never seen.
        String unknownAccount = JwtEncoder.encode(claims, stranger);
        // A stranger signing "on behalf of" A, which does not list it as a signing key.
        String fakeDelegate = JwtEncoder.encode(claims.withIssuerAccount(a.publicKey()), stranger);
        // A's own key signing a user "on behalf of" B.
        String crossAccount = JwtEncoder.encode(claims.withIssuerAccount(b.publicKey()), a.key);
        // The operator signing a user directly (JwtEncoder would refuse to, so by hand).
        String byOperator = resign(a.user("x").jwt(), f.operator, p -> p.put("sub", userKey.publicKey()));
        // A user of an account issued by an operator this server does not trust.
        NKeyPair otherOperator = NKeyPair.create(NKeyType.OPERATOR);
        TestAccount foreign = f.account("FOREIGN");
        foreign.issuer = otherOperator;
        String foreignUser = JwtEncoder.encode(claims, foreign.key);
        // An account JWT where a user JWT belongs.
        String accountJwt = a.jwt();
        try (TestServer server = f.start(f.memoryConfig(a, b))) {
            for (String jwt : List.of(unknownAccount, fakeDelegate, crossAccount, byOperator, foreignUser)) {
                refusedRaw(server, c -> credentials(c, jwt, userKey));
            }
            refusedRaw(server, c -> credentials(c, accountJwt, a.key));
            stillServing(server, a.user("honest"));
        }
        // Nor does preloading the foreign account help: the server refuses to start on it.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.start(f.memoryConfig(a, foreign)).close())
                .hasMessageContaining(foreign.publicKey());
    }

    // ---------------------------------------------------------------- nonce signatures

    @Test
    void nonceSignedByAnotherKeyOrNotAtAllIsRefused() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        User alice = a.user("alice");
        User bob = a.user("bob");
        try (TestServer server = f.start(f.memoryConfig(a))) {
            refusedRaw(server, c -> credentials(c, alice.jwt(), bob.key()));      // bob's key, alice's JWT
            refusedRaw(server, c -> credentials(c, alice.jwt(), a.key));          // the account's key
            refusedRaw(server, c -> credentials(c, alice.jwt(), null));           // no signature
            refusedRaw(server, c -> credentials(c, alice.jwt(), null).put("sig", ""));
            refusedRaw(server, c -> credentials(c, alice.jwt(), null).put("sig", "!!not base64!!"));
            refusedRaw(server, c -> credentials(c, alice.jwt(), null)
                    .put("sig", b64(new byte[64])));                               // 64 zero bytes
            refusedRaw(server, c -> credentials(c, alice.jwt(), null)              // signed something else
                    .put("sig", RawClient.sign(alice.key(), c.nonce() + "x")));
            // The honest CONNECT on a raw socket, for contrast.
            try (RawClient c = RawClient.connect(server)) {
                c.connectWith(credentials(c, alice.jwt(), alice.key()));
                assertThat(c.readLine()).isEqualTo("PONG");
            }
        }
    }

    @Test
    void signatureOfAnotherConnectionsNonceIsRefused() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        User alice = a.user("alice");
        try (TestServer server = f.start(f.memoryConfig(a));
             RawClient victim = RawClient.connect(server);
             RawClient attacker = RawClient.connect(server)) {
            assertThat(victim.nonce()).isNotEmpty().isNotEqualTo(attacker.nonce());
            // The attacker saw the victim's CONNECT (JWT and signature of the victim's nonce) and replays it.
            ObjectNode seen = credentials(victim, alice.jwt(), alice.key());
            attacker.connectWith(seen.deepCopy());
            assertThat(attacker.readLine()).isEqualTo(AUTH_VIOLATION);
            attacker.expectClosed();
            // The victim's own CONNECT is good on the victim's connection.
            victim.connectWith(seen);
            assertThat(victim.readLine()).isEqualTo("PONG");
            // And a replay on any later connection fails too: each connection gets a fresh nonce.
            refusedRaw(server, c -> seen.deepCopy());
        }
    }

    @Test
    void bearerTokensNeedNoSignatureUnlessTheAccountDisallowsThem() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount open = f.account("OPEN");
        AccountLimits u = AccountLimits.UNLIMITED;
        TestAccount strict = f.account("STRICT").update(c -> c.withLimits(new AccountLimits(u.subs(), u.data(),
                u.payload(), u.imports(), u.exports(), u.wildcardExports(), true, u.conn(), u.leaf(),
                u.jetStream(), u.tiered())));
        User openBearer = open.user("b", x -> x.withLimits(x.limits().withBearerToken(true)));
        User strictBearer = strict.user("b", x -> x.withLimits(x.limits().withBearerToken(true)));
        try (TestServer server = f.start(f.memoryConfig(open, strict))) {
            try (RawClient c = RawClient.connect(server)) {
                c.connectWith(credentials(c, openBearer.jwt(), null));
                assertThat(c.readLine()).isEqualTo("PONG");
            }
            refusedRaw(server, c -> credentials(c, strictBearer.jwt(), null));
            refusedRaw(server, c -> credentials(c, strictBearer.jwt(), strictBearer.key()));
        }
    }

    @Test
    void connectWithoutAJwtIsRefused() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        User alice = a.user("alice");
        try (TestServer server = f.start(f.memoryConfig(a))) {
            refusedRaw(server, c -> RawClient.connectBody());
            refusedRaw(server, c -> RawClient.connectBody().put("user", "alice").put("pass", "secret"));
            refusedRaw(server, c -> RawClient.connectBody().put("auth_token", "token"));
            // An nkey user signing the nonce, as in nkey (not JWT) mode.
            refusedRaw(server, c -> RawClient.connectBody().put("nkey", alice.key().publicKey())
                    .put("sig", RawClient.sign(alice.key(), c.nonce())));
            stillServing(server, alice);
        }
    }

    // ---------------------------------------------------------------- CONNECT fields naming others

    @Test
    void connectNamingAnAccountIsRefused() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        TestAccount b = f.account("B");
        User alice = a.user("alice");
        try (TestServer server = f.start(f.memoryConfig(a, b))) {
            // nats-server refuses an account designation outright (it once chose the account in sandbox setups),
            // even with valid credentials, rather than ignoring it.
            refusedRaw(server, c -> credentials(c, alice.jwt(), alice.key()).put("account", b.publicKey()));
            refusedRaw(server, c -> credentials(c, alice.jwt(), alice.key()).put("account", a.publicKey()));
            refusedRaw(server, c -> credentials(c, alice.jwt(), alice.key()).put("new_account", true));
            // An empty designation is no designation.
            try (RawClient c = RawClient.connect(server)) {
                c.connectWith(credentials(c, alice.jwt(), alice.key()).put("account", "").put("new_account", false));
                assertThat(c.readLine()).isEqualTo("PONG");
            }
            stillServing(server, alice);
        }
    }

    @Test
    void connectFieldsNamingAnotherUserHaveNoEffect() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        TestAccount b = f.account("B");
        User alice = a.user("alice");
        User bob = b.user("bob");
        try (TestServer server = f.start(f.memoryConfig(a, b));
             Connection inA = connect(server, a.user("watcher").creds());
             Connection inB = connect(server, bob.creds());
             RawClient c = RawClient.connect(server)) {
            Subscription watchA = inA.subscribe("test.>");
            Subscription watchB = inB.subscribe("test.>");
            flush(inA, inB);
            ObjectNode body = credentials(c, alice.jwt(), alice.key())
                    .put("nkey", bob.key().publicKey())
                    .put("user", "bob").put("pass", "x").put("auth_token", "t")
                    .put("name", "bob");
            c.connectWith(body);
            assertThat(c.readLine()).isEqualTo("PONG");
            c.send("SUB test.> 1\r\nPUB test.raw 5\r\nhello\r\nPING\r\n");
            assertThat(c.readLine()).isEqualTo("MSG test.raw 1 5");
            assertThat(c.readLine()).isEqualTo("hello");
            assertThat(c.readLine()).isEqualTo("PONG");
            assertThat(text(next(watchA))).isEqualTo("hello");
            assertThat(watchB.nextMessage(QUIET)).isNull();
            // And B's traffic does not reach it.
            inB.publish("test.fromb", bytes("b only"));
            flush(inB);
            assertThat(text(next(watchB))).isEqualTo("b only");
            c.send("PING\r\n");
            assertThat(c.readLine()).isEqualTo("PONG");
            assertThat(server.server().connections()).filteredOn(x -> x.cid() == c.info().get("client_id").asLong())
                    .singleElement().satisfies(x -> assertThat(x.account().name()).isEqualTo(a.publicKey()));
        }
    }

    @Test
    void secondConnectIntoAnotherAccountLeavesNoSubscriptionBehind() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        TestAccount b = f.account("B");
        User alice = a.user("alice");
        User bob = b.user("bob");
        try (TestServer server = f.start(f.memoryConfig(a, b));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection pubA = connect(server, a.user("publisher").creds());
             RawClient c = RawClient.connect(server)) {
            c.connectWith(credentials(c, alice.jwt(), alice.key()));
            assertThat(c.readLine()).isEqualTo("PONG");
            c.send("SUB > 1\r\nPING\r\n");
            assertThat(c.readLine()).isEqualTo("PONG");
            // Now the same connection becomes bob, in B (nats-server drops the subscriptions on a repeated CONNECT).
            c.connectWith(credentials(c, bob.jwt(), bob.key()));
            assertThat(c.readLine()).isEqualTo("PONG");
            // Alice is revoked: with her subscription left in A, the connection would go on reading A.
            a.update(x -> x.withRevocations(Map.of(alice.key().publicKey(), Instant.now().getEpochSecond())));
            pushAccepted(sys, a);
            pubA.publish("a.secret", bytes("for A only"));
            flush(pubA);
            c.send("SUB b.> 2\r\nPING\r\n");
            assertThat(c.readLine()).isEqualTo("PONG");
            try (Connection inB = connect(server, b.user("other").creds())) {
                inB.publish("b.hello", bytes("hi"));
                flush(inB);
            }
            // The first thing to arrive is B's message: nothing from A came in between.
            assertThat(c.readLine()).isEqualTo("MSG b.hello 2 2");
            assertThat(c.readLine()).isEqualTo("hi");
            assertThat(server.server().connections()).filteredOn(x -> x.cid() == c.info().get("client_id").asLong())
                    .singleElement().satisfies(x -> assertThat(x.account().name()).isEqualTo(b.publicKey()));
        }
    }

    // ---------------------------------------------------------------- claim pushes from the wrong places

    @Test
    void usersOutsideTheSystemAccountCannotPushOrLookUpClaims() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        Path jwtDir = dir.resolve("jwt");
        AccountLimits u = AccountLimits.UNLIMITED;
        TestAccount a = f.account("A").update(c -> c.withLimits(new AccountLimits(u.subs(), u.data(), u.payload(),
                u.imports(), u.exports(), u.wildcardExports(), u.disallowBearer(), 1, u.leaf(), u.jetStream(),
                u.tiered())));
        TestAccount x = f.account("X");
        Path aliceCreds = a.user("alice").creds();
        try (TestServer server = f.start(f.fullConfig(jwtDir, a));
             Connection nc = connect(server, aliceCreds)) {
            // A new account, and A itself with its connection limit lifted.
            a.update(c -> c.withLimits(u));
            for (String subject : List.of("$SYS.REQ.CLAIMS.UPDATE", "$SYS.REQ.ACCOUNT." + x.publicKey()
                    + ".CLAIMS.UPDATE", "$SYS.REQ.ACCOUNT." + a.publicKey() + ".CLAIMS.UPDATE")) {
                assertThat(nc.request(subject, bytes(subject.contains(a.publicKey()) ? a.jwt() : x.jwt())))
                        .failsWithin(TIMEOUT);
            }
            assertThat(nc.request("$SYS.REQ.ACCOUNT." + a.publicKey() + ".CLAIMS.LOOKUP", new byte[0]))
                    .failsWithin(TIMEOUT);
            assertThat(jwtDir.resolve(x.publicKey() + ".jwt")).doesNotExist();
            Errors errors = new Errors();
            refusedConnect(server, x.user("x").creds(), errors);
            errors.awaitExactly("Authorization Violation");
            Errors limited = new Errors();
            refusedConnect(server, aliceCreds, limited);
            limited.awaitExactly("maximum account active connections exceeded");
            assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        }
    }

    @Test
    void accountJwtFromAnUntrustedOperatorIsNotStored() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        Path jwtDir = dir.resolve("jwt");
        TestAccount foreign = f.account("FOREIGN");
        foreign.issuer = NKeyPair.create(NKeyType.OPERATOR);
        try (TestServer server = f.start(f.fullConfig(jwtDir));
             Connection sys = connect(server, f.sys.user("admin").creds())) {
            JsonNode answer = push(sys, "$SYS.REQ.CLAIMS.UPDATE", foreign.jwt());
            assertThat(answer.has("data")).isFalse();
            assertThat(answer.get("error")).isEqualTo(JSON.readTree("{\"account\":\"" + foreign.publicKey()
                    + "\",\"code\":500,\"description\":\"jwt update resulted in error - account validation "
                    + "failed\"}"));
            assertThat(jwtDir.resolve(foreign.publicKey() + ".jwt")).doesNotExist();
            Errors errors = new Errors();
            refusedConnect(server, foreign.user("u").creds(), errors);
            errors.awaitExactly("Authorization Violation");
        }
    }

    @Test
    void replayingAnOlderAccountJwtDoesNotUndoARevocation() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        Path jwtDir = dir.resolve("jwt");
        TestAccount a = f.account("A");
        User alice = a.user("alice");
        Path aliceCreds = alice.creds();
        // What an attacker kept: A's JWT from before the revocation (issued a minute ago).
        String old = JwtEncoder.encode(a.claims, a.issuer,
                Clock.fixed(Instant.now().minusSeconds(60), ZoneOffset.UTC));
        try (TestServer server = f.start(f.fullConfig(jwtDir));
             Connection sys = connect(server, f.sys.user("admin").creds())) {
            assertThat(push(sys, "$SYS.REQ.CLAIMS.UPDATE", old).get("data").get("code").asInt()).isEqualTo(200);
            a.update(c -> c.withRevocations(Map.of(alice.key().publicKey(), Instant.now().getEpochSecond())));
            pushAccepted(sys, a);
            String revoking = java.nio.file.Files.readString(jwtDir.resolve(a.publicKey() + ".jwt"));

            JsonNode answer = push(sys, "$SYS.REQ.CLAIMS.UPDATE", old);
            // nats-server answers "jwt updated" and keeps the newer JWT; we keep it too and say why.
            assertThat(answer.get("error").get("code").asInt()).isEqualTo(500);
            assertThat(answer.get("error").get("description").asText())
                    .isEqualTo("jwt update resulted in error - the JWT was issued before the one stored");
            assertThat(java.nio.file.Files.readString(jwtDir.resolve(a.publicKey() + ".jwt"))).isEqualTo(revoking);
            Errors errors = new Errors();
            refusedConnect(server, aliceCreds, errors);
            errors.awaitExactly("Authorization Violation");
            stillServing(server, a.user("bob"));
        }
    }

    @Test
    void permissionsOfAScopedUserCannotBeWidenedByTheUserJwt() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        NKeyPair scopedKey = NKeyPair.create(NKeyType.ACCOUNT);
        JwtPermissions template = new JwtPermissions(
                new JwtPermissions.Permission(List.of("allowed.>"), List.of()), JwtPermissions.Permission.NONE,
                null);
        a.update(c -> c.withSigningKeys(Map.of(scopedKey.publicKey(),
                new io.natrix.server.auth.AccountClaims.SigningKey(scopedKey.publicKey(),
                        new io.natrix.server.auth.AccountClaims.UserScope(scopedKey.publicKey(), "r",
                                UserPermissionLimits.UNLIMITED.withPermissions(template), "")))));
        // A user of the scoped key that carries its own (wider) permissions: nats-server refuses it outright.
        User greedy = a.userSignedBy(scopedKey, "greedy", x -> x.withLimits(UserPermissionLimits.UNLIMITED
                .withPermissions(new JwtPermissions(new JwtPermissions.Permission(List.of(">"), List.of()),
                        JwtPermissions.Permission.NONE, null))));
        try (TestServer server = f.start(f.memoryConfig(a))) {
            Errors errors = new Errors();
            refusedConnect(server, greedy.creds(), errors);
            errors.awaitExactly("Authorization Violation");
            stillServing(server, a.user("honest"));
        }
    }
}
