package io.natrix.server;

import static io.natrix.server.OperatorFixture.TIMEOUT;
import static io.natrix.server.OperatorFixture.bytes;
import static io.natrix.server.OperatorFixture.connect;
import static io.natrix.server.OperatorFixture.flush;
import static io.natrix.server.OperatorFixture.next;
import static io.natrix.server.OperatorFixture.pushAccepted;
import static io.natrix.server.OperatorFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.OperatorFixture.TestAccount;
import io.natrix.server.auth.AccountClaims;
import io.natrix.server.auth.ActivationClaims;
import io.natrix.server.auth.ClaimsData;
import io.natrix.server.auth.ExportType;
import io.natrix.server.auth.JwtEncoder;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounts from JWTs are separate subject spaces; only exports and imports declared in the account JWTs cross them,
 * and a private export only with an activation token issued to the importing account.
 */
class OperatorModeIsolationTest {
    private static final Duration QUIET = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private static AccountClaims.Export privateService(String subject) {
        return new AccountClaims.Export("", subject, ExportType.SERVICE, true, null, "", 0, null, 0, false, false,
                "", "");
    }

    private static AccountClaims.Import serviceImport(String subject, TestAccount from, String token) {
        return new AccountClaims.Import("", subject, from.publicKey(), token, "", "", ExportType.SERVICE, false,
                false);
    }

    /** An activation token from {@code exporter} letting {@code importerKey} import {@code subject}. */
    private static String activation(TestAccount exporter, String importerKey, String subject, ExportType type) {
        return JwtEncoder.encode(new ActivationClaims(ClaimsData.of(importerKey, "activation"), subject, type, "",
                List.of()), exporter.key);
    }

