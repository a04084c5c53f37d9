package io.natrix.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitoringEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The longest a test waits for anything the server should do promptly, even on a busy machine. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(TestServer server, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.server().httpPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(TestServer server, String path) throws Exception {
        HttpResponse<String> response = get(server, path);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void varzCountsMoveWithTraffic() throws Exception {
        try (TestServer server = TestServer.start(b -> { b.httpHost = "127.0.0.1"; b.httpPort = -1; });
             Connection nc = Nats.connect(new io.nats.client.Options.Builder().server(server.url())
                     .connectionTimeout(TIMEOUT).build())) {
            JsonNode before = json(server, "/varz");
            assertThat(before.get("server_id").asText()).isEqualTo(server.server().serverId());
            assertThat(before.get("port").asInt()).isEqualTo(server.port());
            assertThat(before.get("max_payload").asInt()).isEqualTo(1024 * 1024);
            assertThat(before.get("connections").asInt()).isEqualTo(1);

            Subscription sub = nc.subscribe("metrics.>");
            nc.flush(TIMEOUT);
            for (int i = 0; i < 10; i++) {
                nc.publish("metrics.x", "12345".getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < 10; i++) {
                assertThat(sub.nextMessage(TIMEOUT)).isNotNull();
            }
            JsonNode after = json(server, "/varz");
            assertThat(after.get("in_msgs").asLong() - before.get("in_msgs").asLong()).isGreaterThanOrEqualTo(10);
            assertThat(after.get("in_bytes").asLong() - before.get("in_bytes").asLong()).isGreaterThanOrEqualTo(50);
            assertThat(after.get("out_msgs").asLong()).isGreaterThanOrEqualTo(10);
            assertThat(after.get("subscriptions").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(after.get("mem").asLong()).as("resident memory").isGreaterThan(10L * 1024 * 1024);

            JsonNode subsz = json(server, "/subsz");
            assertThat(subsz.get("max_fanout").asInt()).as("metrics.x reaches one subscription").isEqualTo(1);
            assertThat(subsz.get("avg_fanout").asDouble()).isGreaterThan(0.0);

            JsonNode conn = json(server, "/connz").get("connections").get(0);
            assertThat(conn.get("pending_bytes").asLong()).isGreaterThanOrEqualTo(0);
            java.time.Instant lastActivity = java.time.Instant.parse(conn.get("last_activity").asText());
            java.time.Instant started = java.time.Instant.parse(conn.get("start").asText());
            assertThat(lastActivity).isAfter(started);
        }
    }

    @Test
    void connzListsClientsAndRejectsBadParameters() throws Exception {
        try (TestServer server = TestServer.start(b -> { b.httpHost = "127.0.0.1"; b.httpPort = -1; });
             Connection nc = Nats.connect(new io.nats.client.Options.Builder().server(server.url())
                     .connectionName("probe").connectionTimeout(TIMEOUT).build())) {
            nc.subscribe("a.b");
            nc.flush(TIMEOUT);
            JsonNode connz = json(server, "/connz?subs=1");
            assertThat(connz.get("num_connections").asInt()).isEqualTo(1);
            JsonNode conn = connz.get("connections").get(0);
            assertThat(conn.get("name").asText()).isEqualTo("probe");
            assertThat(conn.get("lang").asText()).isEqualTo("java");
            assertThat(conn.get("subscriptions_list").get(0).asText()).isEqualTo("a.b");
            assertThat(get(server, "/connz?limit=abc").statusCode()).isEqualTo(400);
            // nats-server reads a negative offset as 0 rather than refusing it.
            assertThat(json(server, "/connz?offset=-5").get("offset").asInt()).isEqualTo(0);
            assertThat(get(server, "/nope").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void healthzAndSubszAnswer() throws Exception {
        try (TestServer server = TestServer.start(b -> { b.httpHost = "127.0.0.1"; b.httpPort = -1; })) {
            assertThat(json(server, "/healthz").get("status").asText()).isEqualTo("ok");
            assertThat(json(server, "/subsz").has("num_subscriptions")).isTrue();
        }
    }

    @Test
    void portsFileNamesClientAndMonitoringUrls(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(b -> {
            b.httpHost = "127.0.0.1";
            b.httpPort = -1;
            b.portsFileDir = dir;
        })) {
            Path file = dir.resolve("nats-server_" + ProcessHandle.current().pid() + ".ports");
            JsonNode ports = JSON.readTree(Files.readString(file));
            assertThat(ports.get("nats").get(0).asText()).isEqualTo("nats://127.0.0.1:" + server.port());
            assertThat(ports.get("monitoring").get(0).asText())
                    .isEqualTo("http://127.0.0.1:" + server.server().httpPort());
            server.close();
            await().atMost(TIMEOUT).until(() -> !Files.exists(file));
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left).isEmpty();
            }
        }
    }
}
