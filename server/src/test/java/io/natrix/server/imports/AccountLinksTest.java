package io.natrix.server.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.TestServer;
import io.natrix.server.account.Account;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports wired directly ({@link AccountLinks}), driven by jnats clients in two accounts: streams cross with their
 * prefix, service requests cross and their responses come back, singleton routes close after one response, and a
 * request nobody in the exporter takes gets no responders.
 */
class AccountLinksTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String ACCOUNTS = """
            accounts {
              A { users = [ { user: a, password: p } ] }
              B { users = [ { user: b, password: p } ] }
            }
            """;

    @TempDir
    Path dir;

    private TestServer server() throws Exception {
        Path file = dir.resolve("accounts.conf");
        Files.writeString(file, ACCOUNTS);
        return TestServer.fromConfig(file);
    }

    private static Connection connect(TestServer server, String user) throws Exception {
        return Nats.connect(new Options.Builder().server(server.url()).userInfo(user, "p").maxReconnects(0)
                .connectionTimeout(TIMEOUT).build());
    }

    private static Account account(TestServer server, String name) {
        return server.server().accounts().getOrCreate(name);
    }

    private static String text(Message m) {
        return new String(m.getData(), StandardCharsets.UTF_8);
    }

    @Test
    void streamImportDeliversUnderThePrefixAndOnlyWhatIsExported() throws Exception {
        try (TestServer server = server();
             Connection a = connect(server, "a");
             Connection b = connect(server, "b")) {
            Account accA = account(server, "A");
            Account accB = account(server, "B");
            server.server().links().link(accA, List.of(ImportLink.stream(accB, "public.>", "from.b.public.>")));
            Subscription sub = a.subscribe("from.b.>");
            Subscription direct = a.subscribe("public.>");
            a.flush(TIMEOUT);
            b.publish("public.news", "hello".getBytes(StandardCharsets.UTF_8));
            b.publish("private.news", "secret".getBytes(StandardCharsets.UTF_8));
            b.flush(TIMEOUT);
            Message m = sub.nextMessage(TIMEOUT);
            assertThat(m).isNotNull();
            assertThat(m.getSubject()).isEqualTo("from.b.public.news");
            assertThat(text(m)).isEqualTo("hello");
            assertThat(sub.nextMessage(Duration.ofMillis(200))).isNull();
            assertThat(direct.nextMessage(Duration.ofMillis(50))).isNull();
        }
    }

    @Test
    void streamImportKeepsHeadersAndReply() throws Exception {
        try (TestServer server = server();
             Connection a = connect(server, "a");
             Connection b = connect(server, "b")) {
            server.server().links().link(account(server, "A"),
                    List.of(ImportLink.stream(account(server, "B"), "events.*", "events.*")));
            Subscription sub = a.subscribe("events.*");
            a.flush(TIMEOUT);
            Headers h = new Headers().add("X-Trace", "42");
            b.publish(NatsMessage.builder().subject("events.one").replyTo("back.here").headers(h)
                    .data("x".getBytes(StandardCharsets.UTF_8)).build());
            Message m = sub.nextMessage(TIMEOUT);
            assertThat(m.getSubject()).isEqualTo("events.one");
            assertThat(m.getReplyTo()).isEqualTo("back.here");
            assertThat(m.getHeaders().getFirst("X-Trace")).isEqualTo("42");
        }
    }

    @Test
    void serviceImportRoutesRequestsAndResponses() throws Exception {
        try (TestServer server = server();
             Connection a = connect(server, "a");
             Connection b = connect(server, "b")) {
            Account accB = account(server, "B");
            server.server().links().link(account(server, "A"),
                    List.of(ImportLink.service(accB, "svc.*", "remote.svc.*", true, null)));
            b.createDispatcher(msg -> b.publish(msg.getReplyTo(),
                    ("echo " + msg.getSubject() + " " + text(msg)).getBytes(StandardCharsets.UTF_8)))
                    .subscribe("svc.*");
            b.flush(TIMEOUT);
            Message reply = a.request("remote.svc.upper", "ping".getBytes(StandardCharsets.UTF_8), TIMEOUT);
            assertThat(reply).isNotNull();
            assertThat(text(reply)).isEqualTo("echo svc.upper ping");
            assertThat(server.server().links().pendingResponses(accB)).isZero();
        }
    }

    @Test
    void requestThatNoExporterTakesGetsNoResponders() throws Exception {
        try (TestServer server = server();
             Connection a = connect(server, "a")) {
            server.server().links().link(account(server, "A"),
                    List.of(ImportLink.service(account(server, "B"), "svc.none", "svc.none", true, null)));
            CompletableFuture<Message> f = a.request("svc.none", new byte[0]);
            // jnats cancels the request's future when the server answers 503 No Responders.
            assertThatThrownBy(() -> f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(CancellationException.class);
            assertThat(server.server().links().pendingResponses(account(server, "B"))).isZero();
        }
    }

    @Test
    void streamResponsesKeepFlowingUntilTheThreshold() throws Exception {
        try (TestServer server = server();
             Connection a = connect(server, "a");
             Connection b = connect(server, "b")) {
            Account accB = account(server, "B");
            server.server().links().link(account(server, "A"),
                    List.of(ImportLink.service(accB, "feed", "feed", false, Duration.ofMinutes(1))));
            b.createDispatcher(msg -> {
                for (int i = 0; i < 3; i++) {
                    b.publish(msg.getReplyTo(), ("part " + i).getBytes(StandardCharsets.UTF_8));
                }
            }).subscribe("feed");
            b.flush(TIMEOUT);
            Subscription inbox = a.subscribe("my.inbox");
            a.publish("feed", "my.inbox", new byte[0]);
            for (int i = 0; i < 3; i++) {
                Message m = inbox.nextMessage(TIMEOUT);
                assertThat(m).isNotNull();
                assertThat(text(m)).isEqualTo("part " + i);
            }
            assertThat(server.server().links().pendingResponses(accB)).isEqualTo(1);
        }
    }

    @Test
    void singletonRouteClosesAfterTheFirstResponse() throws Exception {
        try (TestServer server = server();
             Connection a = connect(server, "a");
             Connection b = connect(server, "b")) {
            Account accB = account(server, "B");
            server.server().links().link(account(server, "A"),
                    List.of(ImportLink.service(accB, "one", "one", true, null)));
            b.createDispatcher(msg -> {
                for (int i = 0; i < 3; i++) {
                    b.publish(msg.getReplyTo(), ("part " + i).getBytes(StandardCharsets.UTF_8));
                }
            }).subscribe("one");
            b.flush(TIMEOUT);
            Subscription inbox = a.subscribe("my.inbox");
            a.publish("one", "my.inbox", new byte[0]);
            assertThat(text(inbox.nextMessage(TIMEOUT))).isEqualTo("part 0");
            b.flush(TIMEOUT);
            assertThat(inbox.nextMessage(Duration.ofMillis(200))).isNull();
            assertThat(server.server().links().pendingResponses(accB)).isZero();
        }
    }

    @Test
    void unlinkStopsTheImport() throws Exception {
        try (TestServer server = server();
             Connection a = connect(server, "a");
             Connection b = connect(server, "b")) {
            Account accA = account(server, "A");
            server.server().links().link(accA, List.of(ImportLink.stream(account(server, "B"), "x", "x")));
            Subscription sub = a.subscribe("x");
            a.flush(TIMEOUT);
            b.publish("x", new byte[]{1});
            assertThat(sub.nextMessage(TIMEOUT)).isNotNull();
            server.server().links().unlink(accA);
            b.publish("x", new byte[]{2});
            b.flush(TIMEOUT);
            assertThat(sub.nextMessage(Duration.ofMillis(200))).isNull();
            assertThat(server.server().links().importsOf(accA)).isEmpty();
        }
    }

    @Test
    void aCycleOfStreamImportsIsCutByTheHopLimit() throws Exception {
        try (TestServer server = server();
             Connection a = connect(server, "a");
             Connection b = connect(server, "b")) {
            Account accA = account(server, "A");
            Account accB = account(server, "B");
            server.server().links().link(accA, List.of(ImportLink.stream(accB, "loop", "loop")));
            server.server().links().link(accB, List.of(ImportLink.stream(accA, "loop", "loop")));
            Subscription inA = a.subscribe("loop");
            a.flush(TIMEOUT);
            b.publish("loop", new byte[]{1});
            b.flush(TIMEOUT);
            int received = 0;
            while (inA.nextMessage(Duration.ofMillis(300)) != null) {
                received++;
            }
            assertThat(received).isBetween(1, 8);
            // The server is still well.
            assertThat(a.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            a.flush(TIMEOUT);
        }
    }
}