    @Test
    void usersOfTwoAccountsDoNotSeeEachOthersMessages() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A");
        TestAccount b = f.account("B");
        try (TestServer server = f.start(f.memoryConfig(a, b));
             Connection a1 = connect(server, a.user("a1").creds());
             Connection a2 = connect(server, a.user("a2").creds());
             Connection b1 = connect(server, b.user("b1").creds())) {
            Subscription inA = a2.subscribe(">");
            Subscription inB = b1.subscribe(">");
            flush(a2, b1);
            a1.publish("shared.subject", bytes("for A"));
            b1.publish("other.subject", bytes("for B"));
            flush(a1, b1);
            assertThat(text(next(inA))).isEqualTo("for A");
            assertThat(text(next(inB))).isEqualTo("for B");
            assertThat(inA.nextMessage(QUIET)).isNull();
            assertThat(inB.nextMessage(QUIET)).isNull();
            // Requests do not cross either: no responders in B.
            a2.createDispatcher(m -> a2.publish(m.getReplyTo(), bytes("A answers"))).subscribe("svc");
            flush(a2);
            assertThat(text(a1.request("svc", bytes("q"), TIMEOUT))).isEqualTo("A answers");
            assertThat(b1.request("svc", bytes("q"))).failsWithin(TIMEOUT);
        }
    }

    @Test
    void publicStreamExportReachesOnlyTheImportingAccount() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A").update(c -> c.withExports(List.of(
                AccountClaims.Export.of("news.>", ExportType.STREAM))));
        TestAccount b = f.account("B").update(c -> c.withImports(List.of(
                AccountClaims.Import.of("news.>", a.publicKey(), ExportType.STREAM))));
        TestAccount other = f.account("OTHER");
        try (TestServer server = f.start(f.memoryConfig(a, b, other));
             Connection pub = connect(server, a.user("pub").creds());
             Connection importer = connect(server, b.user("importer").creds());
             Connection outsider = connect(server, other.user("outsider").creds())) {
            Subscription news = importer.subscribe("news.>");
            Subscription notExported = importer.subscribe("internal.>");
            Subscription none = outsider.subscribe(">");
            flush(importer, outsider);
            pub.publish("internal.x", bytes("private"));
            pub.publish("news.sports", bytes("goal"));
            flush(pub);
            Message m = next(news);
            assertThat(m.getSubject()).isEqualTo("news.sports");
            assertThat(text(m)).isEqualTo("goal");
            assertThat(notExported.nextMessage(QUIET)).isNull();
            assertThat(none.nextMessage(QUIET)).isNull();
        }
    }

    @Test
    void privateServiceExportNeedsAnActivationTokenForTheImporter() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount svc = f.account("SVC").update(c -> c.withExports(List.of(privateService("svc.echo"))));
        TestAccount good = f.account("GOOD");
        TestAccount stolen = f.account("STOLEN");
        TestAccount tokenless = f.account("TOKENLESS");
        String goodToken = activation(svc, good.publicKey(), "svc.echo", ExportType.SERVICE);
        good.update(c -> c.withImports(List.of(serviceImport("svc.echo", svc, goodToken))));
        // Another account's token, copied: issued to GOOD, so worthless to STOLEN.
        stolen.update(c -> c.withImports(List.of(serviceImport("svc.echo", svc, goodToken))));
        tokenless.update(c -> c.withImports(List.of(serviceImport("svc.echo", svc, ""))));
        try (TestServer server = f.start(f.memoryConfig(svc, good, stolen, tokenless));
             Connection responder = connect(server, svc.user("responder").creds());
             Connection g = connect(server, good.user("g").creds());
             Connection s = connect(server, stolen.user("s").creds());
             Connection t = connect(server, tokenless.user("t").creds())) {
            responder.createDispatcher(m -> responder.publish(m.getReplyTo(), bytes("echo " + text(m))))
                    .subscribe("svc.echo");
            flush(responder);
            assertThat(text(g.request("svc.echo", bytes("hi"), TIMEOUT))).isEqualTo("echo hi");
            assertThat(s.request("svc.echo", bytes("hi"))).failsWithin(TIMEOUT);
            assertThat(t.request("svc.echo", bytes("hi"))).failsWithin(TIMEOUT);
        }
    }

    @Test
    void activationTokenForAStreamOfAnotherSubjectDoesNotOpenIt() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        AccountClaims.Export privateStream = new AccountClaims.Export("", "feed.>", ExportType.STREAM, true, null,
                "", 0, null, 0, false, false, "", "");
        TestAccount a = f.account("A").update(c -> c.withExports(List.of(privateStream)));
        TestAccount b = f.account("B");
        TestAccount c2 = f.account("C");
        String forB = activation(a, b.publicKey(), "feed.>", ExportType.STREAM);
        String narrow = activation(a, c2.publicKey(), "feed.public", ExportType.STREAM);
        b.update(c -> c.withImports(List.of(new AccountClaims.Import("", "feed.>", a.publicKey(), forB, "", "",
                ExportType.STREAM, false, false))));
        c2.update(c -> c.withImports(List.of(new AccountClaims.Import("", "feed.>", a.publicKey(), narrow, "", "",
                ExportType.STREAM, false, false))));
        try (TestServer server = f.start(f.memoryConfig(a, b, c2));
             Connection pub = connect(server, a.user("pub").creds());
             Connection nb = connect(server, b.user("b").creds());
             Connection nc = connect(server, c2.user("c").creds())) {
            Subscription inB = nb.subscribe("feed.>");
            Subscription inC = nc.subscribe("feed.>");
            flush(nb, nc);
            pub.publish("feed.all", bytes("x"));
            flush(pub);
            assertThat(text(next(inB))).isEqualTo("x");
            assertThat(inC.nextMessage(QUIET)).isNull();
        }
    }

    @Test
    void importAddedByAPushTakesEffectForConnectedUsers() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A").update(c -> c.withExports(List.of(
                AccountClaims.Export.of("news.>", ExportType.STREAM))));
        TestAccount b = f.account("B");
        try (TestServer server = f.start(f.memoryConfig(a, b));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection pub = connect(server, a.user("pub").creds());
             Connection nb = connect(server, b.user("b").creds())) {
            Subscription news = nb.subscribe("news.>");
            flush(nb);
            pub.publish("news.before", bytes("not yet"));
            flush(pub);
            assertThat(news.nextMessage(QUIET)).isNull();

            b.update(c -> c.withImports(List.of(AccountClaims.Import.of("news.>", a.publicKey(),
                    ExportType.STREAM))));
            pushAccepted(sys, b);
            pub.publish("news.after", bytes("now"));
            flush(pub);
            assertThat(next(news).getSubject()).isEqualTo("news.after");
        }
    }

    @Test
    void revokingAnActivationByAPushCutsTheImportOff() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount svc = f.account("SVC").update(c -> c.withExports(List.of(privateService("svc.echo"))));
        TestAccount good = f.account("GOOD");
        String token = activation(svc, good.publicKey(), "svc.echo", ExportType.SERVICE);
        good.update(c -> c.withImports(List.of(serviceImport("svc.echo", svc, token))));
        try (TestServer server = f.start(f.memoryConfig(svc, good));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection responder = connect(server, svc.user("responder").creds());
             Connection g = connect(server, good.user("g").creds())) {
            responder.createDispatcher(m -> responder.publish(m.getReplyTo(), bytes("echo " + text(m))))
                    .subscribe("svc.echo");
            flush(responder);
            assertThat(text(g.request("svc.echo", bytes("1"), TIMEOUT))).isEqualTo("echo 1");
            long now = java.time.Instant.now().getEpochSecond();
            svc.update(c -> c.withExports(List.of(new AccountClaims.Export("", "svc.echo", ExportType.SERVICE, true,
                    java.util.Map.of(good.publicKey(), now), "", 0, null, 0, false, false, "", ""))));
            pushAccepted(sys, svc);
            assertThat(g.request("svc.echo", bytes("2"))).failsWithin(TIMEOUT);
        }
    }

    @Test
    void exporterPushedAfterTheImporterIsInUseCompletesTheImport() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A").update(c -> c.withExports(List.of(
                AccountClaims.Export.of("news.>", ExportType.STREAM))));
        TestAccount b = f.account("B").update(c -> c.withImports(List.of(
                AccountClaims.Import.of("news.>", a.publicKey(), ExportType.STREAM))));
        try (TestServer server = f.start(f.fullConfig(dir.resolve("jwt"), b));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection nb = connect(server, b.user("b").creds())) {
            Subscription news = nb.subscribe("news.>");
            flush(nb);
            // A was unknown when B was set up: its import was skipped. Now A arrives.
            pushAccepted(sys, a);
            try (Connection pub = connect(server, a.user("pub").creds())) {
                pub.publish("news.late", bytes("arrived"));
                flush(pub);
                assertThat(text(next(news))).isEqualTo("arrived");
            }
        }
    }

    @Test
    void removingAnImportByAPushStopsTheFlow() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount a = f.account("A").update(c -> c.withExports(List.of(
                AccountClaims.Export.of("news.>", ExportType.STREAM))));
        TestAccount b = f.account("B").update(c -> c.withImports(List.of(
                AccountClaims.Import.of("news.>", a.publicKey(), ExportType.STREAM))));
        try (TestServer server = f.start(f.memoryConfig(a, b));
             Connection sys = connect(server, f.sys.user("admin").creds());
             Connection pub = connect(server, a.user("pub").creds());
             Connection nb = connect(server, b.user("b").creds())) {
            Subscription news = nb.subscribe("news.>");
            flush(nb);
            pub.publish("news.1", bytes("first"));
            flush(pub);
            assertThat(text(next(news))).isEqualTo("first");
            b.update(c -> c.withImports(List.of()));
            pushAccepted(sys, b);
            pub.publish("news.2", bytes("second"));
            flush(pub);
            assertThat(news.nextMessage(QUIET)).isNull();
        }
    }
}
