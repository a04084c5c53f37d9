package io.natrix.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.NatsServer;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.Source;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Natrix's JetStream monitoring documents against the ones nats-server 2.9.10 wrote for the same configuration and
 * traffic (src/test/resources/monitor/reference/jetstream, see its README): /jsz with accounts, streams, consumers
 * and configurations, the system account's JSZ answers, /varz's {@code jetstream} and the API audit advisory have
 * the same keys, recursively, with the same JSON types, apart from what nats-server 2.10 and 2.11 added
 * ({@link #ADDED}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitorJetStreamReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String CONSUMERS = "account_details[].stream_detail[].consumer_detail[]";

    /**
     * Keys nats-server 2.11 writes that 2.9.10 did not (a path, or a path ending in ".*" for everything under it):
     * the API level, JetStream limits, the sync interval and {@code total}; consumer infos' {@code ts}; and the
     * 2.11 stream and consumer configurations, whose fields the configuration tests compare on their own.
     */
    private static final Set<String> ADDED = Set.of("total", "api.level", "limits", "config.sync_interval",
            "account_details[].api.level", CONSUMERS + ".ts", "account_details[].stream_detail[].config.*",
            CONSUMERS + ".config.*", "stats.api.level");

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, JsonNode> captured = new HashMap<>();
    private NatsServer server;
    private Connection nc;

    @BeforeAll
    void startWithReferenceTraffic(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("ref-js.conf");
        String text = new String(resource("ref-js.conf").readAllBytes(), StandardCharsets.UTF_8)
                .replace("@STORE@", dir.resolve("store").toString());
        Files.writeString(conf, text);
        ServerOptions.Builder builder = ConfigLoader.load(conf);
        builder.host = "127.0.0.1";
        builder.port = ServerOptions.RANDOM_PORT;
        builder.httpHost = "127.0.0.1";
        builder.httpPort = ServerOptions.RANDOM_PORT;
        server = new NatsServer(builder.build());
        server.start();
        String url = "nats://127.0.0.1:" + server.port();

        // The traffic of JsTraffic.java.txt, which nats-server saw when the reference documents were recorded.
        nc = Nats.connect(options(url, "a", "apass-SECRET"));
        Subscription audit = nc.subscribe("$JS.EVENT.ADVISORY.API");
        nc.flush(TIMEOUT);
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>")
                .storageType(StorageType.File).build());
        jsm.addStream(StreamConfiguration.builder().name("ALL").storageType(StorageType.Memory)
                .sources(Source.builder().name("ORDERS").build()).build());
        JetStream js = nc.jetStream();
        for (int i = 0; i < 5; i++) {
            Headers h = new Headers().add("X-N", Integer.toString(i));
            js.publish("orders.new", h, ("order-" + i).getBytes(StandardCharsets.UTF_8));
        }
        jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder().durable("worker").description("does work")
                .ackPolicy(AckPolicy.Explicit).filterSubject("orders.>").build());
        JetStreamSubscription pull = js.subscribe(null, PullSubscribeOptions.bind("ORDERS", "worker"));
        List<Message> got = pull.fetch(3, TIMEOUT);
        assertThat(got).hasSize(3);
        got.get(0).ack();
        got.get(1).ack();
        nc.flush(TIMEOUT);
        Subscription push = nc.subscribe("mon.deliver");
        jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder().durable("monitor")
                .deliverSubject("mon.deliver").ackPolicy(AckPolicy.None).build());
        for (int i = 0; i < 5; i++) {
            assertThat(push.nextMessage(TIMEOUT)).isNotNull();
        }
        try {
            jsm.getStreamInfo("NOPE");
        } catch (JetStreamApiException expected) {
            assertThat(expected.getApiErrorCode()).isEqualTo(10059);
        }
        nc.flush(TIMEOUT);
        captured.put("advisory_api_audit.json", JSON.readTree(audit.nextMessage(TIMEOUT).getData()));
        org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> ackFloorMoved());
        try (Connection sys = Nats.connect(options(url, "sys", "spass-SECRET"))) {
            captured.put("sys_account_A_jsz.json", request(sys, "$SYS.REQ.ACCOUNT.A.JSZ",
                    "{\"streams\":true,\"consumer\":true,\"config\":true}"));
            captured.put("sys_server_ping_jsz.json", request(sys, "$SYS.REQ.SERVER.PING.JSZ",
                    "{\"accounts\":true,\"streams\":true,\"consumer\":true}"));
            captured.put("sys_account_NOPE_jsz.json", request(sys, "$SYS.REQ.ACCOUNT.NOPE.JSZ", ""));
        }
    }

    /** The worker's acknowledgements have been applied (they travel without a confirmation). */
    private boolean ackFloorMoved() throws Exception {
        JsonNode jsz = JSON.readTree(get("/jsz?consumers=1").body());
        for (JsonNode s : jsz.at("/account_details/0/stream_detail")) {
            for (JsonNode c : s.path("consumer_detail")) {
                if (c.path("name").asText().equals("worker")) {
                    return c.at("/ack_floor/stream_seq").asLong() == 2;
                }
            }
        }
        return false;
    }

    @AfterAll
    void stop() throws InterruptedException {
        nc.close();
        server.close();
    }

    private static Options options(String url, String user, String pass) {
        return new Options.Builder().server(url).userInfo(user, pass).connectionTimeout(TIMEOUT).maxReconnects(0)
                .errorListener(new io.nats.client.ErrorListener() { }).build();
    }

    private static JsonNode request(Connection c, String subject, String body) throws Exception {
        Message m = c.request(subject, body.getBytes(StandardCharsets.UTF_8), TIMEOUT);
        assertThat(m).as(subject).isNotNull();
        return JSON.readTree(m.getData());
    }

    static Stream<String> documents() {
        return Stream.of("jsz.json", "jsz_acc_A.json", "jsz_acc_NOPE.json", "jsz_accounts_1_offset_5.json",
                "jsz_accounts_1_streams_1_consumers_1_config_1.json", "jsz_consumers_1.json", "jsz_streams_1.json",
                "varz.json", "advisory_api_audit.json", "sys_account_A_jsz.json", "sys_server_ping_jsz.json",
                "sys_account_NOPE_jsz.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void documentHasTheReferenceShape(String file) throws Exception {
        JsonNode reference = JSON.readTree(resource(file));
        JsonNode ours;
        if (captured.containsKey(file)) {
            ours = captured.get(file);
        } else {
            HttpResponse<String> response = get(pathOf(file));
            assertThat(response.statusCode()).as(file).isEqualTo(200);
            ours = JSON.readTree(response.body());
        }
        // Kept beside the build for side-by-side reading with the reference when a shape changes.
        Path copy = Path.of("target", "monitor-natrix", "jetstream", file);
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, ours.toPrettyString());
        if (file.equals("varz.json")) {
            // Only JetStream's part: the rest of /varz is compared by MonitorReferenceShapesTest.
            reference = reference.path("jetstream");
            ours = ours.path("jetstream");
        } else if (file.startsWith("sys_")) {
            // The envelope's server info is compared by the system account's tests.
            reference = reference.has("data") && !reference.get("data").isNull() ? reference.get("data")
                    : reference.get("error");
            ours = ours.has("data") ? ours.get("data") : ours.get("error");
        }
        Map<String, String> expected = MonitorReferenceShapesTest.shape(reference);
        Map<String, String> actual = MonitorReferenceShapesTest.shape(ours);
        Set<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(actual.keySet());
        Set<String> extra = new TreeSet<>(actual.keySet());
        extra.removeAll(expected.keySet());
        extra.removeIf(MonitorJetStreamReferenceTest::added);
        assertThat(missing).as(file + ": keys nats-server writes and Natrix does not").isEmpty();
        assertThat(extra).as(file + ": keys Natrix writes and nats-server does not").isEmpty();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertThat(actual.get(e.getKey())).as(file + ": JSON type of " + e.getKey()).isEqualTo(e.getValue());
        }
    }

    /** Whether {@code path} (in /jsz, or in an AccountDetail: the same paths without "account_details[].") is new. */
    private static boolean added(String path) {
        for (String a : ADDED) {
            for (String candidate : List.of(a, a.replace("account_details[].", ""))) {
                if (candidate.endsWith(".*") ? path.startsWith(candidate.substring(0, candidate.length() - 1))
                        : path.equals(candidate) || path.startsWith(candidate + ".")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void auditAdvisoryNamesTheRequestAndItsAnswer() {
        JsonNode advisory = captured.get("advisory_api_audit.json");
        assertThat(advisory.get("type").asText()).isEqualTo("io.nats.jetstream.advisory.v1.api_audit");
        assertThat(advisory.get("id").asText()).hasSize(22);
        assertThat(advisory.get("server").asText()).isEqualTo("ref");
        assertThat(advisory.at("/client/acc").asText()).isEqualTo("A");
        assertThat(advisory.at("/client/server").asText()).isEqualTo("ref");
        assertThat(advisory.at("/client/rtt").asLong()).isPositive();
        assertThat(advisory.get("subject").asText()).isEqualTo("$JS.API.STREAM.CREATE.ORDERS");
        assertThat(advisory.get("request").asText()).contains("\"name\":\"ORDERS\"");
        assertThat(advisory.get("response").asText()).startsWith(
                "{\"type\":\"io.nats.jetstream.api.v1.stream_create_response\"");
    }

    /** The path each reference document answered (its file name with "_" for "?", "&" and "="). */
    private static String pathOf(String file) {
        return switch (file) {
            case "jsz_acc_A.json" -> "/jsz?acc=A";
            case "jsz_acc_NOPE.json" -> "/jsz?acc=NOPE";
            case "jsz_accounts_1_offset_5.json" -> "/jsz?accounts=1&offset=5";
            case "jsz_accounts_1_streams_1_consumers_1_config_1.json" -> "/jsz?accounts=1&streams=1&consumers=1&config=1";
            case "jsz_consumers_1.json" -> "/jsz?consumers=1";
            case "jsz_streams_1.json" -> "/jsz?streams=1";
            default -> "/" + file.substring(0, file.length() - ".json".length());
        };
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.httpPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static InputStream resource(String name) {
        InputStream in = MonitorJetStreamReferenceTest.class.getResourceAsStream("/monitor/reference/jetstream/"
                + name);
        if (in == null) {
            throw new UncheckedIOException(new IOException("missing reference document " + name));
        }
        return in;
    }
}
