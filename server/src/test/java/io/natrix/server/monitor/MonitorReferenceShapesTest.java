package io.natrix.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.NatsServer;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Natrix's monitoring documents against the ones nats-server 2.9.10 wrote for the same configuration and traffic
 * (src/test/resources/monitor/reference, see its README): the same keys, recursively, with the same JSON types,
 * apart from the deliberate differences listed in {@link #ADDED} and {@link #ABSENT}; and the same status and
 * text for every bad or unusual input nats-server was asked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitorReferenceShapesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Keys Natrix writes that nats-server 2.9.10 did not, by document and path ("." separated, [] for arrays). */
    private static final Map<String, Set<String>> ADDED = Map.of(
            "varz.json", Set.of("slow_consumer_stats", "natrix_version"),
            "accstatz.json", Set.of("account_statz[].num_subscriptions", "account_statz[].name"),
            "accstatz_unused_1.json", Set.of("account_statz[].num_subscriptions", "account_statz[].name"),
            "jsz.json", Set.of("total", "api.level"),
            "routez.json", Set.of("server_name"),
            "accountz_acc_B.json", Set.of());
    /** Keys nats-server wrote that Natrix leaves out, by document (see the README for why). */
    private static final Map<String, Set<String>> ABSENT = Map.of(
            "accountz_acc_A.json", Set.of("account_detail.imports"));
    /** Paths whose JSON type differs on purpose: nats-server 2.10 writes [] where 2.9.10 wrote null. */
    private static final Map<String, Set<String>> RETYPED = Map.of("leafz.json", Set.of("leafs"));

    private final HttpClient http = HttpClient.newHttpClient();
    /**
     * The header block nats-server put on the request to a.svc when the reference was recorded:
     * {@code Nats-Request-Info: {"acc":"B","rtt":NNNNNNNN}} with an 8-digit round trip, 59 bytes. It reached conn-a
     * twice (a.svc and the queue subscription a.>), hence 118 of its 243 out_bytes.
     */
    private static final int REFERENCE_REQUEST_INFO_BYTES = 59;

    private NatsServer server;
    private Connection a;
    private Connection b;
    /** The header block Natrix put on the request to a.svc (its length depends on the round trip's digits). */
    private volatile int requestInfoBytes;

    @BeforeAll
    void startWithReferenceTraffic(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("ref.conf");
        try (InputStream in = resource("ref.conf")) {
            Files.write(conf, in.readAllBytes());
        }
        ServerOptions.Builder builder = ConfigLoader.load(conf);
        builder.host = "127.0.0.1";
        builder.port = ServerOptions.RANDOM_PORT;
        builder.httpHost = "127.0.0.1";
        builder.httpPort = ServerOptions.RANDOM_PORT;
        server = new NatsServer(builder.build());
        server.start();
        String url = "nats://127.0.0.1:" + server.port();

        // The traffic of Traffic.java.txt, which nats-server saw when the reference documents were recorded.
        a = Nats.connect(options(url, "a", "apass-SECRET", "conn-a"));
        b = Nats.connect(options(url, "b", "bpass-SECRET", "conn-b"));
        Subscription s1 = a.subscribe("a.new");
        a.subscribe("a.>", "workers");
        Dispatcher d = a.createDispatcher(m -> {
            requestInfoBytes = TrafficSnapshot.headerBlockLength(m);
            a.publish(m.getReplyTo(), m.getData());
        });
        d.subscribe("a.svc");
        b.subscribe("a.events.>");
        s1.unsubscribe(100);
        a.flush(TIMEOUT);
        b.flush(TIMEOUT);
        for (int i = 0; i < 10; i++) {
            a.publish("a.old", "hello".getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < 5; i++) {
            a.publish("a.events.x", "evt".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(b.request("a.svc", "ping".getBytes(StandardCharsets.UTF_8), TIMEOUT)).isNotNull();
        a.flush(TIMEOUT);
        b.flush(TIMEOUT);
        try (Connection c = Nats.connect(options(url, "a", "apass-SECRET", "closing"))) {
            c.subscribe("bye.>");
            c.publish("a.new", "x".getBytes(StandardCharsets.UTF_8));
            c.flush(TIMEOUT);
        }
        assertThatThrownBy(() -> Nats.connect(new Options.Builder(options(url, "a", "wrong", "badauth"))
                .maxReconnects(0).build())).isInstanceOf(Exception.class);
        org.awaitility.Awaitility.await().atMost(TIMEOUT)
                .until(() -> server.closedConnections().list().size() == 2);
    }

    @AfterAll
    void stop() throws InterruptedException {
        a.close();
        b.close();
        server.close();
    }

    private static Options options(String url, String user, String pass, String name) {
        return new Options.Builder().server(url).userInfo(user, pass).connectionName(name)
                .connectionTimeout(TIMEOUT)
                .errorListener(new io.nats.client.ErrorListener() { }).build();
    }

    static Stream<String> documents() {
        return Stream.of("varz.json", "connz.json", "connz_subs_1.json", "connz_subs_detail_auth_1.json",
                "connz_state_closed_subs_detail_auth_1.json", "connz_state_any_sort_msgs_from.json", "subsz.json",
                "subsz_subs_1_test_a.events.x.json", "accountz.json", "accountz_acc_A.json", "accountz_acc_B.json",
                "accstatz.json", "accstatz_unused_1.json", "healthz.json", "jsz.json", "routez.json",
                "gatewayz.json", "leafz.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void documentHasTheReferenceShape(String file) throws Exception {
        JsonNode reference;
        try (InputStream in = resource(file)) {
            reference = JSON.readTree(in);
        }
        HttpResponse<String> response = get(pathOf(file));
        assertThat(response.statusCode()).as(file).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode ours = JSON.readTree(response.body());
        // Kept beside the build for side-by-side reading with the reference when a shape changes.
        Path copy = Path.of("target", "monitor-natrix", file);
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, response.body());

        Map<String, String> expected = shape(reference);
        Map<String, String> actual = shape(ours);
        RETYPED.getOrDefault(file, Set.of()).forEach(path -> {
            expected.remove(path);
            actual.remove(path);
        });
        Set<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(actual.keySet());
        missing.removeIf(path -> ABSENT.getOrDefault(file, Set.of()).stream()
                .anyMatch(absent -> path.equals(absent) || path.startsWith(absent + ".")
                        || path.startsWith(absent + "[]")));
        Set<String> extra = new TreeSet<>(actual.keySet());
        extra.removeAll(expected.keySet());
        extra.removeIf(path -> ADDED.getOrDefault(file, Set.of()).stream()
                .anyMatch(added -> path.equals(added) || path.startsWith(added + ".")));
        // nats-server 2.10 also writes local_subject for service imports.
        extra.removeIf(path -> path.equals("account_detail.imports[].local_subject"));
        assertThat(missing).as(file + ": keys nats-server writes and Natrix does not").isEmpty();
        assertThat(extra).as(file + ": keys Natrix writes and nats-server does not").isEmpty();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            if (actual.containsKey(e.getKey())) {
                assertThat(actual.get(e.getKey())).as(file + ": JSON type of " + e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    /**
     * The traffic counters themselves: /varz in/out msgs/bytes, /accstatz sent/received per account and /connz
     * in/out per connection have nats-server's values for the same traffic, but for the round trip in the
     * request's Nats-Request-Info header, whose digits are a matter of timing.
     */
    @Test
    void trafficCountersHaveTheReferenceValues() throws Exception {
        long extra = 2L * (requestInfoBytes - REFERENCE_REQUEST_INFO_BYTES);
        JsonNode varz = JSON.readTree(get("/varz").body());
        JsonNode refVarz = reference("varz.json");
        for (String key : List.of("in_msgs", "in_bytes", "out_msgs", "out_bytes")) {
            long expected = refVarz.get(key).asLong() + (key.equals("out_bytes") ? extra : 0);
            assertThat(varz.get(key).asLong()).as("varz " + key).isEqualTo(expected);
        }
        Map<String, JsonNode> accounts = byKey(JSON.readTree(get("/accstatz?unused=1").body()), "account_statz", "acc");
        Map<String, JsonNode> refAccounts = byKey(reference("accstatz_unused_1.json"), "account_statz", "acc");
        assertThat(accounts.keySet()).containsAll(refAccounts.keySet());
        for (Map.Entry<String, JsonNode> e : refAccounts.entrySet()) {
            JsonNode ours = accounts.get(e.getKey());
            long sentExtra = e.getKey().equals("A") ? extra : 0; // the request was delivered in A
            assertThat(ours.at("/sent/msgs").asLong()).as(e.getKey() + " sent msgs")
                    .isEqualTo(e.getValue().at("/sent/msgs").asLong());
            assertThat(ours.at("/sent/bytes").asLong()).as(e.getKey() + " sent bytes")
                    .isEqualTo(e.getValue().at("/sent/bytes").asLong() + sentExtra);
            assertThat(ours.get("received")).as(e.getKey() + " received").isEqualTo(e.getValue().get("received"));
        }
        Map<String, JsonNode> conns = byKey(JSON.readTree(get("/connz?state=any").body()), "connections", "name");
        Map<String, JsonNode> refConns = byKey(reference("connz_state_any_sort_msgs_from.json"), "connections", "name");
        assertThat(conns.keySet()).isEqualTo(refConns.keySet());
        for (Map.Entry<String, JsonNode> e : refConns.entrySet()) {
            for (String key : List.of("in_msgs", "in_bytes", "out_msgs", "out_bytes")) {
                long expected = e.getValue().get(key).asLong()
                        + (e.getKey().equals("conn-a") && key.equals("out_bytes") ? extra : 0);
                assertThat(conns.get(e.getKey()).get(key).asLong()).as(e.getKey() + " " + key).isEqualTo(expected);
            }
        }
    }

    private static JsonNode reference(String file) throws IOException {
        try (InputStream in = resource(file)) {
            return JSON.readTree(in);
        }
    }

    /** The elements of the array {@code field} of {@code doc}, by the text of their {@code key}. */
    private static Map<String, JsonNode> byKey(JsonNode doc, String field, String key) {
        Map<String, JsonNode> m = new TreeMap<>();
        for (JsonNode element : doc.get(field)) {
            m.put(element.path(key).asText(), element);
        }
        return m;
    }

    static Stream<Arguments> badInput() throws IOException {
        List<Arguments> rows = new ArrayList<>();
        try (InputStream in = resource("errors.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t", 3);
                rows.add(Arguments.of(cols[0], Integer.parseInt(cols[1]), cols[2]));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badInput")
    void badInputIsAnsweredAsNatsServerDoes(String path, int status, String body) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(status);
        if (body.equals("json")) {
            assertThat(JSON.readTree(response.body()).isObject()).isTrue();
        } else {
            assertThat(response.body().strip()).as(path).isEqualTo(body);
        }
    }

    /** Every key path of a document with its JSON type; array elements merge into one "[]" element. */
    static Map<String, String> shape(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        collect("", node, out);
        return out;
    }

    private static void collect(String path, JsonNode node, Map<String, String> out) {
        if (!path.isEmpty()) {
            out.put(path, node.getNodeType().name());
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                // Map-valued fields keyed by data (mappings by subject, http_req_stats by path): compare the values.
                String key = path.endsWith("mappings") || path.endsWith("http_req_stats") ? "*" : e.getKey();
                collect(path.isEmpty() ? key : path + "." + key, e.getValue(), out);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                collect(path + "[]", element, out);
            }
        }
    }

    /** The path each reference document answered (its file name with "_" for "?", "&" and "="). */
    private static String pathOf(String file) {
        return switch (file) {
            case "connz_subs_1.json" -> "/connz?subs=1";
            case "connz_subs_detail_auth_1.json" -> "/connz?subs=detail&auth=1";
            case "connz_state_closed_subs_detail_auth_1.json" -> "/connz?state=closed&subs=detail&auth=1";
            case "connz_state_any_sort_msgs_from.json" -> "/connz?state=any&sort=msgs_from";
            case "subsz_subs_1_test_a.events.x.json" -> "/subsz?subs=1&test=a.events.x";
            case "accountz_acc_A.json" -> "/accountz?acc=A";
            case "accountz_acc_B.json" -> "/accountz?acc=B";
            case "accstatz_unused_1.json" -> "/accstatz?unused=1";
            default -> "/" + file.substring(0, file.length() - ".json".length());
        };
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.httpPort() + path.replace("*", "%2A"));
        return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static InputStream resource(String name) {
        InputStream in = MonitorReferenceShapesTest.class.getResourceAsStream("/monitor/reference/" + name);
        if (in == null) {
            throw new UncheckedIOException(new IOException("missing reference document " + name));
        }
        return in;
    }
}
