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
import io.natrix.server.OperatorFixture.Errors;
import io.natrix.server.OperatorFixture.TestAccount;
import io.natrix.server.OperatorFixture.User;
import io.natrix.server.auth.AccountLimits;
import io.nats.client.Connection;
import io.nats.client.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What operator mode does to live connections: revocations and limits pushed in account JWTs, user JWTs that
 * expire, and the account limits enforced at connect and on use.
 */
class OperatorModeLimitsTest {
    @TempDir
    Path dir;

    private static AccountLimits limits(long conn, long subs, long payload) {
        AccountLimits u = AccountLimits.UNLIMITED;
        return new AccountLimits(subs, u.data(), payload, u.imports(), u.exports(), u.wildcardExports(),
                u.disallowBearer(), conn, u.leaf(), u.jetStream(), u.tiered());
    }

    // ---------------------------------------------------------------- revocation

    @Test
    void revokedUserIsDisconnectedAndCannotComeBack() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        User alice = a.user("alice");
        Path aliceCreds = alice.creds();
        User bob = a.user("bob");
        Errors aliceErrors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection nca = connect(server, aliceCreds, aliceErrors);
             Connection ncb = connect(server, bob.creds())) {
            a.update(c -> c.withRevocations(Map.of(alice.key().publicKey(), Instant.now().getEpochSecond())));
            pushAccepted(sys, a);

            await().atMost(TIMEOUT).until(() -> nca.getStatus() == Connection.Status.CLOSED);
            aliceErrors.awaitExactly("User Authentication Revoked");
            // Others in the account are untouched.
            assertThat(ncb.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            Subscription sub = ncb.subscribe("still.here");
            flush(ncb);
            ncb.publish("still.here", bytes("yes"));
            assertThat(text(next(sub))).isEqualTo("yes");

            Errors again = new Errors();
            refusedConnect(server, aliceCreds, again);
            again.awaitExactly("Authorization Violation");
        }
    }

    @Test
    void revokingEveryoneIssuedBeforeNowDisconnectsTheWholeAccount() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        User alice = a.user("alice");
        User bob = a.user("bob");
        Errors aliceErrors = new Errors();
        Errors bobErrors = new Errors();
        try (TestServer server = f.start(f.fullConfig(dir.resolve("jwt"), a));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection nca = connect(server, alice.creds(), aliceErrors);
             Connection ncb = connect(server, bob.creds(), bobErrors)) {
            a.update(c -> c.withRevocations(Map.of("*", Instant.now().getEpochSecond())));
            JsonNode answer = push(sys, "$SYS.REQ.CLAIMS.UPDATE", a.jwt());
            assertThat(answer.get("data").get("code").asInt()).isEqualTo(200);
            await().atMost(TIMEOUT).until(() -> nca.getStatus() == Connection.Status.CLOSED
                    && ncb.getStatus() == Connection.Status.CLOSED);
            aliceErrors.awaitExactly("User Authentication Revoked");
            bobErrors.awaitExactly("User Authentication Revoked");
            // The system user is in another account and stays.
            assertThat(sys.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        }
    }

    // ---------------------------------------------------------------- expiry

    @Test
    void userJwtExpiringWhileConnectedClosesTheConnection() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        Errors errors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a))) {
            // Issued once the server runs, with room for a slow first connect (jnats' Ed25519 set-up on a busy
            // machine): a JWT that expired before its CONNECT would be refused instead.
            long expires = Instant.now().getEpochSecond() + 4;
            User brief = a.user("brief", OperatorFixture.expiringAt(expires));
            try (Connection nc = connect(server, brief.creds(), errors)) {
                assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
                await().atMost(Duration.ofSeconds(10)).until(() -> nc.getStatus() == Connection.Status.CLOSED);
                errors.awaitExactly("User Authentication Expired");
                // Not before the expiry second began.
                assertThat(Instant.now().getEpochSecond()).isGreaterThanOrEqualTo(expires);
            }
        }
    }

    @Test
    void alreadyExpiredUserJwtIsRefusedAtConnect() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        User stale = a.user("stale", OperatorFixture.expiringAt(Instant.now().getEpochSecond() - 10));
        try (TestServer server = f.start(f.memoryConfig(a))) {
            Errors errors = new Errors();
            refusedConnect(server, stale.creds(), errors);
            errors.awaitExactly("Authorization Violation");
            // The -ERR is written before the server closes and forgets the connection.
            await().atMost(TIMEOUT).until(() -> server.server().connections().isEmpty());
        }
    }

    // ---------------------------------------------------------------- account limits

    @Test
    void accountConnectionLimitRefusesTheSecondConnection() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A").update(c -> c.withLimits(limits(1, -1, -1)));
        Path creds = a.user("u").creds();
        try (TestServer server = f.start(f.memoryConfig(a))) {
            try (Connection first = connect(server, creds)) {
                Errors errors = new Errors();
                Exception refused = refusedConnect(server, creds, errors);
                errors.awaitExactly("maximum account active connections exceeded");
                // jnats reports it only to the listener; the exception just says it could not connect.
                assertThat(refused).isInstanceOf(java.io.IOException.class)
                        .isNotInstanceOf(io.nats.client.AuthenticationException.class);
                assertThat(first.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            }
            // The slot is free again once the first one is gone.
            await().atMost(TIMEOUT).until(() -> server.server().connections().isEmpty());
            try (Connection second = connect(server, creds)) {
                assertThat(second.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            }
        }
    }

    @Test
    void accountSubscriptionLimitRefusesTheSubscriptionOverIt() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A").update(c -> c.withLimits(limits(-1, 2, -1)));
        Errors errors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection nc = connect(server, a.user("u").creds(), errors)) {
            Subscription one = nc.subscribe("s.1");
            nc.subscribe("s.2");
            Subscription three = nc.subscribe("s.3");
            flush(nc);
            await().atMost(TIMEOUT).until(() -> !errors.seen.isEmpty());
            errors.awaitExactly("maximum subscriptions exceeded");
            assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            nc.publish("s.3", bytes("lost"));
            nc.publish("s.1", bytes("kept"));
            flush(nc);
            assertThat(text(next(one))).isEqualTo("kept");
            assertThat(three.nextMessage(Duration.ofMillis(200))).isNull();
        }
    }

    @Test
    void userSubscriptionLimitBelowTheAccountsApplies() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A").update(c -> c.withLimits(limits(-1, 10, -1)));
        User one = a.user("one", u -> u.withLimits(u.limits().withLimits(1, -1, -1)));
        Errors errors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection nc = connect(server, one.creds(), errors)) {
            nc.subscribe("s.1");
            nc.subscribe("s.2");
            flush(nc);
            await().atMost(TIMEOUT).until(() -> !errors.seen.isEmpty());
            errors.awaitExactly("maximum subscriptions exceeded");
        }
    }

    @Test
    void accountPayloadLimitClosesAConnectionThatPublishesMore() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A").update(c -> c.withLimits(limits(-1, -1, 1024)));
        Errors errors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection nc = connect(server, a.user("u").creds(), errors)) {
            // INFO goes out before the client says who it is, so it shows the server's limit, as nats-server's does;
            // jnats therefore lets the larger message through and the server refuses it.
            assertThat(nc.getServerInfo().getMaxPayload()).isEqualTo(1024 * 1024);
            Subscription sub = nc.subscribe("p");
            flush(nc);
            nc.publish("p", new byte[1024]);
            assertThat(next(sub).getData()).hasSize(1024);
            nc.publish("p", new byte[1025]);
            await().atMost(TIMEOUT).until(() -> nc.getStatus() == Connection.Status.CLOSED);
            errors.awaitExactly("Maximum Payload Violation");
        }
    }

    @Test
    void accountPayloadLimitOnTheWire() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A").update(c -> c.withLimits(limits(-1, -1, 8)));
        User u = a.user("u");
        try (TestServer server = f.start(f.memoryConfig(a));
             RawClient c = RawClient.connect(server)) {
            assertThat(c.info().get("max_payload").asLong()).isEqualTo(1024 * 1024);
            c.connectWith(RawClient.connectBody().put("jwt", u.jwt()).put("sig", RawClient.sign(u.key(), c.nonce())));
            assertThat(c.readLine()).isEqualTo("PONG");
            c.send("SUB p 1\r\nPUB p 8\r\n12345678\r\nPING\r\n");
            assertThat(c.readLine()).isEqualTo("MSG p 1 8");
            assertThat(c.readLine()).isEqualTo("12345678");
            assertThat(c.readLine()).isEqualTo("PONG");
            // Headers count: HPUB's total size is what the limit applies to.
            c.send("HPUB p 12 13\r\nNATS/1.0\r\n\r\nx\r\n");
            assertThat(c.readLine()).isEqualTo("-ERR 'Maximum Payload Violation'");
            c.expectClosed();
        }
    }

    @Test
    void serverPayloadLimitIsEnforcedByJnatsItselfBecauseInfoShowsIt() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        Errors errors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a) + "max_payload: 512\n");
             Connection nc = connect(server, a.user("u").creds(), errors)) {
            assertThat(nc.getServerInfo().getMaxPayload()).isEqualTo(512);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> nc.publish("p", new byte[513]))
                    .isInstanceOf(IllegalArgumentException.class);
            flush(nc);
            assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            assertThat(errors.snapshot()).isEmpty();
        }
    }

    @Test
    void userPayloadLimitClosesAConnectionThatPublishesMore() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        User small = a.user("small", u -> u.withLimits(u.limits().withLimits(-1, -1, 16)));
        Errors errors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection nc = connect(server, small.creds(), errors)) {
            nc.publish("p", new byte[17]);
            await().atMost(TIMEOUT).until(() -> nc.getStatus() == Connection.Status.CLOSED);
            errors.awaitExactly("Maximum Payload Violation");
        }
    }

    // ---------------------------------------------------------------- limits changed by a push

    @Test
    void loweringTheConnectionLimitClosesTheNewestConnections() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        Path creds = a.user("u").creds();
        Errors e1 = new Errors();
        Errors e2 = new Errors();
        Errors e3 = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection c1 = connect(server, creds, e1);
             Connection c2 = connect(server, creds, e2);
             Connection c3 = connect(server, creds, e3)) {
            a.update(c -> c.withLimits(limits(2, -1, -1)));
            pushAccepted(sys, a);
            await().atMost(TIMEOUT).until(() -> c3.getStatus() == Connection.Status.CLOSED);
            e3.awaitExactly("maximum account active connections exceeded");
            flush(c1, c2);
            assertThat(c1.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            assertThat(c2.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            assertThat(e1.snapshot()).isEmpty();
            assertThat(e2.snapshot()).isEmpty();
            // And the limit holds for newcomers.
            Errors refused = new Errors();
            refusedConnect(server, creds, refused);
            refused.awaitExactly("maximum account active connections exceeded");
        }
    }

    @Test
    void loweringTheSubscriptionLimitClosesAConnectionOverIt() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        Errors errors = new Errors();
        Errors fewErrors = new Errors();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection many = connect(server, a.user("many").creds(), errors);
             Connection few = connect(server, a.user("few").creds(), fewErrors)) {
            for (int i = 0; i < 3; i++) {
                many.subscribe("m." + i);
            }
            few.subscribe("f.0");
            flush(many, few);
            a.update(c -> c.withLimits(limits(-1, 2, -1)));
            pushAccepted(sys, a);
            await().atMost(TIMEOUT).until(() -> many.getStatus() == Connection.Status.CLOSED);
            errors.awaitExactly("maximum subscriptions exceeded");
            flush(few);
            assertThat(few.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            assertThat(fewErrors.snapshot()).isEmpty();
        }
    }

    @Test
    void raisingALimitByAPushLetsMoreIn() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A").update(c -> c.withLimits(limits(1, -1, -1)));
        Path creds = a.user("u").creds();
        try (TestServer server = f.start(f.memoryConfig(a));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection c1 = connect(server, creds)) {
            Errors refused = new Errors();
            refusedConnect(server, creds, refused);
            refused.awaitExactly("maximum account active connections exceeded");
            a.update(c -> c.withLimits(limits(2, -1, -1)));
            pushAccepted(sys, a);
            try (Connection c2 = connect(server, creds)) {
                assertThat(c2.getStatus()).isEqualTo(Connection.Status.CONNECTED);
                assertThat(c1.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            }
        }
    }
}
