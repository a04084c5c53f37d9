package io.natrix.server.imports;

import static io.natrix.server.imports.ImportFixture.TIMEOUT;
import static io.natrix.server.imports.ImportFixture.bytes;
import static io.natrix.server.imports.ImportFixture.nothingPending;
import static io.natrix.server.imports.ImportFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.imports.ImportFixture.Seen;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which subjects imports carry messages under, end to end with jnats: renaming with {@code to} and {@code $n}
 * wildcards (services and streams), the exporter's account-level mappings, chains of imports, and headers and
 * large payloads crossing intact. Checked against nats-server 2.9.10.
 */
class ConfiguredImportsRoutingTest {
    private static final String CONFIG = """
            accounts {
              A {
                users = [ { user: a, password: p } ]
                exports = [
                  { service: "svc.*.info" }
                  { service: "pair.*.*" }
                  { service: "api.>" }
                  { stream: "events.*.*" }
                  { service: "legacy.*" }
                  { service: "echo" }
                  { stream: "big.>" }
                ]
                mappings = { "legacy.*": "v2.$1" }
              }
              B {
                users = [ { user: b, password: p } ]
                imports = [
                  { service: { account: A, subject: "svc.*.info" }, to: "info.$1" }
                  { service: { account: A, subject: "pair.*.*" }, to: "swap.$2.$1" }
                  { service: { account: A, subject: "api.>" }, to: "a.api.>" }
                  { stream: { account: A, subject: "events.*.*" }, to: "ev.$2.$1" }
                  { service: { account: A, subject: "legacy.*" } }
                  { service: { account: A, subject: "echo" } }
                  { stream: { account: A, subject: "big.>" } }
                ]
              }
            }
            mappings = { "legacy.*": "global.$1" }
            authorization { users = [ { user: g, password: p } ] }
            """;

    private static final String CHAIN = """
            accounts {
              C {
                users = [ { user: c, password: p } ]
                exports = [ { service: "calc.>" }, { stream: "ticks.>" } ]
              }
              B {
                users = [ { user: b, password: p } ]
                imports = [
                  { service: { account: C, subject: "calc.>" } }
                  { stream: { account: C, subject: "ticks.>" } }
                ]
                exports = [ { service: "calc.>" }, { stream: "ticks.>" } ]
              }
              A {
                users = [ { user: a, password: p } ]
                imports = [
                  { service: { account: B, subject: "calc.>" }, to: "b.calc.>" }
                  { stream: { account: B, subject: "ticks.>" }, prefix: "b" }
                ]
              }
            }
            """;

    @TempDir
    Path dir;

    /** A responder in {@code a} on {@code subject} that answers with the subject it received. */
    private static void answerWithSubject(Connection a, String subject) throws Exception {
        a.createDispatcher(m -> {
            if (m.getReplyTo() != null) {
                a.publish(m.getReplyTo(), bytes(m.getSubject()));
            }
        }).subscribe(subject);
        a.flush(TIMEOUT);
    }

    @Test
    void serviceImportsRenameWithWildcards() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            answerWithSubject(a, "svc.*.info");
            answerWithSubject(a, "pair.*.*");
            answerWithSubject(a, "api.>");

