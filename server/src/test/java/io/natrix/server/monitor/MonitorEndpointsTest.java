package io.natrix.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.NatsServer;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring endpoints driven by jnats traffic: figures move with the traffic, closed connections keep their
 * reasons, /connz sorts, filters and pages, secrets never appear, and /healthz, /jsz, /metrics, /stacksz and the
 * index answer as nats-server (or Prometheus) readers expect.
 */
class MonitorEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] PAYLOAD = "12345".getBytes(StandardCharsets.UTF_8);

    private final HttpClient http = HttpClient.newHttpClient();

    // ---------------------------------------------------------------- helpers

    private static NatsServer start(Consumer<ServerOptions.Builder> customize) throws IOException {
        ServerOptions.Builder b = ServerOptions.builder();
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.httpHost = "127.0.0.1";
        b.httpPort = ServerOptions.RANDOM_PORT;
        customize.accept(b);
        NatsServer server = new NatsServer(b.build());
        server.start();
        return server;
    }

    /** A server configured like the reference recording: accounts A, B and SYS with password users. */
    private static NatsServer startWithAccounts(Path dir) throws IOException {
        Path conf = dir.resolve("accounts.conf");
        try (InputStream in = MonitorEndpointsTest.class.getResourceAsStream("/monitor/reference/ref.conf")) {
            Files.write(conf, in.readAllBytes());
        }
        ServerOptions.Builder b = ConfigLoader.load(conf);
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.httpHost = "127.0.0.1";
        b.httpPort = ServerOptions.RANDOM_PORT;
        NatsServer server = new NatsServer(b.build());
        server.start();
        return server;
    }

    private static Connection connect(NatsServer server, String name) throws Exception {
        return Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + server.port()).connectionName(name)
                .connectionTimeout(TIMEOUT)
                .errorListener(new ErrorListener() { }).build());
    }

    private static Connection connect(NatsServer server, String user, String pass, String name) throws Exception {
        return Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + server.port()).connectionName(name)
                .connectionTimeout(TIMEOUT)
                .userInfo(user, pass).maxReconnects(0).errorListener(new ErrorListener() { }).build());
    }

    private HttpResponse<String> get(NatsServer server, String path) throws Exception {
        return send(server, HttpRequest.newBuilder(uri(server, path)).timeout(TIMEOUT).build());
    }

    private HttpResponse<String> send(NatsServer server, HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(NatsServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.httpPort() + path);
    }

    private JsonNode json(NatsServer server, String path) throws Exception {
        HttpResponse<String> response = get(server, path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<Long> cids(JsonNode connz) {
        List<Long> cids = new ArrayList<>();
        connz.get("connections").forEach(c -> cids.add(c.get("cid").asLong()));
        return cids;
    }

    private static long cid(Connection nc) {
        return nc.getServerInfo().getClientId();
    }

    // ---------------------------------------------------------------- traffic

    @Test
    void monitorFiguresMoveWithTraffic() throws Exception {
        try (NatsServer server = start(b -> { });
             Connection pub = connect(server, "pub");
             Connection sub = connect(server, "sub")) {
            JsonNode varzBefore = json(server, "/varz");
            JsonNode subszBefore = json(server, "/subsz");
            Subscription s = sub.subscribe("metrics.>");
            sub.subscribe("other.*", "q");
            sub.flush(TIMEOUT);
            for (int i = 0; i < 20; i++) {
                pub.publish("metrics.x", PAYLOAD);
            }
            pub.flush(TIMEOUT);
            for (int i = 0; i < 20; i++) {
                assertThat(s.nextMessage(TIMEOUT)).isNotNull();
            }

            JsonNode varz = json(server, "/varz");
            assertThat(varz.get("in_msgs").asLong() - varzBefore.get("in_msgs").asLong()).isEqualTo(20);
            assertThat(varz.get("in_bytes").asLong() - varzBefore.get("in_bytes").asLong()).isEqualTo(100);
            assertThat(varz.get("out_msgs").asLong() - varzBefore.get("out_msgs").asLong()).isEqualTo(20);
            assertThat(varz.get("subscriptions").asLong() - varzBefore.get("subscriptions").asLong()).isEqualTo(2);
            assertThat(varz.get("connections").asInt()).isEqualTo(2);
            assertThat(varz.get("http_req_stats").get("/varz").asLong()).isEqualTo(2);
            assertThat(varz.get("slow_consumer_stats").get("clients").asLong()).isZero();

            JsonNode connz = json(server, "/connz?subs=detail");
            assertThat(connz.get("num_connections").asInt()).isEqualTo(2);
            JsonNode subConn = find(connz, cid(sub));
            assertThat(subConn.get("out_msgs").asLong()).isEqualTo(20);
            assertThat(subConn.get("subscriptions").asInt()).isEqualTo(2);
            Map<String, JsonNode> details = new HashMap<>();
            subConn.get("subscriptions_list_detail").forEach(d -> details.put(d.get("subject").asText(), d));
            assertThat(details.get("metrics.>").get("msgs").asLong()).isEqualTo(20);
            assertThat(details.get("other.*").get("qgroup").asText()).isEqualTo("q");
            assertThat(details.get("metrics.>").get("cid").asLong()).isEqualTo(cid(sub));
            assertThat(find(connz, cid(pub)).get("in_msgs").asLong()).isEqualTo(20);

            JsonNode subsz = json(server, "/subsz");
            assertThat(subsz.get("num_subscriptions").asLong() - subszBefore.get("num_subscriptions").asLong())
                    .isEqualTo(2);
            assertThat(subsz.get("num_inserts").asLong() - subszBefore.get("num_inserts").asLong()).isEqualTo(2);
            assertThat(subsz.get("num_matches").asLong()).isGreaterThanOrEqualTo(20);
            JsonNode listed = json(server, "/subsz?subs=1&test=metrics.y");
            assertThat(listed.get("subscriptions_list")).hasSize(1);
            assertThat(listed.get("subscriptions_list").get(0).get("account").asText()).isEqualTo("$G");
            assertThat(json(server, "/subsz?subs=1&test=nothing.here").has("subscriptions_list"))
                    .as("an empty list is left out, as nats-server does").isFalse();

            JsonNode accstatz = json(server, "/accstatz");
            JsonNode global = accstatz.get("account_statz").get(0);
            assertThat(global.get("acc").asText()).isEqualTo("$G");
            assertThat(global.get("conns").asInt()).isEqualTo(2);
            assertThat(global.get("received").get("msgs").asLong()).isEqualTo(20);
            assertThat(global.get("sent").get("msgs").asLong()).isEqualTo(20);
            assertThat(global.get("num_subscriptions").asLong()).isGreaterThanOrEqualTo(2);
            List<String> listedAccounts = new ArrayList<>();
            json(server, "/accstatz?unused=1").get("account_statz").forEach(a -> listedAccounts.add(
                    a.get("acc").asText()));
            assertThat(listedAccounts).contains("$G", "$SYS");

            // Once the subscriber leaves, its account still counts what it was sent.
            sub.close();
            await().atMost(TIMEOUT).until(() -> json(server, "/connz").get("num_connections").asInt() == 1);
            JsonNode after = json(server, "/accstatz").get("account_statz").get(0);
            assertThat(after.get("sent").get("msgs").asLong()).isEqualTo(20);
            assertThat(after.get("conns").asInt()).isEqualTo(1);
        }
    }

    private static JsonNode find(JsonNode connz, long cid) {
        for (JsonNode c : connz.get("connections")) {
            if (c.get("cid").asLong() == cid) {
                return c;
            }
        }
        throw new AssertionError("no connection " + cid + " in " + connz);
    }

    // ---------------------------------------------------------------- closed connections

    @Test
    void closedConnectionsKeepTheirReasonsAndSubscriptions(@TempDir Path dir) throws Exception {
        try (NatsServer server = startWithAccounts(dir)) {
            long closedCid;
            try (Connection c = connect(server, "a", "apass-SECRET", "leaving")) {
                c.subscribe("bye.>");
                c.subscribe("bye.q", "workers");
                c.flush(TIMEOUT);
                closedCid = cid(c);
            }
            assertThatThrownBy(() -> connect(server, "a", "not-the-password", "intruder"))
                    .isInstanceOf(Exception.class);
            await().atMost(TIMEOUT).until(() -> json(server, "/connz?state=closed").get("total").asInt() == 2);

            JsonNode closed = json(server, "/connz?state=closed&subs=1&auth=1");
            JsonNode leaving = find(closed, closedCid);
            assertThat(leaving.get("reason").asText()).isEqualTo("Client Closed");
            assertThat(Instant.parse(leaving.get("stop").asText()))
                    .isAfterOrEqualTo(Instant.parse(leaving.get("start").asText()));
            assertThat(leaving.get("subscriptions").asInt()).isEqualTo(2);
            List<String> subjects = new ArrayList<>();
            leaving.get("subscriptions_list").forEach(s -> subjects.add(s.asText()));
            assertThat(subjects).containsExactlyInAnyOrder("bye.>", "bye.q");
            assertThat(leaving.get("authorized_user").asText()).isEqualTo("a");
            assertThat(leaving.get("account").asText()).isEqualTo("A");
            JsonNode intruder = closed.get("connections").get(1);
            assertThat(intruder.get("reason").asText()).isEqualTo("Authentication Failure");
            assertThat(intruder.get("name").asText()).isEqualTo("intruder");

            JsonNode detail = json(server, "/connz?state=closed&subs=detail");
            assertThat(find(detail, closedCid).get("subscriptions_list_detail").get(0).get("account").asText())
                    .as("closed connections name the account in their details").isEqualTo("A");
            assertThat(json(server, "/connz?state=closed&cid=" + closedCid).get("connections").get(0)
                    .get("cid").asLong()).isEqualTo(closedCid);
            assertThat(cids(json(server, "/connz?state=closed&sort=stop")).get(0))
                    .as("sort=stop: most recent first").isNotEqualTo(closedCid);
            assertThat(json(server, "/connz?state=closed&sort=reason").get("connections").get(0)
                    .get("reason").asText()).as("sort=reason: alphabetical").isEqualTo("Authentication Failure");
            assertThat(json(server, "/connz?state=closed&acc=A").get("total").asInt()).isEqualTo(1);
            assertThat(json(server, "/connz?state=closed&user=a").get("num_connections").asInt()).isEqualTo(2);

            try (Connection open = connect(server, "b", "bpass-SECRET", "staying")) {
                JsonNode any = json(server, "/connz?state=any");
                assertThat(any.get("total").asInt()).isEqualTo(3);
                assertThat(json(server, "/connz?state=all").get("total").asInt()).isEqualTo(3);
                assertThat(json(server, "/connz").get("total").asInt()).isEqualTo(1);
                assertThat(json(server, "/connz?acc=B&auth=1").get("connections").get(0).get("account").asText())
                        .isEqualTo("B");
                assertThat(json(server, "/connz?acc=A").get("total").asInt()).isZero();
                assertThat(json(server, "/connz?user=b").get("connections").get(0).get("cid").asLong())
                        .isEqualTo(cid(open));
                assertThat(json(server, "/connz?mqtt_client=x").get("num_connections").asInt()).isZero();
            }
        }
    }

    @Test
    void closedConnectionsNameSlowConsumersAndRefusedConnections() throws Exception {
        try (NatsServer server = start(b -> {
            b.maxPending = 64 * 1024;
            b.maxPayload = 8 * 1024;
            b.maxConnections = 3;
            b.writeDeadline = Duration.ofMillis(500);
        });
             Connection pub = connect(server, "pub");
             Socket stalled = stalledSubscriber(server, "flood")) {
            byte[] big = new byte[1024];
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (int i = 0; i < 500; i++) {
                    pub.publish("flood", big);
                }
                pub.flush(TIMEOUT);
                return json(server, "/connz?state=closed").get("total").asInt() >= 1;
            });
            JsonNode slow = json(server, "/connz?state=closed").get("connections").get(0);
            assertThat(slow.get("reason").asText()).startsWith("Slow Consumer (");
            assertThat(json(server, "/varz").get("slow_consumers").asLong()).isEqualTo(1);
            assertThat(json(server, "/varz").get("slow_consumer_stats").get("clients").asLong()).isEqualTo(1);
            assertThat(json(server, "/accstatz").get("account_statz").get(0).get("slow_consumers").asLong())
                    .isEqualTo(1);

            try (Connection second = connect(server, "second"); Connection third = connect(server, "third")) {
                assertThatThrownBy(() -> Nats.connect(new Options.Builder()
                        .server("nats://127.0.0.1:" + server.port()).maxReconnects(0)
                        .errorListener(new ErrorListener() { }).build())).isInstanceOf(Exception.class);
                await().atMost(TIMEOUT).untilAsserted(() -> {
                    List<String> reasons = new ArrayList<>();
                    json(server, "/connz?state=closed").get("connections")
                            .forEach(c -> reasons.add(c.get("reason").asText()));
                    assertThat(reasons).contains("Maximum Connections Exceeded");
                });
            }
        }
    }

    private static Socket stalledSubscriber(NatsServer server, String subject) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) TIMEOUT.toMillis());
        InputStream in = socket.getInputStream();
        readLine(in);
        socket.getOutputStream().write(("CONNECT {\"verbose\":false}\r\nSUB " + subject + " 1\r\nPING\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        while (!readLine(in).startsWith("PONG")) {
            // Wait until the subscription is in place.
        }
        return socket;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            sb.append((char) b);
        }
        return sb.toString();
    }

    @Test
    void closedConnectionRingKeepsTheNewestMaxClosedClients() throws Exception {
        try (NatsServer server = start(b -> b.rawConfig = Map.of(ClosedConnections.CONFIG_KEY, 2L))) {
            List<Long> closed = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                try (Connection c = connect(server, "c" + i)) {
                    closed.add(cid(c));
                }
            }
            await().atMost(TIMEOUT).until(() -> server.closedConnections().list().size() == 2
                    && server.closedConnections().list().get(1).cid == closed.get(3));
            assertThat(cids(json(server, "/connz?state=closed"))).containsExactly(closed.get(2), closed.get(3));
        }
    }

    // ---------------------------------------------------------------- /connz options

    @Test
    void connzSortsFiltersAndPages() throws Exception {
        try (NatsServer server = start(b -> { });
             Connection quiet = connect(server, "quiet");
             Connection busy = connect(server, "busy");
             Connection middle = connect(server, "middle")) {
            for (int i = 0; i < 3; i++) {
                middle.subscribe("m." + i);
            }
            busy.subscribe("b.1");
            for (int i = 0; i < 30; i++) {
                busy.publish("x", PAYLOAD);
            }
            for (int i = 0; i < 10; i++) {
                middle.publish("x", PAYLOAD);
            }
            for (Connection c : List.of(quiet, busy, middle)) {
                c.flush(TIMEOUT);
            }
            long q = cid(quiet);
            long b = cid(busy);
            long m = cid(middle);
            assertThat(cids(json(server, "/connz"))).containsExactly(q, b, m);
            assertThat(cids(json(server, "/connz?sort=start"))).containsExactly(q, b, m);
            assertThat(cids(json(server, "/connz?sort=msgs_from"))).containsExactly(b, m, q);
            assertThat(cids(json(server, "/connz?sort=bytes_from"))).containsExactly(b, m, q);
            assertThat(cids(json(server, "/connz?sort=subs"))).containsExactly(m, b, q);
            assertThat(cids(json(server, "/connz?sort=uptime"))).as("uptime: shortest first")
                    .containsExactly(m, b, q);
            for (String key : List.of("pending", "msgs_to", "bytes_to", "last", "idle", "rtt")) {
                assertThat(cids(json(server, "/connz?sort=" + key))).as(key).containsExactlyInAnyOrder(q, b, m);
            }
            JsonNode page = json(server, "/connz?offset=1&limit=1");
            assertThat(cids(page)).containsExactly(b);
            assertThat(page.get("total").asInt()).isEqualTo(3);
            assertThat(page.get("num_connections").asInt()).isEqualTo(1);
            assertThat(page.get("limit").asInt()).isEqualTo(1);
            assertThat(json(server, "/connz?limit=0").get("limit").asInt()).isEqualTo(1024);
            assertThat(json(server, "/connz?limit=-3").get("limit").asInt()).isEqualTo(1024);
            assertThat(json(server, "/connz?offset=99").get("connections")).isEmpty();
            assertThat(json(server, "/connz?offset=2147483648").get("connections")).isEmpty();
            assertThat(json(server, "/connz?limit=9223372036854775807").get("num_connections").asInt()).isEqualTo(3);
            JsonNode one = json(server, "/connz?cid=" + m + "&subs=true");
            assertThat(cids(one)).containsExactly(m);
            assertThat(one.get("limit").asInt()).isEqualTo(1);
            assertThat(one.get("connections").get(0).get("subscriptions_list")).hasSize(3);
            assertThat(json(server, "/connz?cid=12345").get("connections")).isEmpty();
            assertThat(json(server, "/connz").get("connections").get(0).has("subscriptions_list")).isFalse();
            assertThat(json(server, "/connz?subs=false").get("connections").get(2).has("subscriptions_list"))
                    .isFalse();
            assertThat(json(server, "/connz?subs=DETAIL").get("connections").get(2)
                    .has("subscriptions_list_detail")).isTrue();
        }
    }

    @Test
    void badInputIsRefusedWithNatsServersWordsAndNeverCrashes() throws Exception {
        try (NatsServer server = start(b -> { })) {
            Map<String, String> refused = new java.util.LinkedHashMap<>();
            refused.put("/connz?sort=nope", "invalid sorting option: nope");
            refused.put("/connz?sort=CID", "invalid sorting option: CID");
            refused.put("/connz?sort=stop", "sort by stop only valid on closed connections");
            refused.put("/connz?sort=reason&state=open", "sort by reason only valid on closed connections");
            refused.put("/connz?state=sleeping", "Error decoding state for sleeping");
            refused.put("/connz?offset=1.5",
                    "Error decoding int for 'offset': strconv.Atoi: parsing \"1.5\": invalid syntax");
            refused.put("/connz?limit=%2B",
                    "Error decoding int for 'limit': strconv.Atoi: parsing \"+\": invalid syntax");
            refused.put("/connz?offset=-99999999999999999999",
                    "Error decoding int for 'offset': strconv.Atoi: parsing \"-99999999999999999999\": value out "
                            + "of range");
            refused.put("/connz?cid=%2B1",
                    "Error decoding uint64 for 'cid': strconv.ParseUint: parsing \"+1\": invalid syntax");
            refused.put("/connz?cid=99999999999999999999",
                    "Error decoding uint64 for 'cid': strconv.ParseUint: parsing \"99999999999999999999\": value "
                            + "out of range");
            refused.put("/connz?auth=yes",
                    "Error decoding boolean for 'auth': strconv.ParseBool: parsing \"yes\": invalid syntax");
            refused.put("/connz?subs=%22", "Error decoding boolean for 'subs': strconv.ParseBool: parsing \"\\\"\": "
                    + "invalid syntax");
            refused.put("/subsz?limit=ten",
                    "Error decoding int for 'limit': strconv.Atoi: parsing \"ten\": invalid syntax");
            refused.put("/subsz?subs=1&test=a.%3E",
                    "invalid test subject, must be valid publish subject: a.>");
            refused.put("/accountz?acc=ghost", "Account ghost does not exist");
            refused.put("/accstatz?unused=2",
                    "Error decoding boolean for 'unused': strconv.ParseBool: parsing \"2\": invalid syntax");
            refused.put("/healthz?details=maybe",
                    "Error decoding boolean for 'details': strconv.ParseBool: parsing \"maybe\": invalid syntax");
            refused.put("/jsz?offset=x", "Error decoding int for 'offset': strconv.Atoi: parsing \"x\": invalid syntax");
            refused.put("/jsz?leader-only=1", "filtered response: not leader");
            refused.put("/routez?subs=x",
                    "Error decoding boolean for 'subs': strconv.ParseBool: parsing \"x\": invalid syntax");
            refused.put("/gatewayz?accs=x",
                    "Error decoding boolean for 'accs': strconv.ParseBool: parsing \"x\": invalid syntax");
            refused.put("/leafz?subs=detail",
                    "Error decoding boolean for 'subs': strconv.ParseBool: parsing \"detail\": invalid syntax");
            for (Map.Entry<String, String> e : refused.entrySet()) {
                HttpResponse<String> response = get(server, e.getKey());
                assertThat(response.statusCode()).as(e.getKey()).isEqualTo(400);
                assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
                assertThat(response.body()).as(e.getKey()).isEqualTo(e.getValue());
            }
            // Unknown parameters are ignored, repeated ones count once (the first), odd encodings do not crash.
            for (String path : List.of("/varz?bogus=1", "/connz?limit=2&limit=x", "/connz?&&=&", "/subsz?test=",
                    "/connz?sort=", "/connz?state=ANY", "/healthz?account=A")) {
                HttpResponse<String> response = get(server, path);
                assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
            }
            for (String raw : List.of("/connz?%zz=1&subs=1", "/connz?limit=%", "/connz?" + "x".repeat(6000))) {
                assertThat(rawStatusLine(server, raw)).as(raw).isEqualTo("HTTP/1.1 200 OK");
            }
            assertThat(rawStatusLine(server, "/%%")).isEqualTo("HTTP/1.1 400 Bad Request");
            assertThat(rawStatusLine(server, "/connz?" + "x".repeat(9000))).as("request line too long")
                    .isEqualTo("HTTP/1.1 400 Bad Request");
            assertThat(get(server, "/connz?limit=2&limit=x").statusCode()).isEqualTo(200);
            assertThat(get(server, "/varz/").statusCode()).isEqualTo(404);
            assertThat(get(server, "/nope").body()).isEqualTo("404 page not found\n");
            assertThat(json(server, "/varz").get("server_id").asText()).as("still serving").isNotEmpty();
        }
    }

    /** Sends a request line as given (no client-side checks) and returns the response's status line. */
    private static String rawStatusLine(NatsServer server, String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.httpPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return readLine(socket.getInputStream()).strip();
        }
    }

    // ---------------------------------------------------------------- secrets

    @Test
    void secretsNeverAppearInAnyEndpoint(@TempDir Path dir) throws Exception {
        List<String> paths = List.of("/", "/varz", "/connz?auth=1&subs=detail&state=any", "/connz?auth=1&subs=1",
                "/subsz?subs=1", "/accountz", "/accountz?acc=A", "/accountz?acc=B", "/accountz?acc=SYS",
                "/accountz?acc=$G", "/accstatz?unused=1", "/jsz?accounts=1&config=1", "/healthz?details=1",
                "/routez", "/gatewayz", "/leafz", "/stacksz", "/metrics", "/subscriptionsz?subs=1");
        List<String> commandLine = ProcessHandle.current().info().arguments().map(List::of).orElse(List.of());
        try (NatsServer server = startWithAccounts(dir);
             Connection a = connect(server, "a", "apass-SECRET", "a")) {
            a.subscribe("x");
            a.flush(TIMEOUT);
            assertThatThrownBy(() -> connect(server, "b", "bpass-SECRET-wrong-guess", "b"))
                    .isInstanceOf(Exception.class);
            await().atMost(TIMEOUT).until(() -> server.closedConnections().list().size() == 1);
            for (String path : paths) {
                String body = get(server, path).body();
                assertThat(body).as(path).doesNotContain("pass-SECRET", "SECRET");
                for (String arg : commandLine) {
                    if (arg.length() > 24) {
                        assertThat(body).as(path + " shows the command line").doesNotContain(arg);
                    }
                }
            }
        }
        try (NatsServer server = start(b -> b.authToken = "tok3n-SECRET");
             Connection c = Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + server.port())
                     .token("tok3n-SECRET".toCharArray()).connectionTimeout(TIMEOUT)
                     .errorListener(new ErrorListener() { }).build())) {
            c.subscribe("y");
            c.flush(TIMEOUT);
            assertThatThrownBy(() -> Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + server.port())
                    .token("tok3n-SECRET-wrong".toCharArray()).maxReconnects(0)
                    .errorListener(new ErrorListener() { }).build())).isInstanceOf(Exception.class);
            await().atMost(TIMEOUT).until(() -> server.closedConnections().list().size() == 1);
            for (String path : paths) {
                assertThat(get(server, path).body()).as(path).doesNotContain("SECRET");
            }
        }
    }

    // ---------------------------------------------------------------- /healthz, /jsz, other shapes

    @Test
    void healthzAnswersAsNatsServer210() throws Exception {
        try (NatsServer server = start(b -> { })) {
            HttpResponse<String> ok = get(server, "/healthz");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(get(server, "/healthz?js-enabled-only=true").body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(get(server, "/healthz?js-server-only=1&account=A").statusCode()).isEqualTo(200);
            HttpResponse<String> noAccount = get(server, "/healthz?stream=S");
            assertThat(noAccount.statusCode()).isEqualTo(400);
            assertThat(noAccount.body()).isEqualTo(
                    "{\"status\":\"error\",\"error\":\"\\\"account\\\" must not be empty when checking stream health\"}");
            HttpResponse<String> noStream = get(server, "/healthz?account=A&consumer=C&details=true");
            assertThat(noStream.statusCode()).isEqualTo(400);
            JsonNode details = JSON.readTree(noStream.body());
            assertThat(details.get("status").asText()).isEqualTo("error");
            assertThat(details.get("errors").get(0).get("type").asText()).isEqualTo("BAD_REQUEST");
            assertThat(details.get("errors").get(0).get("error").asText())
                    .isEqualTo("\"stream\" must not be empty when checking consumer health");
        }
        java.nio.file.Path store = java.nio.file.Files.createTempDirectory("natrix-healthz");
        try (NatsServer server = start(b -> {
            b.jetstream = true;
            b.storeDir = store;
        })) {
            HttpResponse<String> healthy = get(server, "/healthz");
            assertThat(healthy.statusCode()).as("JetStream running").isEqualTo(200);
            assertThat(healthy.body()).isEqualTo("{\"status\":\"ok\"}");
        } finally {
            try (var walk = java.nio.file.Files.walk(store)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void disabledFeaturesAnswerWithNatsServersEmptyShapes() throws Exception {
        try (NatsServer server = start(b -> b.serverName = "shapes")) {
            JsonNode jsz = json(server, "/jsz?accounts=true&streams=1&consumers=1&config=1&offset=-1&limit=5");
            assertThat(jsz.get("disabled").asBoolean()).isTrue();
            assertThat(jsz.get("config").get("max_memory").asLong()).isZero();
            assertThat(jsz.get("api").get("total").asLong()).isZero();
            JsonNode routez = json(server, "/routez?subs=detail");
            assertThat(routez.get("routes")).isEmpty();
            assertThat(routez.get("server_name").asText()).isEqualTo("shapes");
            assertThat(json(server, "/gatewayz?subs=1&accs=1").get("outbound_gateways").isObject()).isTrue();
            assertThat(json(server, "/leafz?subs=1").get("leafs").isArray()).isTrue();
            JsonNode varz = json(server, "/varz");
            for (String empty : List.of("cluster", "gateway", "leaf", "mqtt", "websocket", "jetstream")) {
                assertThat(varz.get(empty).isObject() && varz.get(empty).isEmpty()).as(empty).isTrue();
            }
            assertThat(varz.get("server_name").asText()).isEqualTo("shapes");
            assertThat(varz.get("system_account").asText()).isEqualTo("$SYS");
            assertThat(varz.has("auth_required")).as("omitempty when false").isFalse();
            HttpResponse<String> raftz = get(server, "/raftz");
            assertThat(raftz.statusCode()).isEqualTo(404);
            assertThat(raftz.body()).isEqualTo("No Raft nodes registered");
            assertThat(json(server, "/accountz").get("accounts").toString()).contains("\"$G\"", "\"$SYS\"");
            JsonNode sys = json(server, "/accountz?acc=$SYS").get("account_detail");
            assertThat(sys.get("is_system").asBoolean()).isTrue();
            assertThat(sys.get("sublist_stats").has("num_subscriptions")).isTrue();
        }
    }

    @Test
    void httpDetailsMatchNatsServer() throws Exception {
        try (NatsServer server = start(b -> { })) {
            HttpResponse<String> varz = get(server, "/varz");
            assertThat(varz.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(varz.headers().firstValue("access-control-allow-origin")).hasValue("*");
            assertThat(varz.body()).startsWith("{\n  \"server_id\": \"").contains("\"cluster\": {},")
                    .doesNotContain(" : ");
            HttpResponse<String> jsonp = get(server, "/varz?callback=show");
            assertThat(jsonp.headers().firstValue("content-type")).hasValue("application/javascript");
            assertThat(jsonp.body()).startsWith("show({").endsWith("})");
            HttpResponse<String> post = send(server, HttpRequest.newBuilder(uri(server, "/varz"))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(TIMEOUT).build());
            assertThat(post.statusCode()).as("any method, as Go's handlers").isEqualTo(200);
            HttpResponse<String> head = send(server, HttpRequest.newBuilder(uri(server, "/connz"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(TIMEOUT).build());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();

            HttpResponse<String> index = get(server, "/");
            assertThat(index.headers().firstValue("content-type").orElse("")).startsWith("text/html");
            for (String link : List.of("varz", "jsz", "connz", "accountz", "accstatz", "subsz", "routez", "leafz",
                    "gatewayz", "healthz", "metrics")) {
                assertThat(index.body()).contains("href=./" + link + ">");
            }
            HttpResponse<String> stacks = get(server, "/stacksz");
            assertThat(stacks.statusCode()).isEqualTo(200);
            assertThat(stacks.body()).contains("java.lang.Thread.State: ").contains("\tat ");
        }
    }

    // ---------------------------------------------------------------- /metrics

    static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*)} (-?[0-9.eE+-]+|NaN)");

    @Test
    void metricsArePrometheusTextThatMovesWithTraffic() throws Exception {
        try (NatsServer server = start(b -> { });
             Connection nc = connect(server, "m")) {
            Map<String, Double> before = samples(get(server, "/metrics").body());
            Subscription s = nc.subscribe("m.x");
            nc.flush(TIMEOUT);
            for (int i = 0; i < 7; i++) {
                nc.publish("m.x", PAYLOAD);
            }
            for (int i = 0; i < 7; i++) {
                assertThat(s.nextMessage(TIMEOUT)).isNotNull();
            }
            HttpResponse<String> response = get(server, "/metrics");
            assertThat(response.headers().firstValue("content-type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            Map<String, Double> after = samples(response.body());
            String id = "server_id=\"" + server.serverId() + "\"";
            assertThat(after.get("gnatsd_varz_in_msgs{" + id + "}")
                    - before.get("gnatsd_varz_in_msgs{" + id + "}")).isEqualTo(7.0);
            assertThat(after.get("gnatsd_varz_connections{" + id + "}")).isEqualTo(1.0);
            assertThat(after.get("gnatsd_accstatz_received_messages{" + id + ",account=\"$G\"}")).isEqualTo(7.0);
            assertThat(after.get("gnatsd_accstatz_current_connections{" + id + ",account=\"$G\"}")).isEqualTo(1.0);
            assertThat(after.get("jvm_memory_used_bytes{" + id + ",area=\"heap\"}")).isPositive();
            assertThat(after.get("jvm_threads_current{" + id + "}")).isPositive();
            assertThat(after.keySet()).anyMatch(k -> k.startsWith("jvm_gc_collection_seconds_count{"));
            assertThat(after.get("process_resident_memory_bytes{" + id + "}")).isPositive();
        }
    }

    /** Parses the exposition text, checking that every sample belongs to a family with HELP and TYPE. */
    static Map<String, Double> samples(String text) {
        Set<String> helped = new HashSet<>();
        Map<String, String> typed = new HashMap<>();
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                helped.add(line.split(" ")[2]);
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                assertThat(parts[3]).isIn("gauge", "counter", "summary", "histogram", "untyped");
                assertThat(typed.put(parts[2], parts[3])).as("one TYPE per family: " + parts[2]).isNull();
            } else {
                Matcher m = SAMPLE.matcher(line);
                assertThat(m.matches()).as("sample line: " + line).isTrue();
                // _count, _sum and _bucket samples belong to their summary or histogram, unless a family of
                // that very name exists (jetstream_stream_consumer_count is a gauge of its own).
                String family = typed.containsKey(m.group(1)) ? m.group(1)
                        : m.group(1).replaceAll("_(count|sum|bucket)$", "");
                assertThat(helped).as("HELP before " + line).contains(family);
                assertThat(typed).as("TYPE before " + line).containsKey(family);
                assertThat(samples.put(m.group(1) + "{" + m.group(2) + "}", Double.parseDouble(m.group(3))))
                        .as("duplicate sample " + line).isNull();
            }
        }
        return samples;
    }
}
