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
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.OperatorFixture.Errors;
import io.natrix.server.OperatorFixture.TestAccount;
import io.natrix.server.OperatorFixture.User;
import io.natrix.server.auth.AccountClaims;
import io.natrix.server.auth.AccountLimits;
import io.natrix.server.auth.ExportType;
import io.natrix.server.auth.JwtPermissions;
import io.natrix.server.auth.NKeyPair;
import io.natrix.server.auth.NKeyType;
import io.nats.client.Connection;
import io.nats.client.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Account JWT updates as they reach a running server: pushed accounts set up in full when first used, account
 * expiry, signing keys removed, default permissions changed, revocations that do not apply, and what a MEMORY
 * resolver answers.
 */
class OperatorModeUpdatesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How far ahead an expiry set before the server starts lies: start and first creds connect fit well inside. */
    private static final long EXPIRY_MARGIN_SECONDS = 5;

    @TempDir
    Path dir;

    /** Long enough to wait for something due at the epoch second {@code expires}, from now. */
    private static Duration untilPast(long expires) {
        return Duration.ofSeconds(Math.max(0, expires - Instant.now().getEpochSecond())).plus(TIMEOUT);
    }

    private static AccountLimits connLimit(long conn) {
        AccountLimits u = AccountLimits.UNLIMITED;
        return new AccountLimits(u.subs(), u.data(), u.payload(), u.imports(), u.exports(), u.wildcardExports(),
                u.disallowBearer(), conn, u.leaf(), u.jetStream(), u.tiered());
    }

    @Test
    void accountPushedBeforeItsFirstUserGetsItsLimitsMappingsAndImports() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount exporter = f.account("EXP").update(c -> c.withExports(List.of(
                AccountClaims.Export.of("news.>", ExportType.STREAM))));
        TestAccount fresh = f.account("FRESH").update(c -> c.withLimits(connLimit(1))
                .withImports(List.of(AccountClaims.Import.of("news.>", exporter.publicKey(), ExportType.STREAM))));
        fresh.claims = new AccountClaims(fresh.claims.data(), fresh.claims.imports(), fresh.claims.exports(),
                fresh.claims.limits(), fresh.claims.signingKeys(), fresh.claims.revocations(),
                fresh.claims.defaultPermissions(),
                Map.of("old.name", List.of(new AccountClaims.WeightedMapping("new.name", 100, ""))),
                fresh.claims.authorization(), fresh.claims.trace(), fresh.claims.clusterTraffic(),
                fresh.claims.description(), fresh.claims.infoUrl(), fresh.claims.tags());
        Path creds = fresh.user("u").creds();
        try (TestServer server = f.start(f.fullConfig(dir.resolve("jwt"), exporter));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection pub = connect(server, exporter.user("pub").creds())) {
            JsonNode answer = push(sys, "$SYS.REQ.CLAIMS.UPDATE", fresh.jwt());
            assertThat(answer.get("data").get("code").asInt()).isEqualTo(200);
            try (Connection nc = connect(server, creds)) {
                // The import.
                Subscription news = nc.subscribe("news.>");
                // The mapping.
                Subscription mapped = nc.subscribe("new.name");
                flush(nc);
                pub.publish("news.x", bytes("imported"));
                nc.publish("old.name", bytes("mapped"));
                flush(pub, nc);
                assertThat(text(next(news))).isEqualTo("imported");
                assertThat(text(next(mapped))).isEqualTo("mapped");
                // The connection limit.
                Errors errors = new Errors();
                refusedConnect(server, creds, errors);
                errors.awaitExactly("maximum account active connections exceeded");
            }
        }
    }

    @Test
    void accountExpiryClosesItsConnectionsWithAccountAuthenticationExpired() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        // The account is preloaded, so its expiry is set before the server starts: leave room for the start and a
        // slow first creds connect (jnats' Ed25519 set-up on a busy machine), or the connect itself is refused.
        long expires = Instant.now().getEpochSecond() + EXPIRY_MARGIN_SECONDS;
        TestAccount a = f.account("A").update(c -> c.withData(c.data().withExpiresAtSeconds(expires)));
        Errors errors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection nc = connect(server, a.user("u").creds(), errors)) {
            await().atMost(untilPast(expires)).until(() -> nc.getStatus() == Connection.Status.CLOSED);
            errors.awaitExactly("Account Authentication Expired");
        }
    }

    @Test
    void renewingTheAccountBeforeItExpiresKeepsItsConnections() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        // Room for the start, two connects and the push before the old expiry, even on a busy machine.
        long expires = Instant.now().getEpochSecond() + EXPIRY_MARGIN_SECONDS;
        TestAccount a = f.account("A").update(c -> c.withData(c.data().withExpiresAtSeconds(expires)));
        Errors errors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection nc = connect(server, a.user("u").creds(), errors)) {
            a.update(c -> c.withData(c.data().withExpiresAtSeconds(0)));
            pushAccepted(sys, a);
            // Past the old expiry and then some, the connection is still there.
            Duration pastOldExpiry = Duration.ofSeconds(Math.max(1, expires - Instant.now().getEpochSecond() + 1));
            await().during(pastOldExpiry).atMost(pastOldExpiry.plus(TIMEOUT))
                    .until(() -> nc.getStatus() == Connection.Status.CONNECTED);
            flush(nc);
            assertThat(errors.snapshot()).isEmpty();
        }
    }

    @Test
    void pushingAnExpiryClosesTheAccountsConnectionsWhenItComes() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        Errors errors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection nc = connect(server, a.user("u").creds(), errors)) {
            // Far enough ahead that the push is not already stale when it arrives on a busy machine.
            long expires = Instant.now().getEpochSecond() + 3;
            a.update(c -> c.withData(c.data().withExpiresAtSeconds(expires)));
            pushAccepted(sys, a);
            await().atMost(untilPast(expires)).until(() -> nc.getStatus() == Connection.Status.CLOSED);
            errors.awaitExactly("Account Authentication Expired");
        }
    }

    @Test
    void userExpiringBeforeItsAccountIsToldTheUserExpired() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        long now = Instant.now().getEpochSecond();
        TestAccount a = f.account("A").update(c -> c.withData(c.data().withExpiresAtSeconds(now + 60)));
        Errors errors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a))) {
            // Issued once the server runs, with room for a slow first creds connect: expired before its CONNECT,
            // the user would be refused instead.
            long expires = Instant.now().getEpochSecond() + 4;
            try (Connection nc = connect(server, a.user("u", OperatorFixture.expiringAt(expires)).creds(), errors)) {
                await().atMost(untilPast(expires)).until(() -> nc.getStatus() == Connection.Status.CLOSED);
                errors.awaitExactly("User Authentication Expired");
            }
        }
    }

    @Test
    void removingASigningKeyDisconnectsTheUsersItIssued() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        NKeyPair signer = NKeyPair.create(NKeyType.ACCOUNT);
        a.update(c -> c.withSigningKeys(Map.of(signer.publicKey(),
                AccountClaims.SigningKey.unscoped(signer.publicKey()))));
        User delegated = a.userSignedBy(signer, "delegated", u -> u);
        User direct = a.user("direct");
        Errors errors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection nd = connect(server, delegated.creds(), errors);
             Connection owner = connect(server, direct.creds())) {
            a.update(c -> c.withSigningKeys(Map.of()));
            pushAccepted(sys, a);
            await().atMost(TIMEOUT).until(() -> nd.getStatus() == Connection.Status.CLOSED);
            // nats-server closes these without a word (closeConnection(AuthenticationViolation), no -ERR).
            await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> errors.seen.isEmpty());
            flush(owner);
            assertThat(owner.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            Errors again = new Errors();
            refusedConnect(server, delegated.creds(), again);
            again.awaitExactly("Authorization Violation");
        }
    }

    @Test
    void changedDefaultPermissionsApplyToUsersWithoutTheirOwn() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        User plain = a.user("plain");
        JwtPermissions own = new JwtPermissions(new JwtPermissions.Permission(List.of(">"), List.of()),
                JwtPermissions.Permission.NONE, null);
        User withOwn = a.user("own", u -> u.withLimits(u.limits().withPermissions(own)));
        Errors plainErrors = new Errors();
        Errors ownErrors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection np = connect(server, plain.creds(), plainErrors);
             Connection no = connect(server, withOwn.creds(), ownErrors);
             Connection watcher = connect(server, a.user("watcher", u -> u.withLimits(u.limits()
                     .withPermissions(own))).creds())) {
            Subscription watch = watcher.subscribe(">");
            flush(watcher);
            a.update(c -> c.withDefaultPermissions(new JwtPermissions(
                    new JwtPermissions.Permission(List.of("only.this"), List.of()), JwtPermissions.Permission.NONE,
                    null)));
            pushAccepted(sys, a);
            await().atMost(TIMEOUT).untilAsserted(() -> {
                np.publish("elsewhere", bytes("x"));
                flush(np);
                assertThat(plainErrors.snapshot()).contains("Permissions Violation for Publish to \"elsewhere\"");
            });
            np.publish("only.this", bytes("allowed"));
            no.publish("elsewhere", bytes("own permissions"));
            flush(np, no);
            assertThat(ownErrors.snapshot()).isEmpty();
            // The watcher sees what got through: the allowed publish and the one with own permissions.
            List<String> got = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                got.add(text(next(watch)));
            }
            assertThat(got).containsExactlyInAnyOrder("allowed", "own permissions");
            // Some "elsewhere" publishes of the plain user may have raced the update; none after it.
            assertThat(np.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        }
    }

    @Test
    void revocationOlderThanTheUserJwtLeavesTheUserConnected() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        User alice = a.user("alice");
        Errors errors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection nc = connect(server, alice.creds(), errors)) {
            long issued = Instant.now().getEpochSecond() - 1; // not before the user JWT's iat
            a.update(c -> c.withRevocations(Map.of(alice.key().publicKey(), issued - 3600)));
            pushAccepted(sys, a);
            flush(nc);
            Subscription sub = nc.subscribe("s");
            flush(nc);
            nc.publish("s", bytes("still here"));
            assertThat(text(next(sub))).isEqualTo("still here");
            assertThat(errors.snapshot()).isEmpty();
        }
    }

    @Test
    void memoryResolverTakesUpdatesOnlyForItsOwnAccountsOnTheirSubjects() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        TestAccount unknown = f.account("UNKNOWN");
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection sys = connect(server, f.sys.user("admin").creds())) {
            // nats-server's MEMORY resolver does not listen on the general subject.
            assertThat(sys.request("$SYS.REQ.CLAIMS.UPDATE", bytes(unknown.jwt()))).failsWithin(TIMEOUT);
            JsonNode skipped = push(sys, "$SYS.REQ.ACCOUNT." + unknown.publicKey() + ".CLAIMS.UPDATE",
                    unknown.jwt());
            assertThat(skipped.get("data")).isEqualTo(JSON.readTree("{\"account\":\"" + unknown.publicKey()
                    + "\",\"code\":200,\"message\":\"jwt update skipped\"}"));
            Errors errors = new Errors();
            refusedConnect(server, unknown.user("u").creds(), errors);
            errors.awaitExactly("Authorization Violation");
            // A JWT about another account on an account's subject is refused.
            JsonNode mismatch = push(sys, "$SYS.REQ.ACCOUNT." + a.publicKey() + ".CLAIMS.UPDATE", unknown.jwt());
            assertThat(mismatch.get("error").get("description").asText())
                    .isEqualTo("jwt update resulted in error - subject does not match jwt content");
        }
    }
}