            assertThat(text(b.request("info.joe", bytes("?"), TIMEOUT))).isEqualTo("svc.joe.info");
            assertThat(text(b.request("swap.one.two", bytes("?"), TIMEOUT))).isEqualTo("pair.two.one");
            assertThat(text(b.request("a.api.v1.users.list", bytes("?"), TIMEOUT))).isEqualTo("api.v1.users.list");
        }
    }

    @Test
    void streamImportsRenameWithWildcards() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Subscription ev = b.subscribe("ev.>");
            Subscription original = b.subscribe("events.>");
            b.flush(TIMEOUT);

            a.publish("events.click.home", "reply.in.a", bytes("clicked"));
            Message m = ev.nextMessage(TIMEOUT);
            assertThat(m.getSubject()).isEqualTo("ev.home.click");
            assertThat(text(m)).isEqualTo("clicked");
            // a stream import keeps the reply subject as it was (nats-server does too)
            assertThat(m.getReplyTo()).isEqualTo("reply.in.a");
            assertThat(nothingPending(b, original, a)).isTrue();
            assertThat(ev.getPendingMessageCount()).isZero();
        }
    }

    @Test
    void accountMappingsApplyToTheAccountAndToRequestsImportedIntoIt() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Connection g = f.connect("g");
            f.tap("a", "b", "g");
            answerWithSubject(a, "v2.*");

            a.publish("legacy.x", bytes("t1 from a"));
            assertThat(f.settle("t1", a)).extracting(Seen::receiver, Seen::subject)
                    .containsExactly(tuple("a", "v2.x"));

            // B's request keeps its subject in B and is mapped when it crosses into A
            Message answer = b.request("legacy.q", bytes("t2 from b"), TIMEOUT);
            assertThat(text(answer)).isEqualTo("v2.q");

            // the top-level mappings are those of $G only
            g.publish("legacy.x", bytes("t3 from g"));
            assertThat(f.settle("t3", g)).extracting(Seen::receiver, Seen::subject)
                    .containsExactly(tuple("g", "global.x"));
            b.publish("legacy.y", bytes("t4 from b"));
            List<Seen> seen = f.settle("t4", b);
            assertThat(seen).extracting(Seen::receiver, Seen::subject).containsExactlyInAnyOrder(
                    tuple("b", "legacy.y"),
                    tuple("a", "v2.y"));
        }
    }

    @Test
    void headersAndLargePayloadsCrossIntact() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            byte[] payload = new byte[512 * 1024];
            new Random(42).nextBytes(payload);
            a.createDispatcher(m -> {
                Headers h = new Headers();
                m.getHeaders().forEach((k, v) -> {
                    if (k.startsWith("X-")) {
                        h.add(k, v);
                    }
                });
                h.add("X-Answer", "yes");
                a.publish(NatsMessage.builder().subject(m.getReplyTo()).headers(h).data(m.getData()).build());
            }).subscribe("echo");
            a.flush(TIMEOUT);

            Headers sent = new Headers().add("X-Multi", "one", "two").add("X-Key", "value with spaces");
            Message answer = b.request(NatsMessage.builder().subject("echo").headers(sent).data(payload).build(),
                    TIMEOUT);
            assertThat(answer.getData()).isEqualTo(payload);
            assertThat(answer.getHeaders().get("X-Multi")).containsExactly("one", "two");
            assertThat(answer.getHeaders().getFirst("X-Key")).isEqualTo("value with spaces");
            assertThat(answer.getHeaders().getFirst("X-Answer")).isEqualTo("yes");

            Subscription big = b.subscribe("big.>");
            b.flush(TIMEOUT);
            a.publish(NatsMessage.builder().subject("big.file").headers(sent).data(payload).build());
            Message m = big.nextMessage(TIMEOUT);
            assertThat(m.getData()).isEqualTo(payload);
            assertThat(m.getHeaders().get("X-Multi")).containsExactly("one", "two");
            assertThat(m.getHeaders().getFirst("X-Key")).isEqualTo("value with spaces");
        }
    }

    @Test
    void chainedServiceImportsReachTheLastExporterAndAnswerBack() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CHAIN)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Connection c = f.connect("c");
            c.createDispatcher(m -> c.publish(m.getReplyTo(), bytes("c answers " + m.getSubject())))
                    .subscribe("calc.>");
            c.flush(TIMEOUT);

            assertThat(text(a.request("b.calc.add", bytes("1+1"), TIMEOUT))).isEqualTo("c answers calc.add");
            // B's own clients use the same import
            assertThat(text(b.request("calc.mul", bytes("2*2"), TIMEOUT))).isEqualTo("c answers calc.mul");
            if (f.natrix()) {
                assertThat(f.pendingResponses("B")).isZero();
                assertThat(f.pendingResponses("C")).isZero();
            }
        }
    }

    @Test
    void chainedStreamImportsStopAtTheFirstImporter() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CHAIN)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Connection c = f.connect("c");
            f.tap("a", "b", "c");
            // As nats-server (2.9.10 and still today): a stream B imports from C and exports again never
            // reaches A; stream imports do not chain.
            c.publish("ticks.1", bytes("tick"));
            assertThat(f.settle("tick", c)).extracting(Seen::receiver, Seen::subject).containsExactlyInAnyOrder(
                    tuple("c", "ticks.1"),
                    tuple("b", "ticks.1"));
            // nothing flows back up the chain
            a.publish("ticks.2", bytes("tick up"));
            b.publish("b.ticks.3", bytes("tick up"));
            assertThat(f.settle("tick up", a, b)).extracting(Seen::receiver, Seen::subject)
                    .containsExactlyInAnyOrder(
                            tuple("a", "ticks.2"),
                            tuple("b", "b.ticks.3"));
        }
    }

    private static final String SHARING = """
            accounts {
              C {
                users = [ { user: c, password: p } ]
                exports = [ { service: "calc.>" } ]
              }
              B {
                users = [ { user: b, password: p } ]
                imports = [ { service: { account: C, subject: "calc.>" }, share: true } ]
                exports = [ { service: "calc.>" } ]
              }
              A {
                users = [ { user: a, password: p } ]
                imports = [ { service: { account: B, subject: "calc.>" }, to: "b.calc.>" } ]
              }
            }
            """;

    /** The Nats-Request-Info header of a request, parsed. */
    private static Map<String, Object> requestInfo(Message m) throws Exception {
        assertThat(m.getHeaders()).as("headers of the request").isNotNull();
        return new ObjectMapper().readValue(m.getHeaders().getFirst("Nats-Request-Info"),
                new TypeReference<Map<String, Object>>() { });
    }

    @Test
    void theExporterLearnsWhichAccountAsksAndMoreWhenShared() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, SHARING)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Connection c = f.connect("c");
            java.util.concurrent.BlockingQueue<Message> seen = new java.util.concurrent.LinkedBlockingQueue<>();
            c.createDispatcher(m -> {
                seen.add(m);
                c.publish(m.getReplyTo(), bytes("ok"));
            }).subscribe("calc.>");
            c.flush(TIMEOUT);

            // B's import shares: C learns who in B asks, and which server it is on
            Headers mine = new Headers().add("X-A", "1").add("Nats-Request-Info", "{\"acc\":\"SPOOF\"}");
            b.request(NatsMessage.builder().subject("calc.mul").headers(mine).data(bytes("?")).build(), TIMEOUT);
            Message m = seen.poll(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThat(m.getHeaders().get("Nats-Request-Info")).as("the client's own is replaced").hasSize(1);
            assertThat(m.getHeaders().getFirst("X-A")).isEqualTo("1");
            Map<String, Object> shared = requestInfo(m);
            assertThat(shared).containsEntry("acc", "B").containsEntry("user", "b").containsEntry("lang", "java")
                    .containsEntry("host", "127.0.0.1").containsEntry("kind", "Client")
                    .containsEntry("client_type", "nats").containsKeys("start", "id", "server", "name", "ver")
                    .doesNotContainKey("svc");
            if (f.natrix()) {
                assertThat(shared.get("server")).isEqualTo(f.server().server().serverName());
            }

            // A's import into B does not share, B's into C does: C sees A's account by way of B, and the server
            b.flush(TIMEOUT);
            a.request(NatsMessage.builder().subject("b.calc.add").headers(mine).data(bytes("?")).build(), TIMEOUT);
            m = seen.poll(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            Map<String, Object> chained = requestInfo(m);
            assertThat(chained).containsEntry("acc", "A").containsEntry("svc", "B").containsKey("server")
                    .doesNotContainKeys("user", "name", "host", "start", "kind");
            assertThat(chained.keySet()).isSubsetOf("acc", "svc", "rtt", "server");
        }
    }

    @Test
    void anUnsharedImportTellsTheAccountOnly() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Subscription requests = a.subscribe("echo");
            a.flush(TIMEOUT);
            b.publish("echo", bytes("no headers of its own"));
            Message m = requests.nextMessage(TIMEOUT);
            Map<String, Object> info = requestInfo(m);
            assertThat(info).containsEntry("acc", "B");
            assertThat(info.keySet()).isSubsetOf("acc", "rtt");
            assertThat(text(m)).isEqualTo("no headers of its own");
        }
    }
}
