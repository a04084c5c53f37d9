package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.bytes;
import static io.natrix.server.client.Jnats.flush;
import static io.natrix.server.client.Jnats.next;
import static io.natrix.server.client.Jnats.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Message tracing end to end with jnats, on the cases of nats-server's own tests (server/msgtrace_test.go): a
 * message with {@code Nats-Trace-Dest} makes the server publish one JSON event to that subject, in the publisher's
 * account, that says how the message came in, whether a mapping changed its subject, which imports it crossed and
 * which subscriptions got it or why not; {@code Nats-Trace-Only} reports the same without delivering; a sampled
 * {@code traceparent} traces to the account's {@code msg_trace} destination.
 */
class MsgTraceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE = "my.trace.subj";
    private static final String TRACEPARENT_SAMPLED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String TRACEPARENT_NOT_SAMPLED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

    @TempDir
    Path dir;

    private TestServer server(String config) throws IOException {
        return TestServer.fromConfig(Files.writeString(dir.resolve("server.conf"), config));
    }

    private static Connection connect(TestServer server, String user, String name) throws Exception {
        Options.Builder o = Jnats.options(server);
        if (user != null) {
            o.userInfo(user, "pwd");
        }
        if (name != null) {
            o.connectionName(name);
        }
        return Nats.connect(o.build());
    }

    private static long cid(Connection nc) {
        return nc.getServerInfo().getClientId();
    }

    private static NatsMessage traced(String subject, String reply, boolean traceOnly, String data,
                                      String... moreHeaders) {
        Headers h = new Headers();
        for (int i = 0; i < moreHeaders.length; i += 2) {
            h.add(moreHeaders[i], moreHeaders[i + 1]);
        }
        h.add("Nats-Trace-Dest", TRACE);
        if (traceOnly) {
            h.add("Nats-Trace-Only", "true");
        }
        return NatsMessage.builder().subject(subject).replyTo(reply).headers(h).data(bytes(data)).build();
    }

    private static JsonNode event(Subscription traces) throws Exception {
        return JSON.readTree(next(traces).getData());
    }

    private static List<JsonNode> events(JsonNode event, String type) {
        List<JsonNode> out = new ArrayList<>();
        event.path("events").forEach(e -> {
            if (e.path("type").asText().equals(type)) {
                out.add(e);
            }
        });
        return out;
    }

    /**
     * Asserts that nothing is pending on these subscriptions, after a flush of every connection given: the server
     * answers a flush after every message it routed to that connection before.
     */
    private static void nothingDelivered(List<Connection> connections, Subscription... subs) throws Exception {
        for (Connection c : connections) {
            flush(c);
        }
        for (Subscription s : subs) {
            assertThat(s.getPendingMessageCount()).as("messages for " + s.getSubject()).isZero();
        }
    }

    // ---------------------------------------------------------------- one account

    @Test
    void msgTraceReportsIngressMappingAndEachSubscriptionWithTheExactShape() throws Exception {
        try (TestServer server = server("mappings = { foo: bar }\n");
             Connection nc = connect(server, null, null);
             Connection nc2 = connect(server, null, "sub1And2");
             Connection nc3 = connect(server, null, null)) {
            Subscription traces = nc.subscribe(TRACE);
            Subscription sub1 = nc2.subscribe("bar");
            Subscription sub2 = nc2.subscribe("bar");
            Subscription sub3 = nc3.subscribe("*");
            flush(nc, nc2, nc3);

            for (boolean deliver : new boolean[] {false, true}) {
                NatsMessage m = traced("foo", null, !deliver, "hello!", "Some-App-Header", "some value");
                nc.publish(m);
                JsonNode e = event(traces);

                JsonNode serverInfo = e.path("server");
                assertThat(serverInfo.path("name").asText()).isEqualTo(server.server().serverName());
                assertThat(serverInfo.path("id").asText()).isNotEmpty();
                assertThat(serverInfo.path("ver").asText()).isEqualTo("2.11.0");
                assertThat(serverInfo.path("seq").asLong()).isPositive();
                List<String> headerNames = new ArrayList<>();
                e.path("request").path("header").fieldNames().forEachRemaining(headerNames::add);
                assertThat(headerNames).as("every header, sorted by name as Go writes a map")
                        .isEqualTo(deliver ? List.of("Nats-Trace-Dest", "Some-App-Header")
                                : List.of("Nats-Trace-Dest", "Nats-Trace-Only", "Some-App-Header"));
                assertThat(e.path("request").path("header").path("Some-App-Header").get(0).asText())
                        .isEqualTo("some value");
                int headerBytes = m.getHeaders().serializedLength();
                assertThat(e.path("request").path("msgsize").asInt()).isEqualTo(headerBytes + 6);
                assertThat(e.has("hops")).as("no routes: hops left out as Go leaves out a zero").isFalse();

                JsonNode in = e.path("events").get(0);
                assertThat(in.path("type").asText()).isEqualTo("in");
                assertThat(in.path("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d*[1-9])?Z");
                assertThat(in.path("kind").asInt()).isZero();
                assertThat(in.path("cid").asLong()).isEqualTo(cid(nc));
                assertThat(in.has("name")).as("no connection name: left out").isFalse();
                assertThat(in.path("acc").asText()).isEqualTo("$G");
                assertThat(in.path("subj").asText()).isEqualTo("foo");
                assertThat(in.has("error")).isFalse();

                JsonNode sm = e.path("events").get(1);
                assertThat(sm.path("type").asText()).isEqualTo("sm");
                assertThat(sm.path("to").asText()).isEqualTo("bar");
                assertThat(sm.path("ts").asText()).isNotEmpty();

                List<JsonNode> egress = events(e, "eg");
                assertThat(egress).hasSize(3);
                int toNc2 = 0;
                for (JsonNode eg : egress) {
                    assertThat(eg.path("kind").asInt()).isZero();
                    assertThat(eg.has("acc")).as("same account as the ingress: left out").isFalse();
                    assertThat(eg.has("error")).isFalse();
                    assertThat(eg.has("queue")).isFalse();
                    if (eg.path("cid").asLong() == cid(nc2)) {
                        assertThat(eg.path("name").asText()).isEqualTo("sub1And2");
                        assertThat(eg.path("sub").asText()).isEqualTo("bar");
                        toNc2++;
                    } else {
                        assertThat(eg.path("cid").asLong()).isEqualTo(cid(nc3));
                        assertThat(eg.has("name")).isFalse();
                        assertThat(eg.path("sub").asText()).isEqualTo("*");
                    }
                }
                assertThat(toNc2).isEqualTo(2);

                if (deliver) {
                    for (Subscription s : List.of(sub1, sub2, sub3)) {
                        Message got = next(s);
                        assertThat(text(got)).isEqualTo("hello!");
                        assertThat(got.getHeaders().getFirst("Nats-Trace-Dest")).as("headers kept").isEqualTo(TRACE);
                        assertThat(got.getHeaders().getFirst("Some-App-Header")).isEqualTo("some value");
                    }
                }
                nothingDelivered(List.of(nc2, nc3), sub1, sub2, sub3);
            }
        }
    }

    @Test
    void msgTraceWithoutInterestHasTheIngressOnly() throws Exception {
        try (TestServer server = server("port: -1\n");
             Connection nc = connect(server, null, "Tracer")) {
            Subscription traces = nc.subscribe(TRACE);
            flush(nc);
            nc.publish(traced("dummy", null, true, "hello!"));
            JsonNode e = event(traces);
            assertThat(e.path("events")).hasSize(1);
            assertThat(e.path("events").get(0).path("name").asText()).isEqualTo("Tracer");
            assertThat(e.path("events").get(0).path("subj").asText()).isEqualTo("dummy");
        }
    }

    @Test
    void msgTraceLeavesMessagesWithoutTheHeaderAlone() throws Exception {
        try (TestServer server = server("port: -1\n");
             Connection nc = connect(server, null, null)) {
            Subscription traces = nc.subscribe(TRACE);
            Subscription app = nc.subscribe("app");
            flush(nc);
            nc.publish("app", bytes("plain"));
            Headers h = new Headers().add("Other", "x").add("Nats-Trace-Destination", TRACE)
                    .add("X-Nats-Trace-Dest", TRACE);
            nc.publish(NatsMessage.builder().subject("app").headers(h).data(bytes("with headers")).build());
            Headers onlyTraceOnly = new Headers().add("Nats-Trace-Only", "true");
            nc.publish(NatsMessage.builder().subject("app").headers(onlyTraceOnly).data(bytes("only")).build());
            Headers parent = new Headers().add("traceparent", TRACEPARENT_SAMPLED);
            nc.publish(NatsMessage.builder().subject("app").headers(parent).data(bytes("w3c")).build());
            flush(nc);
            assertThat(text(next(app))).isEqualTo("plain");
            assertThat(text(next(app))).isEqualTo("with headers");
            assertThat(text(next(app))).as("Nats-Trace-Only alone traces nothing and delivers").isEqualTo("only");
            assertThat(text(next(app))).as("traceparent without an account destination").isEqualTo("w3c");
            nothingDelivered(List.of(nc), traces);
        }
    }

    @Test
    void msgTraceQueueGroupsReportTheMemberAndItsQueue() throws Exception {
        try (TestServer server = server("port: -1\n");
             Connection nc = connect(server, null, null);
             Connection workers = connect(server, null, "workers")) {
            Subscription traces = nc.subscribe(TRACE);
            Subscription w1 = workers.subscribe("jobs", "q");
            Subscription w2 = workers.subscribe("jobs", "q");
            flush(nc, workers);
            nc.publish(traced("jobs", null, false, "job"));
            JsonNode eg = events(event(traces), "eg").getFirst();
            assertThat(eg.path("queue").asText()).isEqualTo("q");
            assertThat(eg.path("sub").asText()).isEqualTo("jobs");
            assertThat(eg.path("name").asText()).isEqualTo("workers");
            flush(workers);
            assertThat(w1.getPendingMessageCount() + w2.getPendingMessageCount()).isEqualTo(1);
        }
    }

    // ---------------------------------------------------------------- refusals

    private static final String PERMISSIONS = """
            accounts {
              A {
                users: [
                  { user: a, password: pwd, permissions {
                      subscribe: { allow: ["my.trace.subj", "foo", "bar.>"], deny: "bar.bat" }
                      publish: { allow: ["foo", "bar.>", "my.trace.subj"], deny: ["bar.baz"] } } }
                  { user: n, password: pwd, permissions { publish: ["foo"], subscribe: ["foo", "bar"] } }
                ]
              }
            }
            """;

    @Test
    void msgTraceIngressErrorWhenThePublishIsNotAllowed() throws Exception {
        try (TestServer server = server(PERMISSIONS);
             Connection nc = connect(server, "a", null)) {
            Subscription traces = nc.subscribe(TRACE);
            Subscription foo = nc.subscribe("foo");
            flush(nc);
            for (boolean deliver : new boolean[] {false, true}) {
                nc.publish(traced("bar.baz", null, !deliver, "hello"));
                JsonNode e = event(traces);
                assertThat(e.path("events").get(0).path("error").asText())
                        .isEqualTo("Permissions Violation for Publish to \"bar.baz\"");
                assertThat(events(e, "eg")).isEmpty();
            }
            nothingDelivered(List.of(nc), foo);
        }
    }

    @Test
    void msgTraceToADestinationThePublisherMayNotUseIsRefusedAndNotDelivered() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        try (TestServer server = server(PERMISSIONS);
             Connection watcher = connect(server, "a", null);
             Connection nc = Nats.connect(Jnats.options(server).userInfo("n", "pwd").errorListener(new ErrorListener() {
                 @Override
                 public void errorOccurred(Connection conn, String error) {
                     errors.add(error);
                 }
             }).build())) {
            Subscription traces = watcher.subscribe(TRACE);
            Subscription foo = nc.subscribe("foo");
            flush(watcher, nc);
            nc.publish(traced("foo", null, false, "hello"));
            flush(nc);
            org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> !errors.isEmpty());
            assertThat(errors.getFirst()).contains("Permissions Violation for Publish to \"my.trace.subj\"");
            nothingDelivered(List.of(nc, watcher), foo, traces);
        }
    }

    @Test
    void msgTraceEgressErrorsSayWhyASubscriptionDidNotGetIt() throws Exception {
        try (TestServer server = server(PERMISSIONS);
             Connection nc = connect(server, "a", null)) {
            Subscription traces = nc.subscribe(TRACE);
            flush(nc);
            for (boolean deliver : new boolean[] {false, true}) {
                try (Connection noEcho = Nats.connect(Jnats.options(server).userInfo("a", "pwd").noEcho().build())) {
                    noEcho.subscribe("foo");
                    flush(noEcho);
                    noEcho.publish(traced("foo", null, !deliver, "hello"));
                    List<JsonNode> eg = events(event(traces), "eg");
                    assertThat(eg).hasSize(1);
                    assertThat(eg.getFirst().path("error").asText()).isEqualTo("Not delivered because of no echo");
                }
                try (Connection denied = connect(server, "a", null)) {
                    Subscription wide = denied.subscribe("bar.>");
                    flush(denied);
                    denied.publish(traced("bar.bat", null, !deliver, "hello"));
                    List<JsonNode> eg = events(event(traces), "eg");
                    assertThat(eg).hasSize(1);
                    assertThat(eg.getFirst().path("error").asText())
                            .isEqualTo("Not delivered because subscription denies this subject");
                    assertThat(eg.getFirst().path("sub").asText()).isEqualTo("bar.>");
                    nothingDelivered(List.of(denied), wide);
                }
            }
        }
    }

    @Test
    void msgTraceEgressErrorForASlowConsumerCutOff() throws Exception {
        try (TestServer server = TestServer.start(b -> {
                 b.maxPending = 1024;
                 b.maxPayload = 1024;
             });
             Connection nc = Jnats.connect(server);
             Socket slow = new Socket("127.0.0.1", server.port())) {
            Subscription traces = nc.subscribe(TRACE);
            flush(nc);
            slow.getOutputStream().write("CONNECT {\"verbose\":false}\r\nSUB big 1\r\nSUB big 2\r\nSUB big 3\r\nPING\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            readUntil(slow, "PONG\r\n");
            // One message to three subscriptions of one client: the second copy takes it past max_pending before
            // anything is flushed (it is cut off as a slow consumer), so the third finds it closed.
            nc.publish(traced("big", null, false, "x".repeat(600)));
            List<JsonNode> eg = events(event(traces), "eg");
            assertThat(eg).hasSize(3);
            assertThat(eg.subList(0, 2)).allSatisfy(e -> assertThat(e.has("error")).isFalse());
            assertThat(eg.get(2).path("error").asText()).isEqualTo("Not delivered because client is closed");
        }
    }

    private static void readUntil(Socket socket, String end) throws IOException {
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        StringBuilder got = new StringBuilder();
        while (!got.toString().endsWith(end)) {
            int b = socket.getInputStream().read();
            assertThat(b).as("connection open, read so far: " + got).isNotNegative();
            got.append((char) b);
        }
    }

    // ---------------------------------------------------------------- across accounts

    private static String serviceConfig(boolean allow) {
        return """
                accounts {
                  A {
                    users: [{user: a, password: pwd}]
                    exports: [ { service: ">", allow_trace: %1$s } ]
                    mappings = { bar: bozo }
                  }
                  B {
                    users: [{user: b, password: pwd}]
                    imports: [ { service: {account: "A", subject: ">"} } ]
                    exports: [ { service: ">", allow_trace: %1$s } ]
                  }
                  C {
                    users: [{user: c, password: pwd}]
                    exports: [ { service: ">", allow_trace: %1$s } ]
                  }
                  D {
                    users: [{user: d, password: pwd}]
                    imports: [
                      { service: {account: "B", subject: "bar"}, to: baz }
                      { service: {account: "C", subject: ">"} }
                    ]
                    mappings = { bat: baz }
                  }
                }
                """.formatted(allow);
    }

    @Test
    void msgTraceServiceImportsAreCrossedOnlyWhereTheExportAllowsTracing() throws Exception {
        for (boolean allow : new boolean[] {false, true}) {
            try (TestServer server = server(serviceConfig(allow));
                 Connection nc = connect(server, "d", "Requestor");
                 Connection serviceA = connect(server, "a", "ServiceA");
                 Connection serviceC = connect(server, "c", "ServiceC")) {
                Subscription traces = nc.subscribe(TRACE);
                Subscription inbox = nc.subscribe("my.service.response.inbox");
                Subscription requestsA = serviceA.subscribe("*", "my_queue");
                Subscription requestsC = serviceC.subscribe("baz");
                flush(nc, serviceA, serviceC);

                for (boolean deliver : new boolean[] {false, true}) {
                    nc.publish(traced("bat", "my.service.response.inbox", !deliver, "request"));
                    JsonNode e = event(traces);
                    JsonNode in = e.path("events").get(0);
                    assertThat(in.path("acc").asText()).isEqualTo("D");
                    assertThat(in.path("subj").asText()).isEqualTo("bat");
                    assertThat(in.path("name").asText()).isEqualTo("Requestor");
                    assertThat(events(e, "sm").getFirst().path("to").asText()).isEqualTo("baz");

                    List<String> crossings = new ArrayList<>();
                    for (JsonNode si : events(e, "si")) {
                        crossings.add(si.path("acc").asText() + " " + si.path("from").asText() + " -> "
                                + si.path("to").asText());
                    }
                    assertThat(crossings).as("allow_trace " + allow).containsExactlyInAnyOrderElementsOf(allow
                            ? List.of("B baz -> bar", "A bar -> bozo", "C baz -> baz")
                            : List.of("B baz -> bar", "C baz -> baz"));

                    List<JsonNode> egress = events(e, "eg");
                    if (!allow) {
                        assertThat(egress).isEmpty();
                    } else {
                        assertThat(egress).hasSize(2);
                        for (JsonNode eg : egress) {
                            if (eg.path("name").asText().equals("ServiceA")) {
                                assertThat(eg.path("acc").asText()).isEqualTo("A");
                                assertThat(eg.path("sub").asText()).isEqualTo("*");
                                assertThat(eg.path("queue").asText()).isEqualTo("my_queue");
                                assertThat(eg.path("cid").asLong()).isEqualTo(cid(serviceA));
                            } else {
                                assertThat(eg.path("name").asText()).isEqualTo("ServiceC");
                                assertThat(eg.path("acc").asText()).isEqualTo("C");
                                assertThat(eg.path("sub").asText()).isEqualTo("baz");
                                assertThat(eg.has("queue")).isFalse();
                            }
                        }
                    }

                    if (deliver) {
                        Message toA = next(requestsA);
                        assertThat(toA.getSubject()).isEqualTo("bozo");
                        Message toC = next(requestsC);
                        assertThat(toC.getHeaders().getFirst("Nats-Trace-Dest"))
                                .as("C's export allow_trace " + allow)
                                .isEqualTo(allow ? TRACE : "trace disabled");
                        assertThat(toC.getHeaders().getFirst("Nats-Request-Info")).contains("\"acc\":\"D\"");
                        serviceA.publish(toA.getReplyTo(), toA.getData());
                        serviceC.publish(toC.getReplyTo(), toC.getData());
                        assertThat(text(next(inbox))).isEqualTo("request");
                        assertThat(text(next(inbox))).isEqualTo("request");
                    } else if (!allow) {
                        // Both imports stop a trace-only request that may not be traced into the exporters, so
                        // nobody took it: the requester hears "no responders", as from nats-server.
                        Message none = next(inbox);
                        assertThat(none.isStatusMessage()).isTrue();
                        assertThat(none.getStatus().getCode()).isEqualTo(503);
                    }
                    nothingDelivered(List.of(nc, serviceA, serviceC), requestsA, requestsC, inbox);
                    for (String exporter : List.of("A", "B", "C")) {
                        assertThat(server.server().links().pendingResponses(server.server().accounts().get(exporter)))
                                .as("response routes left into " + exporter).isZero();
                    }
                }
            }
        }
    }

    private static String streamConfig(boolean allow) {
        return """
                accounts {
                  A {
                    users: [{user: a, password: pwd}]
                    exports: [ { stream: "info.*.*.>" } ]
                  }
                  B {
                    users: [{user: b, password: pwd}]
                    imports: [ { stream: {account: "A", subject: "info.*.*.>"}, to: "B.info.$2.$1.>",
                                 allow_trace: %1$s } ]
                  }
                  C {
                    users: [{user: c, password: pwd}]
                    imports: [ { stream: {account: "A", subject: "info.*.*.>"}, to: "C.info.$1.$2.>",
                                 allow_trace: %1$s } ]
                  }
                }
                """.formatted(allow);
    }

    @Test
    void msgTraceStreamImportsAreCrossedOnlyWhereTheImportAllowsTracing() throws Exception {
        for (boolean allow : new boolean[] {false, true}) {
            try (TestServer server = server(streamConfig(allow));
                 Connection nc = connect(server, "a", "Tracer");
                 Connection nc2 = connect(server, "b", "sub1");
                 Connection nc3 = connect(server, "c", "sub2")) {
                Subscription traces = nc.subscribe(TRACE);
                Subscription sub1 = nc2.subscribe("B.info.*.*.>");
                Subscription sub2 = nc3.subscribe("C.info.>", "my_queue");
                flush(nc, nc2, nc3);

                for (boolean deliver : new boolean[] {false, true}) {
                    nc.publish(traced("info.11.22.bar", null, !deliver, "hello"));
                    JsonNode e = event(traces);
                    assertThat(e.path("events").get(0).path("acc").asText()).isEqualTo("A");
                    assertThat(events(e, "sm")).isEmpty();
                    assertThat(events(e, "si")).isEmpty();
                    List<String> exports = new ArrayList<>();
                    events(e, "se").forEach(se -> exports.add(se.path("acc").asText() + " " + se.path("to").asText()));
                    assertThat(exports).containsExactlyInAnyOrder("B B.info.22.11.bar", "C C.info.11.22.bar");

                    List<JsonNode> egress = events(e, "eg");
                    if (!allow) {
                        assertThat(egress).isEmpty();
                    } else {
                        assertThat(egress).hasSize(2);
                        for (JsonNode eg : egress) {
                            // nats-server names the import's subject here ("info.*.*.>"), the subject of the
                            // subscription it places in the exporter; Natrix names the subscriber's own.
                            if (eg.path("acc").asText().equals("B")) {
                                assertThat(eg.path("name").asText()).isEqualTo("sub1");
                                assertThat(eg.path("sub").asText()).isEqualTo("B.info.*.*.>");
                                assertThat(eg.has("queue")).isFalse();
                            } else {
                                assertThat(eg.path("acc").asText()).isEqualTo("C");
                                assertThat(eg.path("name").asText()).isEqualTo("sub2");
                                assertThat(eg.path("sub").asText()).isEqualTo("C.info.>");
                                assertThat(eg.path("queue").asText()).isEqualTo("my_queue");
                            }
                        }
                    }
                    if (deliver) {
                        assertThat(next(sub1).getSubject()).isEqualTo("B.info.22.11.bar");
                        assertThat(next(sub2).getSubject()).isEqualTo("C.info.11.22.bar");
                    }
                    nothingDelivered(List.of(nc2, nc3), sub1, sub2);
                }
            }
        }
    }

    @Test
    void msgTraceAllowTraceChangesWithAReload() throws Exception {
        Path file = dir.resolve("server.conf");
        try (TestServer server = server(streamConfig(false));
             Connection nc = connect(server, "a", null);
             Connection nc2 = connect(server, "b", "sub1")) {
            Subscription traces = nc.subscribe(TRACE);
            Subscription sub1 = nc2.subscribe("B.info.>");
            flush(nc, nc2);
            nc.publish(traced("info.1.2.x", null, false, "before"));
            assertThat(events(event(traces), "eg")).isEmpty();

            Files.writeString(file, streamConfig(true));
            io.natrix.server.config.ServerOptions.Builder next = io.natrix.server.config.ConfigLoader.load(file);
            next.host = "127.0.0.1";
            next.port = io.natrix.server.config.ServerOptions.RANDOM_PORT;
            server.server().reload(next.build());

            nc.publish(traced("info.1.2.x", null, false, "after"));
            List<JsonNode> egress = events(event(traces), "eg");
            assertThat(egress).hasSize(1);
            assertThat(egress.getFirst().path("acc").asText()).isEqualTo("B");
            assertThat(text(next(sub1))).isEqualTo("before");
            assertThat(text(next(sub1))).isEqualTo("after");
        }
    }

    // ---------------------------------------------------------------- traceparent, encodings, old headers

    @Test
    void msgTraceTraceparentTracesToTheAccountDestinationWhenSampled() throws Exception {
        String config = """
                accounts {
                  A { users: [{user: a, password: pwd}], msg_trace: { dest: "acc.trace.dest", sampling: "100%" } }
                  B { users: [{user: b, password: pwd}] }
                }
                """;
        try (TestServer server = server(config);
             Connection nc = connect(server, "a", null);
             Connection other = connect(server, "b", null)) {
            Subscription accTraces = nc.subscribe("acc.trace.dest");
            Subscription traces = nc.subscribe(TRACE);
            Subscription app = nc.subscribe("foo");
            Subscription bTraces = other.subscribe("acc.trace.dest");
            flush(nc, other);

            nc.publish(NatsMessage.builder().subject("foo").data(bytes("1"))
                    .headers(new Headers().add("TraceParent", TRACEPARENT_SAMPLED).add("Nats-Trace-Only", "true"))
                    .build());
            JsonNode e = event(accTraces);
            assertThat(e.path("request").path("header").path("TraceParent").get(0).asText())
                    .isEqualTo(TRACEPARENT_SAMPLED);
            assertThat(events(e, "eg")).hasSize(1);
            assertThat(text(next(app))).as("Nats-Trace-Only does not apply to traceparent").isEqualTo("1");

            nc.publish(NatsMessage.builder().subject("foo").data(bytes("2"))
                    .headers(new Headers().add("traceparent", TRACEPARENT_NOT_SAMPLED)).build());
            assertThat(text(next(app))).isEqualTo("2");

            nc.publish(NatsMessage.builder().subject("foo").data(bytes("3"))
                    .headers(new Headers().add("traceparent", TRACEPARENT_SAMPLED).add("Nats-Trace-Dest", TRACE))
                    .build());
            assertThat(event(traces).path("events").get(0).path("subj").asText())
                    .as("Nats-Trace-Dest wins over the account destination").isEqualTo("foo");
            assertThat(text(next(app))).isEqualTo("3");

            other.publish(NatsMessage.builder().subject("foo").data(bytes("4"))
                    .headers(new Headers().add("traceparent", TRACEPARENT_SAMPLED)).build());
            flush(other);
            nothingDelivered(List.of(nc, other), accTraces, traces, bTraces);
        }
    }

    @Test
    void msgTraceEventsAreCompressedAsAcceptEncodingAsks() throws Exception {
        try (TestServer server = server("port: -1\n");
             Connection nc = connect(server, null, null)) {
            Subscription traces = nc.subscribe(TRACE);
            flush(nc);

            nc.publish(traced("foo", null, true, "x", "Accept-Encoding", "gzip"));
            Message gz = next(traces);
            assertThat(gz.getHeaders().getFirst("Content-Encoding")).isEqualTo("gzip");
            JsonNode e = JSON.readTree(new GZIPInputStream(new ByteArrayInputStream(gz.getData())).readAllBytes());
            assertThat(e.path("events").get(0).path("subj").asText()).isEqualTo("foo");

            nc.publish(traced("foo", null, true, "x", "Accept-Encoding", "snappy"));
            Message snappy = next(traces);
            assertThat(snappy.getHeaders().getFirst("Content-Encoding")).isEqualTo("snappy");
            assertThat(JSON.readTree(unframeSnappy(snappy.getData())).path("events").get(0).path("type").asText())
                    .isEqualTo("in");

            nc.publish(traced("foo", null, true, "x", "Accept-Encoding", "br"));
            Message identity = next(traces);
            assertThat(identity.getHeaders().getFirst("Content-Encoding")).isEqualTo("identity");
            assertThat(JSON.readTree(identity.getData()).path("events")).hasSize(1);
        }
    }

    /** Reads the snappy framing format, checking each chunk's masked CRC-32C (uncompressed chunks only). */
    private static byte[] unframeSnappy(byte[] framed) {
        assertThat(new String(framed, 4, 6, StandardCharsets.US_ASCII)).isEqualTo("sNaPpY");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int at = 10;
        while (at < framed.length) {
            assertThat(framed[at]).as("an uncompressed-data chunk").isEqualTo((byte) 1);
            int length = (framed[at + 1] & 0xff) | (framed[at + 2] & 0xff) << 8 | (framed[at + 3] & 0xff) << 16;
            int crc = (framed[at + 4] & 0xff) | (framed[at + 5] & 0xff) << 8 | (framed[at + 6] & 0xff) << 16
                    | (framed[at + 7] & 0xff) << 24;
            java.util.zip.CRC32C check = new java.util.zip.CRC32C();
            check.update(framed, at + 8, length - 4);
            int c = (int) check.getValue();
            assertThat(crc).isEqualTo(((c >>> 15) | (c << 17)) + 0xa282ead8);
            out.write(framed, at + 8, length - 4);
            at += 4 + length;
        }
        return out.toByteArray();
    }

    @Test
    void msgTraceOriginAccountHeaderTurnsTracingOffInTheDeliveredMessage() throws Exception {
        try (TestServer server = server("port: -1\n");
             Connection nc = connect(server, null, null)) {
            Subscription traces = nc.subscribe(TRACE);
            Subscription app = nc.subscribe("foo");
            flush(nc);
            nc.publish(traced("foo", null, false, "hello", "Nats-Trace-Origin-Account", "B"));
            Message got = next(app);
            assertThat(got.getHeaders().getFirst("Nats-Trace-Dest")).isEqualTo("trace disabled");
            assertThat(got.getHeaders().getFirst("Nats-Trace-Origin-Account")).isEqualTo("B");
            nc.publish(traced("foo", null, true, "dropped", "Nats-Trace-Origin-Account", "B"));
            nothingDelivered(List.of(nc), app, traces);
        }
    }
}
