package io.natrix.server;

import static io.natrix.server.OperatorFixture.TIMEOUT;
import static io.natrix.server.OperatorFixture.bytes;
import static io.natrix.server.OperatorFixture.connect;
import static io.natrix.server.OperatorFixture.flush;
import static io.natrix.server.OperatorFixture.next;
import static io.natrix.server.OperatorFixture.refusedConnect;
import static io.natrix.server.OperatorFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.server.OperatorFixture.Errors;
import io.natrix.server.OperatorFixture.TestAccount;
import io.natrix.server.OperatorFixture.User;
import io.natrix.server.auth.AccountClaims;
import io.natrix.server.auth.JwtPermissions;
import io.natrix.server.auth.NKeyPair;
import io.natrix.server.auth.NKeyType;
import io.natrix.server.auth.UserPermissionLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator mode end to end with jnats: users present creds files (user JWT + seed), the server finds their accounts
 * in a MEMORY resolver and checks the chain operator → account → user, signing keys included.
 */
class OperatorModeTest {
    @TempDir
    Path dir;

    @Test
    void memoryResolverUserConnectsAndMessagesFlow() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        User alice = a.user("alice");
        User bob = a.user("bob");
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection nc1 = connect(server, alice.creds());
             Connection nc2 = connect(server, bob.creds())) {
            assertThat(nc1.getServerInfo().isAuthRequired()).isTrue();
            assertThat(nc1.getServerInfo().getNonce()).isNotEmpty();
            Subscription sub = nc2.subscribe("greet.*");
            flush(nc2);
            nc1.publish("greet.bob", bytes("hello"));
            assertThat(text(next(sub))).isEqualTo("hello");
            // Both are in the account named by the JWT, keyed by its public key.
            assertThat(server.server().connections()).extracting(c -> c.account().name())
                    .containsOnly(a.publicKey());
        }
    }

    @Test
    void accountIssuedByAnOperatorSigningKeyIsTrusted() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("SIGNED");
        a.issuer = f.operatorSigner;
        User u = a.user("u");
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection nc = connect(server, u.creds())) {
            Subscription sub = nc.subscribe("x");
            flush(nc);
            nc.publish("x", bytes("via signing key"));
            assertThat(text(next(sub))).isEqualTo("via signing key");
        }
    }

    @Test
    void userIssuedByAnAccountSigningKeyBelongsToTheAccount() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        NKeyPair signer = NKeyPair.create(NKeyType.ACCOUNT);
        a.update(c -> c.withSigningKeys(Map.of(signer.publicKey(),
                AccountClaims.SigningKey.unscoped(signer.publicKey()))));
        User viaSigner = a.userSignedBy(signer, "delegate", u -> u);
        User direct = a.user("direct");
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection delegate = connect(server, viaSigner.creds());
             Connection owner = connect(server, direct.creds())) {
            Subscription sub = owner.subscribe("to.owner");
            flush(owner);
            delegate.publish("to.owner", bytes("same account"));
            assertThat(text(next(sub))).isEqualTo("same account");
        }
    }

    @Test
    void scopedSigningKeyGivesItsUsersExactlyTheTemplatePermissions() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        NKeyPair scopedKey = NKeyPair.create(NKeyType.ACCOUNT);
        JwtPermissions template = new JwtPermissions(
                new JwtPermissions.Permission(List.of("allowed.>"), List.of()),
                new JwtPermissions.Permission(List.of("allowed.>", "_INBOX.>"), List.of()), null);
        AccountClaims.UserScope scope = new AccountClaims.UserScope(scopedKey.publicKey(), "limited",
                UserPermissionLimits.UNLIMITED.withPermissions(template), "");
        a.update(c -> c.withSigningKeys(Map.of(scopedKey.publicKey(),
                new AccountClaims.SigningKey(scopedKey.publicKey(), scope))));
        User scoped = a.userSignedBy(scopedKey, "scoped", u -> u.withLimits(UserPermissionLimits.EMPTY));
        User admin = a.user("admin");
        Errors errors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection limited = connect(server, scoped.creds(), errors);
             Connection full = connect(server, admin.creds())) {
            Subscription watch = full.subscribe(">");
            Subscription inside = limited.subscribe("allowed.in");
            limited.subscribe("secret.stuff");
            flush(full, limited);
            limited.publish("allowed.in", bytes("ok"));
            limited.publish("denied.out", bytes("blocked"));
            flush(limited);
            assertThat(text(next(inside))).isEqualTo("ok");
            await().atMost(TIMEOUT).until(() -> errors.seen.size() >= 2);
            assertThat(errors.snapshot()).containsExactlyInAnyOrder(
                    "Permissions Violation for Subscription to \"secret.stuff\"",
                    "Permissions Violation for Publish to \"denied.out\"");
            assertThat(limited.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            // Only the permitted publish reached the account.
            assertThat(next(watch).getSubject()).isEqualTo("allowed.in");
            assertThat(watch.nextMessage(Duration.ofMillis(200))).isNull();
        }
    }

    // ---------------------------------------------------------------- full directory resolver

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void fullResolverStoresPushedAccountsServesLookupsAndKeepsThemOverARestart() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        Path jwtDir = dir.resolve("jwt");
        TestAccount b = f.account("B");
        String bJwt = b.jwt();
        User user = b.user("u");
        Path userCreds = user.creds();
        String config = f.fullConfig(jwtDir);
        try (TestServer server = f.start(config);
             Connection sys = connect(server, f.sys.user("admin").creds())) {
            // Not known yet: refused.
            Errors before = new Errors();
            refusedConnect(server, userCreds, before);
            before.awaitExactly("Authorization Violation");

            Message reply = sys.request("$SYS.REQ.CLAIMS.UPDATE", bytes(bJwt), TIMEOUT);
            JsonNode answer = JSON.readTree(reply.getData());
            assertThat(answer.get("server").get("id").asText()).isEqualTo(sys.getServerInfo().getServerId());
            assertThat(answer.has("error")).isFalse();
            assertThat(answer.get("data")).isEqualTo(JSON.readTree("{\"account\":\"" + b.publicKey()
                    + "\",\"code\":200,\"message\":\"jwt updated\"}"));

            Path file = jwtDir.resolve(b.publicKey() + ".jwt");
            assertThat(file).exists();
            assertThat(Files.readString(file)).isEqualTo(bJwt);

            try (Connection nc = connect(server, userCreds)) {
                Subscription sub = nc.subscribe("in.b");
                flush(nc);
                nc.publish("in.b", bytes("pushed"));
                assertThat(text(next(sub))).isEqualTo("pushed");
            }

            Message lookup = sys.request("$SYS.REQ.ACCOUNT." + b.publicKey() + ".CLAIMS.LOOKUP", new byte[0],
                    TIMEOUT);
            assertThat(new String(lookup.getData(), StandardCharsets.UTF_8)).isEqualTo(bJwt);

            Message garbage = sys.request("$SYS.REQ.CLAIMS.UPDATE", bytes("eyJnot.a.jwt"), TIMEOUT);
            JsonNode error = JSON.readTree(garbage.getData());
            assertThat(error.has("data")).isFalse();
            assertThat(error.get("error").get("code").asInt()).isEqualTo(500);
            assertThat(error.get("error").get("account").asText()).isEqualTo("n/a");
            assertThat(error.get("error").get("description").asText())
                    .startsWith("jwt update resulted in error - ");
            // The stored JWT is untouched.
            assertThat(Files.readString(file)).isEqualTo(bJwt);

            // A push without a reply subject (nats pub) is stored all the same; one with headers too.
            TestAccount c = f.account("C");
            String cJwt = c.jwt();
            sys.publish("$SYS.REQ.CLAIMS.UPDATE", bytes(cJwt));
            flush(sys);
            await().atMost(TIMEOUT).until(() -> Files.exists(jwtDir.resolve(c.publicKey() + ".jwt")));
            TestAccount d = f.account("D");
            Headers headers = new Headers().add("X-Pushed-By", "test");
            Message withHeaders = sys.request(NatsMessage.builder().subject("$SYS.REQ.CLAIMS.UPDATE")
                    .headers(headers).data(bytes(d.jwt())).build(), TIMEOUT);
            assertThat(JSON.readTree(withHeaders.getData()).get("data").get("account").asText())
                    .isEqualTo(d.publicKey());
            assertThat(jwtDir.resolve(d.publicKey() + ".jwt")).exists();
        }
        try (TestServer restarted = f.start(config);
             Connection nc = connect(restarted, userCreds)) {
            Subscription sub = nc.subscribe("in.b");
            flush(nc);
            nc.publish("in.b", bytes("after restart"));
            assertThat(text(next(sub))).isEqualTo("after restart");
        }
    }
}
