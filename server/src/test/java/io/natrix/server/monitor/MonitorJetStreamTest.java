package io.natrix.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.NatsServer;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JetStream's monitoring driven by jnats traffic, value by value: /jsz totals, consumer details and their options,
 * the system account's JSZ answers, /healthz checks of accounts, streams and consumers (and of streams that did not
 * load), and the per-stream and per-consumer /metrics families.
 */
class MonitorJetStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Accounts A and B with JetStream, C without, SYS as the system account; monitoring on. */
    private NatsServer start() throws Exception {
        Path conf = dir.resolve("js.conf");
        Files.writeString(conf, """
                server_name: mon
                jetstream { store_dir: "%s" }
                accounts {
                  A { users [{user: a, password: a}], jetstream: enabled }
                  B { users [{user: b, password: b}], jetstream: enabled }
                  C { users [{user: c, password: c}] }
                  SYS { users [{user: sys, password: sys}] }
                }
                system_account: SYS
                """.formatted(dir.resolve("store")));
        ServerOptions.Builder b = ConfigLoader.load(conf);
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.httpHost = "127.0.0.1";
        b.httpPort = ServerOptions.RANDOM_PORT;
        NatsServer server = new NatsServer(b.build());
        server.start();
        return server;
    }

    private static Connection connect(NatsServer server, String user) throws Exception {
        return Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + server.port())
                .userInfo(user, user).connectionTimeout(TIMEOUT).maxReconnects(0)
                .errorListener(new ErrorListener() { }).build());
    }

    private HttpResponse<String> get(NatsServer server, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.httpPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(NatsServer server, String path) throws Exception {
        HttpResponse<String> response = get(server, path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode request(Connection c, String subject, String body) throws Exception {
        Message m = c.request(subject, body.getBytes(StandardCharsets.UTF_8), TIMEOUT);
        assertThat(m).as(subject).isNotNull();
        return JSON.readTree(m.getData());
    }

    /**
     * In A: stream ORDERS (file, 6 messages) with the pull consumer "worker" (3 fetched, 1 acknowledged) and the
     * push consumer "audit" (description with a quote and a backslash); in B: stream EVENTS (memory, 2 messages)
     * with the pull consumer "reader".
     */
    private static void traffic(Connection a, Connection b) throws Exception {
        JetStreamManagement jsm = a.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>").maxBytes(1 << 20)
                .storageType(StorageType.File).build());
        JetStream js = a.jetStream();
        for (int i = 0; i < 6; i++) {
            js.publish("orders." + (i % 2 == 0 ? "new" : "paid"), ("order-" + i).getBytes(StandardCharsets.UTF_8));
        }
        jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder().durable("worker")
                .ackPolicy(AckPolicy.Explicit).build());
        JetStreamSubscription pull = js.subscribe(null, PullSubscribeOptions.bind("ORDERS", "worker"));
        List<Message> got = pull.fetch(3, TIMEOUT);
        assertThat(got).hasSize(3);
        got.get(0).ackSync(TIMEOUT);
        jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder().durable("audit")
                .description("say \"hi\" \\ bye").deliverSubject("audit.deliver").ackPolicy(AckPolicy.None).build());

        JetStreamManagement jsmB = b.jetStreamManagement();
        jsmB.addStream(StreamConfiguration.builder().name("EVENTS").subjects("events.>")
                .storageType(StorageType.Memory).build());
        for (int i = 0; i < 2; i++) {
            b.jetStream().publish("events.x", new byte[] {1, 2, 3});
        }
        jsmB.addOrUpdateConsumer("EVENTS", ConsumerConfiguration.builder().durable("reader")
                .ackPolicy(AckPolicy.Explicit).build());
    }

    private static JsonNode consumer(JsonNode jsz, String account, String stream, String name) {
        for (JsonNode a : jsz.path("account_details")) {
            for (JsonNode s : a.path("stream_detail")) {
                for (JsonNode c : s.path("consumer_detail")) {
                    if (a.get("name").asText().equals(account) && s.get("name").asText().equals(stream)
                            && c.get("name").asText().equals(name)) {
                        return c;
                    }
                }
            }
        }
        throw new AssertionError("no consumer " + account + " > " + stream + " > " + name + " in " + jsz);
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.get("name").asText()));
        return names;
    }

    // ---------------------------------------------------------------- /jsz

    @Test
    void jszCountsConsumersAndDetailsThemWithItsOptions() throws Exception {
        try (NatsServer server = start(); Connection a = connect(server, "a"); Connection b = connect(server, "b")) {
            traffic(a, b);
            JsonNode totals = json(server, "/jsz");
            assertThat(totals.get("streams").asInt()).isEqualTo(2);
            assertThat(totals.get("consumers").asInt()).isEqualTo(3);
            assertThat(totals.get("messages").asInt()).isEqualTo(8);
            assertThat(totals.get("accounts").asInt()).isEqualTo(2);
            assertThat(totals.get("total").asInt()).isEqualTo(2);
            assertThat(totals.get("reserved_storage").asLong()).isEqualTo(1 << 20);
            assertThat(totals.at("/api/level").asInt()).isEqualTo(1);
            assertThat(totals.has("account_details")).isFalse();

            // consumers=1 implies streams and accounts; without config=1 no configuration is written.
            JsonNode detailed = json(server, "/jsz?consumers=1");
            assertThat(names(detailed.get("account_details"))).containsExactly("A", "B");
            JsonNode a0 = detailed.at("/account_details/0");
            assertThat(a0.at("/reserved_memory").isBigInteger()).isTrue(); // -1 (unlimited) as Go's uint64
            assertThat(a0.at("/api/level").asInt()).isZero();
            JsonNode orders = a0.at("/stream_detail/0");
            assertThat(orders.get("name").asText()).isEqualTo("ORDERS");
            assertThat(orders.at("/cluster/leader").asText()).isEqualTo("mon");
            assertThat(orders.at("/state/consumer_count").asInt()).isEqualTo(2);
            assertThat(orders.has("config")).isFalse();
            assertThat(names(orders.get("consumer_detail"))).containsExactly("audit", "worker");
            await().atMost(TIMEOUT).untilAsserted(() -> {
                JsonNode worker = consumer(json(server, "/jsz?consumers=1"), "A", "ORDERS", "worker");
                assertThat(worker.at("/delivered/stream_seq").asLong()).isEqualTo(3);
                assertThat(worker.at("/ack_floor/stream_seq").asLong()).isEqualTo(1);
                assertThat(worker.at("/ack_floor/last_active").isTextual()).isTrue();
                assertThat(worker.get("num_ack_pending").asLong()).isEqualTo(2);
                assertThat(worker.get("num_pending").asLong()).isEqualTo(3);
                assertThat(worker.has("config")).isFalse();
            });
            JsonNode withConfig = json(server, "/jsz?consumers=1&config=1");
            assertThat(consumer(withConfig, "A", "ORDERS", "audit").at("/config/description").asText())
                    .isEqualTo("say \"hi\" \\ bye");
            assertThat(withConfig.at("/account_details/0/stream_detail/0/config/max_bytes").asLong())
                    .isEqualTo(1 << 20);

            // Paging over accounts in name order; acc= names one account whatever accounts= says.
            assertThat(names(json(server, "/jsz?accounts=1&offset=1&limit=1").get("account_details")))
                    .containsExactly("B");
            assertThat(json(server, "/jsz?accounts=1&offset=5").has("account_details")).isFalse();
            JsonNode onlyB = json(server, "/jsz?acc=B");
            assertThat(names(onlyB.get("account_details"))).containsExactly("B");
            assertThat(onlyB.at("/account_details/0").has("stream_detail")).isFalse();
            assertThat(names(json(server, "/jsz?acc=B&streams=1").at("/account_details/0/stream_detail")))
                    .containsExactly("EVENTS");
            assertThat(json(server, "/jsz?acc=C&streams=1").has("account_details")).isFalse();
            // A single server leads everything: the leader filters change nothing.
            assertThat(json(server, "/jsz?leader-only=1&stream-leader-only=1&raft=1&consumers=1")
                    .get("account_details")).hasSize(2);
            assertThat(get(server, "/jsz?consumers=maybe").statusCode()).isEqualTo(400);
        }
    }

    @Test
    void systemAccountJszAnswersCarryTheSameDetail() throws Exception {
        try (NatsServer server = start(); Connection a = connect(server, "a"); Connection b = connect(server, "b");
             Connection sys = connect(server, "sys")) {
            traffic(a, b);
            JsonNode ping = request(sys, "$SYS.REQ.SERVER.PING.JSZ", "{\"accounts\":true,\"consumer\":true}");
            JsonNode data = ping.get("data");
            assertThat(data.get("consumers").asInt()).isEqualTo(3);
            assertThat(names(data.get("account_details"))).containsExactly("A", "B");
            assertThat(names(data.at("/account_details/0/stream_detail/0/consumer_detail")))
                    .containsExactly("audit", "worker");
            JsonNode filtered = request(sys, "$SYS.REQ.SERVER.PING.JSZ", "{\"account\":\"B\",\"leader_only\":true}");
            assertThat(names(filtered.at("/data/account_details"))).containsExactly("B");

            // The account request answers with the account's detail alone (nats-server's JszAccount).
            JsonNode account = request(sys, "$SYS.REQ.ACCOUNT.A.JSZ",
                    "{\"streams\":true,\"consumer\":true,\"config\":true}").get("data");
            assertThat(account.get("name").asText()).isEqualTo("A");
            assertThat(names(account.at("/stream_detail/0/consumer_detail"))).containsExactly("audit", "worker");
            assertThat(account.at("/stream_detail/0/consumer_detail/0/config/deliver_subject").asText())
                    .isEqualTo("audit.deliver");
            JsonNode bare = request(sys, "$SYS.REQ.ACCOUNT.B.JSZ", "").get("data");
            assertThat(bare.has("stream_detail")).isFalse();
            assertThat(bare.at("/api/total").asLong()).isPositive();
            JsonNode noJs = request(sys, "$SYS.REQ.ACCOUNT.C.JSZ", "");
            assertThat(noJs.at("/error/code").asInt()).isEqualTo(500);
            assertThat(noJs.at("/error/description").asText()).isEqualTo("account \"C\" not jetstream enabled");
            assertThat(request(sys, "$SYS.REQ.ACCOUNT.NOPE.JSZ", "").at("/error/description").asText())
                    .isEqualTo("account \"NOPE\" not found");
        }
    }

    @Test
    void leaderOnlyJszRequestIsNotAnsweredWithoutJetStream() throws Exception {
        Path conf = dir.resolve("nojs.conf");
        Files.writeString(conf, """
                accounts { A { users [{user: a, password: a}] }, SYS { users [{user: sys, password: sys}] } }
                system_account: SYS
                """);
        ServerOptions.Builder builder = ConfigLoader.load(conf);
        builder.host = "127.0.0.1";
        builder.port = ServerOptions.RANDOM_PORT;
        try (NatsServer server = new NatsServer(builder.build())) {
            server.start();
            try (Connection sys = connect(server, "sys")) {
                // Both requests answer on one subscription; the system thread answers in order, so when the second
                // answer arrives first, the first will never come (nats-server's errSkipZreq).
                Subscription replies = sys.subscribe("replies.*");
                sys.publish("$SYS.REQ.SERVER.PING.JSZ", "replies.leader",
                        "{\"leader_only\":true}".getBytes(StandardCharsets.UTF_8));
                sys.publish("$SYS.REQ.SERVER.PING.JSZ", "replies.plain", new byte[0]);
                Message first = replies.nextMessage(TIMEOUT);
                assertThat(first.getSubject()).isEqualTo("replies.plain");
                assertThat(JSON.readTree(first.getData()).at("/data/disabled").asBoolean()).isTrue();
            }
        }
    }

    // ---------------------------------------------------------------- /healthz

    @Test
    void healthzChecksAccountsStreamsAndConsumers() throws Exception {
        try (NatsServer server = start(); Connection a = connect(server, "a"); Connection b = connect(server, "b")) {
            traffic(a, b);
            for (String ok : List.of("/healthz", "/healthz?account=A", "/healthz?account=A&stream=ORDERS",
                    "/healthz?account=A&stream=ORDERS&consumer=worker", "/healthz?account=B&stream=EVENTS",
                    "/healthz?account=B&stream=EVENTS&consumer=reader", "/healthz?js-enabled-only=1")) {
                HttpResponse<String> response = get(server, ok);
                assertThat(response.statusCode()).as(ok + ": " + response.body()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
            }
            Map<String, String> missing = Map.of(
                    "/healthz?account=A&stream=ORDERS&consumer=nope",
                    "{\"status\":\"unavailable\",\"error\":\"JetStream consumer \\\"nope\\\" not found for stream "
                            + "\\\"ORDERS\\\" on account \\\"A\\\"\"}",
                    "/healthz?account=A&stream=NOPE",
                    "{\"status\":\"unavailable\",\"error\":\"JetStream stream \\\"NOPE\\\" not found on account "
                            + "\\\"A\\\"\"}",
                    "/healthz?account=C",
                    "{\"status\":\"unavailable\",\"error\":\"JetStream account \\\"C\\\" not found\"}");
            for (Map.Entry<String, String> e : missing.entrySet()) {
                HttpResponse<String> response = get(server, e.getKey());
                assertThat(response.statusCode()).as(e.getKey()).isEqualTo(404);
                assertThat(response.body()).as(e.getKey()).isEqualTo(e.getValue());
            }
            HttpResponse<String> details = get(server, "/healthz?account=B&stream=EVENTS&consumer=nope&details=1");
            assertThat(details.statusCode()).isEqualTo(404);
            JsonNode error = JSON.readTree(details.body());
            assertThat(error.get("status").asText()).isEqualTo("error");
            assertThat(error.at("/errors/0/type").asText()).isEqualTo("CONSUMER");
            assertThat(error.at("/errors/0/account").asText()).isEqualTo("B");
            assertThat(error.at("/errors/0/stream").asText()).isEqualTo("EVENTS");
            assertThat(error.at("/errors/0/consumer").asText()).isEqualTo("nope");
            // js-server-only does not look at streams.
            assertThat(get(server, "/healthz?js-server-only=1&account=A&stream=NOPE").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void healthzReportsAStreamThatDidNotLoad() throws Exception {
        try (NatsServer server = start(); Connection a = connect(server, "a")) {
            a.jetStreamManagement().addStream(StreamConfiguration.builder().name("KEPT").subjects("kept")
                    .storageType(StorageType.File).build());
        }
        Path sum = dir.resolve("store").resolve("jetstream").resolve("A").resolve("streams").resolve("KEPT")
                .resolve("meta.sum");
        Files.writeString(sum, "00000000");
        try (NatsServer server = start()) {
            HttpResponse<String> response = get(server, "/healthz");
            assertThat(response.statusCode()).isEqualTo(503);
            // Written by Go's encoder, which escapes '>'.
            assertThat(response.body()).isEqualTo("{\"status\":\"unavailable\","
                    + "\"error\":\"JetStream stream 'A \\u003e KEPT' could not be recovered\"}");
            JsonNode details = JSON.readTree(get(server, "/healthz?details=1").body());
            assertThat(details.get("status").asText()).isEqualTo("error");
            assertThat(details.at("/errors/0/type").asText()).isEqualTo("STREAM");
            assertThat(details.at("/errors/0/stream").asText()).isEqualTo("KEPT");
            assertThat(get(server, "/healthz?account=B").statusCode()).isEqualTo(200);
            assertThat(get(server, "/healthz?js-enabled-only=1").statusCode()).isEqualTo(200);
        }
    }

    // ---------------------------------------------------------------- /metrics

    @Test
    void metricsHaveStreamAndConsumerFamilies() throws Exception {
        try (NatsServer server = start(); Connection a = connect(server, "a"); Connection b = connect(server, "b")) {
            traffic(a, b);
            String id = "server_id=\"" + server.serverId() + "\"";
            String serverLabels = id + ",server_name=\"mon\",is_meta_leader=\"true\"";
            String orders = serverLabels + ",account=\"A\",account_name=\"A\",account_id=\"A\",stream_name=\"ORDERS\""
                    + ",stream_leader=\"mon\",is_stream_leader=\"true\"";
            String worker = orders + ",consumer_name=\"worker\",is_consumer_leader=\"true\"";
            await().atMost(TIMEOUT).untilAsserted(() -> {
                Map<String, Double> m = MonitorEndpointsTest.samples(get(server, "/metrics").body());
                assertThat(m.get("jetstream_consumer_ack_floor_stream_seq{" + worker + "}")).isEqualTo(1.0);
            });
            HttpResponse<String> response = get(server, "/metrics");
            Map<String, Double> m = MonitorEndpointsTest.samples(response.body());
            assertThat(m.get("jetstream_server_jetstream_disabled{" + serverLabels + "}")).isZero();
            assertThat(m.get("jetstream_server_total_streams{" + serverLabels + "}")).isEqualTo(2.0);
            assertThat(m.get("jetstream_server_total_consumers{" + serverLabels + "}")).isEqualTo(3.0);
            assertThat(m.get("jetstream_server_total_messages{" + serverLabels + "}")).isEqualTo(8.0);
            assertThat(m.get("gnatsd_varz_jetstream_stats_accounts{" + id + "}")).isEqualTo(2.0);
            assertThat(m.get("gnatsd_varz_jetstream_stats_api_total{" + id + "}")).isPositive();
            assertThat(m.get("gnatsd_varz_jetstream_stats_reserved_storage{" + id + "}")).isEqualTo(1 << 20);
            assertThat(m.get("jetstream_account_storage_used{" + serverLabels
                    + ",account=\"A\",account_name=\"A\",account_id=\"A\"}")).isPositive();
            assertThat(m.get("jetstream_stream_total_messages{" + orders + "}")).isEqualTo(6.0);
            assertThat(m.get("jetstream_stream_first_seq{" + orders + "}")).isEqualTo(1.0);
            assertThat(m.get("jetstream_stream_last_seq{" + orders + "}")).isEqualTo(6.0);
            assertThat(m.get("jetstream_stream_consumer_count{" + orders + "}")).isEqualTo(2.0);
            assertThat(m.get("jetstream_stream_subject_count{" + orders + "}")).isEqualTo(2.0);
            assertThat(m.get("jetstream_stream_limit_bytes{" + orders + "}")).isEqualTo(1 << 20);
            assertThat(m.get("jetstream_stream_total_bytes{" + orders + "}")).isPositive();
            assertThat(m.get("jetstream_consumer_delivered_stream_seq{" + worker + "}")).isEqualTo(3.0);
            assertThat(m.get("jetstream_consumer_delivered_consumer_seq{" + worker + "}")).isEqualTo(3.0);
            assertThat(m.get("jetstream_consumer_num_ack_pending{" + worker + "}")).isEqualTo(2.0);
            assertThat(m.get("jetstream_consumer_num_pending{" + worker + "}")).isEqualTo(3.0);
            assertThat(m.get("jetstream_consumer_num_redelivered{" + worker + "}")).isZero();
            assertThat(m.get("jetstream_consumer_num_waiting{" + worker + "}")).isNotNull();
            assertThat(m.get("jetstream_consumer_ack_floor_consumer_seq{" + worker + "}")).isEqualTo(1.0);
            assertThat(m.get("jetstream_consumer_last_delivery_seconds{" + worker + "}")).isNotNegative();
            assertThat(m.get("jetstream_consumer_last_ack_seconds{" + worker + "}")).isNotNegative();
            // A description with a quote and a backslash is escaped into a valid label value.
            String audit = orders + ",consumer_name=\"audit\",is_consumer_leader=\"true\","
                    + "consumer_desc=\"say \\\"hi\\\" \\\\ bye\"";
            assertThat(m).containsKey("jetstream_consumer_num_pending{" + audit + "}");
            String reader = serverLabels + ",account=\"B\",account_name=\"B\",account_id=\"B\","
                    + "stream_name=\"EVENTS\",stream_leader=\"mon\",is_stream_leader=\"true\","
                    + "consumer_name=\"reader\",is_consumer_leader=\"true\"";
            assertThat(m.get("jetstream_consumer_num_pending{" + reader + "}")).isEqualTo(2.0);
        }
    }

    @Test
    void metricsSayWhenJetStreamIsOff() throws Exception {
        ServerOptions.Builder b = ServerOptions.builder();
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.httpHost = "127.0.0.1";
        b.httpPort = ServerOptions.RANDOM_PORT;
        try (NatsServer server = new NatsServer(b.build())) {
            server.start();
            Map<String, Double> m = MonitorEndpointsTest.samples(get(server, "/metrics").body());
            String labels = "server_id=\"" + server.serverId() + "\",server_name=\"" + server.serverName()
                    + "\",is_meta_leader=\"true\"";
            assertThat(m.get("jetstream_server_jetstream_disabled{" + labels + "}")).isEqualTo(1.0);
            assertThat(m.keySet()).noneMatch(k -> k.startsWith("jetstream_stream_") || k.startsWith("gnatsd_varz_js"));
        }
    }
}
