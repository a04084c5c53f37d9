package io.natrix.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.NatsServer;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /varz's {@code in_msgs}, {@code out_msgs}, {@code in_bytes} and {@code out_bytes} move as nats-server's do for
 * the same traffic. The expected figures were measured on nats-server 2.9.10 with this very jnats traffic, one
 * step at a time: payload and header bytes both count; a message nobody receives counts in only; messages the
 * server publishes itself (JetStream API answers, publish acknowledgements) count out when delivered to a client,
 * and what the server's own subscriptions receive (API requests, messages a stream stores) counts in only once, as
 * the client's publish.
 *
 * <p>The publish acknowledgement is nats-server's template, {@code {"stream":"S", "seq":1}} (23 bytes, a space
 * after the comma); and a request crossing a service import right after connecting carries the requester's round
 * trip in {@code Nats-Request-Info}, which nats-server estimates at CONNECT. Both differed once, which is why
 * out_bytes disagreed.
 */
class VarzTrafficCountsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private long[] last = new long[4];

    /** in_msgs, out_msgs, in_bytes, out_bytes now. */
    private long[] counts(NatsServer server) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.httpPort() + "/varz");
        JsonNode varz = JSON.readTree(http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        return new long[] {varz.get("in_msgs").asLong(), varz.get("out_msgs").asLong(),
                varz.get("in_bytes").asLong(), varz.get("out_bytes").asLong()};
    }

    private long[] sinceLast(long[] now) {
        long[] d = new long[4];
        for (int i = 0; i < 4; i++) {
            d[i] = now[i] - last[i];
        }
        return d;
    }

    /** Starts the next step from the counts as they are. */
    private void baseline(NatsServer server) throws Exception {
        last = counts(server);
    }

    /**
     * Asserts that the counts moved by exactly {@code expected} (in_msgs, out_msgs, in_bytes, out_bytes) since the
     * previous step, and starts the next step from there. It waits a little: the server counts a delivery after
     * handing it over, so a client can see a message before the count has moved (as in nats-server).
     */
    private void assertMoved(NatsServer server, String step, long... expected) {
        long[][] now = new long[1][];
        await().atMost(TIMEOUT).untilAsserted(() -> {
            now[0] = counts(server);
            assertThat(sinceLast(now[0])).as(step).containsExactly(expected);
        });
        last = now[0];
    }

    /** Starts the next step once {@code inMsgs} and {@code outMsgs} more were counted, whatever their size. */
    private void baselineAfter(NatsServer server, long inMsgs, long outMsgs) {
        long[][] now = new long[1][];
        await().atMost(TIMEOUT).untilAsserted(() -> {
            now[0] = counts(server);
            long[] d = sinceLast(now[0]);
            assertThat(new long[] {d[0], d[1]}).containsExactly(inMsgs, outMsgs);
        });
        last = now[0];
    }

    @Test
    void trafficCountsAsInNatsServer() throws Exception {
        Path conf = dir.resolve("counts.conf");
        Files.writeString(conf, """
                jetstream { store_dir: "%s" }
                accounts {
                  A { users [{user: a, password: a}], jetstream: enabled, exports [{service: "svc.a"}] }
                  B { users [{user: b, password: b}], imports [{service: {account: A, subject: "svc.a"}}] }
                }
                """.formatted(dir.resolve("store")));
        ServerOptions.Builder b = ConfigLoader.load(conf);
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.httpHost = "127.0.0.1";
        b.httpPort = ServerOptions.RANDOM_PORT;
        try (NatsServer server = new NatsServer(b.build())) {
            server.start();
            try (Connection nc = connect(server, "a")) {
                baseline(server);
                Subscription s = nc.subscribe("t.a");
                nc.flush(TIMEOUT);
                nc.publish("t.a", HELLO);
                assertThat(s.nextMessage(TIMEOUT)).isNotNull();
                assertMoved(server, "pub/sub", 1, 1, 5, 5);

                nc.publish("t.a", new Headers().add("X-Key", "v1"), HELLO);
                assertThat(s.nextMessage(TIMEOUT)).isNotNull();
                assertMoved(server, "pub/sub with headers", 1, 1, 27, 27);

                Dispatcher d = nc.createDispatcher(m -> nc.publish(m.getReplyTo(), "pong".getBytes()));
                d.subscribe("svc");
                nc.flush(TIMEOUT);
                assertThat(nc.request("svc", "ping".getBytes(), TIMEOUT)).isNotNull();
                assertMoved(server, "request/reply", 2, 2, 8, 8);

                nc.publish("nobody", HELLO);
                nc.flush(TIMEOUT);
                assertMoved(server, "no interest", 1, 0, 5, 0);

                nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("S").subjects("js.>")
                        .storageType(StorageType.Memory).build());
                baselineAfter(server, 1, 1); // the request and its answer, whose size is 2.11's, not 2.9's
                Message ack = nc.request("js.x", HELLO, TIMEOUT);
                assertThat(new String(ack.getData(), StandardCharsets.UTF_8)).isEqualTo("{\"stream\":\"S\", \"seq\":1}");
                assertMoved(server, "JetStream publish", 1, 1, 5, 23);

                nc.publish("js.y", HELLO);
                nc.flush(TIMEOUT);
                assertMoved(server, "publish into a stream, no reply", 1, 0, 5, 0);

                try (Connection requester = connect(server, "b")) {
                    AtomicReference<Message> request = new AtomicReference<>();
                    Dispatcher service = nc.createDispatcher(m -> {
                        request.set(m);
                        nc.publish(m.getReplyTo(), "pong".getBytes());
                    });
                    service.subscribe("svc.a");
                    nc.flush(TIMEOUT);
                    baseline(server);
                    assertThat(requester.request("svc.a", "ping".getBytes(), TIMEOUT)).isNotNull();
                    String info = request.get().getHeaders().getFirst("Nats-Request-Info");
                    assertThat(JSON.readTree(info).get("rtt").asLong()).as(info).isPositive();
                    int headerBytes = TrafficSnapshot.headerBlockLength(request.get());
                    assertMoved(server, "request across a service import", 2, 2, 8, 8 + headerBytes);
                }
            }
        }
    }

    private static Connection connect(NatsServer server, String user) throws Exception {
        return Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + server.port()).userInfo(user, user)
                .connectionTimeout(TIMEOUT).maxReconnects(0).errorListener(new ErrorListener() { }).build());
    }
}
