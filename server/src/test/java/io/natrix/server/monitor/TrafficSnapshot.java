package io.natrix.server.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Message;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The traffic counters of a server's monitoring, read at one moment: /varz {@code in_msgs in_bytes out_msgs
 * out_bytes} under the key {@code varz}, /accstatz?unused=1 {@code received} and {@code sent} as {@code acc NAME},
 * and /connz?state=any {@code in_msgs in_bytes out_msgs out_bytes} as {@code conn NAME} (connections by their
 * client-given name). Every value is the four numbers in that order: messages in, bytes in, messages out, bytes
 * out. {@link #minus} gives what changed between two snapshots, leaving out what did not.
 *
 * <p>Works against any NATS server with monitoring; the same helper recorded nats-server's figures.
 */
record TrafficSnapshot(Map<String, List<Long>> counters) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Reads the counters from the monitoring listener on {@code httpPort} of 127.0.0.1. */
    static TrafficSnapshot read(int httpPort) throws Exception {
        Map<String, List<Long>> m = new TreeMap<>();
        JsonNode varz = get(httpPort, "/varz");
        m.put("varz", List.of(varz.get("in_msgs").asLong(), varz.get("in_bytes").asLong(),
                varz.get("out_msgs").asLong(), varz.get("out_bytes").asLong()));
        for (JsonNode a : get(httpPort, "/accstatz?unused=1").get("account_statz")) {
            m.put("acc " + a.get("acc").asText(), List.of(a.at("/received/msgs").asLong(),
                    a.at("/received/bytes").asLong(), a.at("/sent/msgs").asLong(), a.at("/sent/bytes").asLong()));
        }
        for (JsonNode c : get(httpPort, "/connz?state=any&limit=1000").get("connections")) {
            m.put("conn " + c.path("name").asText(""), List.of(c.get("in_msgs").asLong(),
                    c.get("in_bytes").asLong(), c.get("out_msgs").asLong(), c.get("out_bytes").asLong()));
        }
        return new TrafficSnapshot(m);
    }

    /** What changed since {@code earlier}: the differences, only for the keys where something did. */
    Map<String, List<Long>> minus(TrafficSnapshot earlier) {
        Map<String, List<Long>> d = new TreeMap<>();
        counters.forEach((key, now) -> {
            List<Long> before = earlier.counters.getOrDefault(key, List.of(0L, 0L, 0L, 0L));
            List<Long> diff = List.of(now.get(0) - before.get(0), now.get(1) - before.get(1),
                    now.get(2) - before.get(2), now.get(3) - before.get(3));
            if (!diff.equals(List.of(0L, 0L, 0L, 0L))) {
                d.put(key, diff);
            }
        });
        return d;
    }

    /** The size of a message's header block as it travelled: status line, each header line, blank line. */
    static int headerBlockLength(Message m) {
        if (m.getHeaders() == null || m.getHeaders().isEmpty()) {
            return 0;
        }
        int n = "NATS/1.0\r\n".length() + 2;
        for (String key : m.getHeaders().keySet()) {
            for (String value : m.getHeaders().get(key)) {
                n += key.length() + 2 + value.getBytes(StandardCharsets.UTF_8).length + 2;
            }
        }
        return n;
    }

    private static JsonNode get(int httpPort, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + httpPort + path);
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
