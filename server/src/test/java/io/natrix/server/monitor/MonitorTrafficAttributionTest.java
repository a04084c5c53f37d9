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
import io.nats.client.impl.Headers;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which counters a message moves, and by how much: /varz in/out, /accstatz received/sent per account and /connz
 * in/out per connection, step by step through controlled traffic, against the figures nats-server 2.9.10 showed for
 * the very same steps.
 *
 * <p>How the figures were measured: nats-server 2.9.10 ({@code /usr/sbin/nats-server}) ran {@link #CONFIG} (the
 * accounts of src/test/resources/monitor/reference/ref.conf) on loopback; a jnats 2.24.1 driver did these steps
 * and read the three documents before and after each ({@link TrafficSnapshot}). Its changes, as
 * {@code [in msgs, in bytes, out msgs, out bytes]}:
 * <pre>
 * step                                  varz         acc A        acc B      conn-a       conn-b     other
 * connect conn-a, conn-b                -
 * t.x "hello", one subscriber           [1,5,1,5]    [1,5,1,5]               [1,5,1,5]
 * the same with header X-Key: v1 (22)   [1,27,1,27]  [1,27,1,27]             [1,27,1,27]
 * "hello" that nobody wants             [1,5,0,0]    [1,5,0,0]               [1,5,0,0]
 * a.old (mapped: a.new) to a.new, a.&gt; q [1,5,2,10]   [1,5,2,10]              [1,5,2,10]
 * a.events.x "evt" to a.&gt; q and conn-b [1,3,2,6]    [1,3,2,6]    -          [1,3,1,3]    [0,0,1,3]
 * a.events.y "evt", conn-b only         [1,3,1,3]    [1,3,1,3]    -          [1,3,0,0]    [0,0,1,3]
 * conn-b asks a.svc "ping" (header h),  [2,8,2,66]   [1,4,1,62]   [1,4,1,4]  [1,4,1,62]   [1,4,1,4]
 *   conn-a answers "pong"               (h = 58: Nats-Request-Info {"acc":"B","rtt":6391115})
 * header message (22+5) to a client     [1,27,1,27]  [1,27,1,27]             [1,27,0,0]              raw [0,0,1,5]
 *   that does not take headers
 * a third client connects and closes    -
 * the same while a SYS client listens   [0,0,n,N]    acc SYS [0,0,n,N]                               sys [0,0,n,N]
 *   on $SYS.ACCOUNT.&gt;                  (n, N: the events it received; nats-server sent 5, 2509 bytes)
 * SYS asks $SYS.REQ.ACCOUNT.A.STATZ     [1,0,1,L]    acc SYS [1,0,1,L]                               sys [1,0,1,L]
 *                                       (L: the answer's size; 462)
 * </pre>
 * What the figures show, and nats-server's code says (server/client.go, processMsgResults and deliverMsg):
 * <ul>
 *   <li>"in" counts what clients publish, headers and payload, to the server, the publisher's account and
 *       connection, whether anyone receives it or not.</li>
 *   <li>"out" counts each delivery to a client; deliveries to the server's own subscriptions (the service import
 *       and response import that carry a request and its answer across accounts, system services, the account
 *       connection updates nats-server sends to itself) count nowhere.</li>
 *   <li>The account whose subscription index the message was matched in counts the delivery as "sent": a request
 *       crossing a service import counts in the exporter (A), its answer in the requester's account (B), but an
 *       imported stream counts in the exporter (A), not in B whose client receives it, because nats-server
 *       delivers it through a shadow subscription in A's index.</li>
 *   <li>Server and account count the message at the size it was matched with; the connection counts what it was
 *       sent. They differ for a client that does not take headers: the header block is cut off for it, but still
 *       counts in /varz and /accstatz.</li>
 *   <li>A request crossing a service import carries the Nats-Request-Info header, which counts; its length
 *       depends on the digits of the requester's round trip, so the test takes it from the request received.</li>
 *   <li>Events the server publishes count out (in the system account) only when a client receives them; their
 *       sizes vary (ids, times, the fields each version adds, e.g. to the account connection updates
 *       {@code $SYS.ACCOUNT.A.SERVER.CONNS}), and how many there are depends on timing (those updates repeat every
 *       30 s while an account has connections), so that step checks the rule against what the listener received,
 *       not nats-server's numbers.</li>
 * </ul>
 */
class MonitorTrafficAttributionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EVT = "evt".getBytes(StandardCharsets.UTF_8);
    private static final String CONFIG = """
            accounts {
              A {
                users [{user: a, password: apass}]
                exports [{stream: "a.events.>"}, {service: "a.svc"}]
                mappings { "a.old": "a.new" }
              }
              B {
                users [{user: b, password: bpass}]
                imports [{stream: {account: A, subject: "a.events.>"}}, {service: {account: A, subject: "a.svc"}}]
              }
              SYS { users [{user: sys, password: spass}] }
            }
            system_account: SYS
            """;

    @TempDir
    Path dir;

    private NatsServer server;
    private TrafficSnapshot before;

    @Test
    void eachCounterMovesAsInNatsServer() throws Exception {
        Path conf = dir.resolve("traffic.conf");
        Files.writeString(conf, CONFIG);
        ServerOptions.Builder builder = ConfigLoader.load(conf);
        builder.host = "127.0.0.1";
        builder.port = ServerOptions.RANDOM_PORT;
        builder.httpHost = "127.0.0.1";
        builder.httpPort = ServerOptions.RANDOM_PORT;
        try (NatsServer started = new NatsServer(builder.build())) {
            server = started;
            server.start();
            before = TrafficSnapshot.read(server.httpPort());
            try (Connection a = connect("a", "apass", "conn-a"); Connection b = connect("b", "bpass", "conn-b")) {
                changed("connect conn-a, conn-b", Map.of());

                Subscription plain = a.subscribe("t.x");
                a.flush(TIMEOUT);
                a.publish("t.x", HELLO);
                assertThat(plain.nextMessage(TIMEOUT)).isNotNull();
                a.flush(TIMEOUT);
                changed("one subscriber", Map.of("varz", c(1, 5, 1, 5), "acc A", c(1, 5, 1, 5),
                        "conn conn-a", c(1, 5, 1, 5)));

                a.publish("t.x", new Headers().add("X-Key", "v1"), HELLO);
                assertThat(plain.nextMessage(TIMEOUT)).isNotNull();
                a.flush(TIMEOUT);
                changed("with a header", Map.of("varz", c(1, 27, 1, 27), "acc A", c(1, 27, 1, 27),
                        "conn conn-a", c(1, 27, 1, 27)));

                a.publish("nobody", HELLO);
                a.flush(TIMEOUT);
                changed("no interest", Map.of("varz", c(1, 5, 0, 0), "acc A", c(1, 5, 0, 0),
                        "conn conn-a", c(1, 5, 0, 0)));

                Subscription mapped = a.subscribe("a.new");
                Subscription queue = a.subscribe("a.>", "workers");
                a.flush(TIMEOUT);
                a.publish("a.old", HELLO);
                assertThat(mapped.nextMessage(TIMEOUT)).isNotNull();
                assertThat(queue.nextMessage(TIMEOUT)).isNotNull();
                a.flush(TIMEOUT);
                changed("mapped, a plain and a queue subscriber", Map.of("varz", c(1, 5, 2, 10),
                        "acc A", c(1, 5, 2, 10), "conn conn-a", c(1, 5, 2, 10)));

                Subscription imported = b.subscribe("a.events.>");
                b.flush(TIMEOUT);
                a.publish("a.events.x", EVT);
                assertThat(imported.nextMessage(TIMEOUT)).isNotNull();
                assertThat(queue.nextMessage(TIMEOUT)).isNotNull();
                a.flush(TIMEOUT);
                changed("a stream, also imported by B", Map.of("varz", c(1, 3, 2, 6), "acc A", c(1, 3, 2, 6),
                        "conn conn-a", c(1, 3, 1, 3), "conn conn-b", c(0, 0, 1, 3)));

                mapped.unsubscribe();
                queue.unsubscribe();
                a.flush(TIMEOUT);
                a.publish("a.events.y", EVT);
                assertThat(imported.nextMessage(TIMEOUT)).isNotNull();
                a.flush(TIMEOUT);
                changed("a stream only B receives", Map.of("varz", c(1, 3, 1, 3), "acc A", c(1, 3, 1, 3),
                        "conn conn-a", c(1, 3, 0, 0), "conn conn-b", c(0, 0, 1, 3)));

                AtomicInteger requestHeader = new AtomicInteger(-1);
                Dispatcher service = a.createDispatcher(m -> {
                    requestHeader.set(TrafficSnapshot.headerBlockLength(m));
                    a.publish(m.getReplyTo(), "pong".getBytes(StandardCharsets.UTF_8));
                });
                service.subscribe("a.svc");
                a.flush(TIMEOUT);
                assertThat(b.request("a.svc", "ping".getBytes(StandardCharsets.UTF_8), TIMEOUT)).isNotNull();
                a.flush(TIMEOUT);
                b.flush(TIMEOUT);
                int h = requestHeader.get();
                assertThat(h).as("the Nats-Request-Info header block").isBetween(50, 70);
                changed("request across a service import and its answer", Map.of("varz", c(2, 8, 2, 8 + h),
                        "acc A", c(1, 4, 1, 4 + h), "acc B", c(1, 4, 1, 4), "conn conn-a", c(1, 4, 1, 4 + h),
                        "conn conn-b", c(1, 4, 1, 4)));

                try (RawSubscriber raw = RawSubscriber.connect(server.port(), "t.raw")) {
                    changed("a client without headers subscribes", Map.of());
                    a.publish("t.raw", new Headers().add("X-Key", "v1"), HELLO);
                    a.flush(TIMEOUT);
                    raw.await("MSG t.raw 1 5\r\nhello\r\n");
                    changed("a header message to a client without headers", Map.of("varz", c(1, 27, 1, 27),
                            "acc A", c(1, 27, 1, 27), "conn conn-a", c(1, 27, 0, 0),
                            "conn raw-noheaders", c(0, 0, 1, 5)));
                }

                try (Connection third = connect("a", "apass", "closing")) {
                    third.flush(TIMEOUT);
                }
                changed("a client connects and closes", Map.of());

                try (Connection sys = connect("sys", "spass", "sys")) {
                    // Connection events (sys's own among them) are published from the system thread, in order, and
                    // may come late. Once that thread has answered a request, all earlier ones are out, before
                    // anyone listens: only the events of the watched connection below can reach the listener.
                    Message conns = sys.request("$SYS.REQ.ACCOUNT.A.CONNS", new byte[0], TIMEOUT);
                    assertThat(conns).isNotNull();
                    long answer = conns.getData().length;
                    changed("a request the system thread answers", Map.of("varz", c(1, 0, 1, answer),
                            "acc SYS", c(1, 0, 1, answer), "conn sys", c(1, 0, 1, answer)));
                    List<Message> events = Collections.synchronizedList(new ArrayList<>());
                    Dispatcher listener = sys.createDispatcher(events::add);
                    listener.subscribe("$SYS.ACCOUNT.>");
                    sys.flush(TIMEOUT);
                    before = TrafficSnapshot.read(server.httpPort());
                    try (Connection watched = connect("a", "apass", "closing2")) {
                        watched.flush(TIMEOUT);
                    }
                    // The connect and the disconnect each bring an account_connections event too, which may
                    // arrive after the DISCONNECT advisory (it is published from the system thread): wait for all.
                    await().atMost(TIMEOUT).until(() -> count(events, "$SYS.ACCOUNT.A.DISCONNECT") == 1
                            && count(events, "$SYS.ACCOUNT.A.SERVER.CONNS") == 2);
                    long n;
                    long bytes;
                    synchronized (events) {
                        n = events.size();
                        bytes = events.stream()
                                .mapToLong(m -> m.getData().length + TrafficSnapshot.headerBlockLength(m)).sum();
                    }
                    changed("events while a system client listens", Map.of("varz", c(0, 0, n, bytes),
                            "acc SYS", c(0, 0, n, bytes), "conn sys", c(0, 0, n, bytes)));

                    List<Long> accountA = before.counters().get("acc A");
                    Message statz = sys.request("$SYS.REQ.ACCOUNT.A.STATZ", new byte[0], TIMEOUT);
                    assertThat(statz).isNotNull();
                    sys.flush(TIMEOUT);
                    JsonNode stat = JSON.readTree(statz.getData()).at("/data/account_statz/0");
                    assertThat(List.of(stat.at("/received/msgs").asLong(), stat.at("/received/bytes").asLong(),
                            stat.at("/sent/msgs").asLong(), stat.at("/sent/bytes").asLong()))
                            .as("STATZ of A, as /accstatz").isEqualTo(accountA);
                    long size = statz.getData().length;
                    changed("a system request", Map.of("varz", c(1, 0, 1, size), "acc SYS", c(1, 0, 1, size),
                            "conn sys", c(1, 0, 1, size)));
                }
            }
        }
    }

    /**
     * Asserts that the counters changed by exactly {@code expected} since the previous step (waiting a little for
     * deliveries counted after the client saw them), and starts the next step from here.
     */
    private void changed(String step, Map<String, List<Long>> expected) {
        TrafficSnapshot start = before;
        TrafficSnapshot[] now = new TrafficSnapshot[1];
        await().atMost(TIMEOUT).untilAsserted(() -> {
            now[0] = TrafficSnapshot.read(server.httpPort());
            assertThat(now[0].minus(start)).as(step).isEqualTo(expected);
        });
        before = now[0];
    }

    private static long count(List<Message> events, String subject) {
        synchronized (events) {
            return events.stream().filter(m -> m.getSubject().equals(subject)).count();
        }
    }

    private static List<Long> c(long inMsgs, long inBytes, long outMsgs, long outBytes) {
        return List.of(inMsgs, inBytes, outMsgs, outBytes);
    }

    private Connection connect(String user, String password, String name) throws Exception {
        return Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + server.port())
                .userInfo(user, password).connectionName(name).connectionTimeout(TIMEOUT).maxReconnects(0)
                .errorListener(new ErrorListener() { }).build());
    }

    /**
     * A client that does not take headers ({@code "headers":false} in its CONNECT), subscribed to one subject as
     * sid 1 in account A: jnats always takes headers, so this one speaks the protocol over a socket.
     */
    private static final class RawSubscriber implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        private RawSubscriber(Socket socket) throws Exception {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        static RawSubscriber connect(int port, String subject) throws Exception {
            Socket socket = new Socket();
            socket.setSoTimeout(50);
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
            RawSubscriber raw = new RawSubscriber(socket);
            OutputStream out = socket.getOutputStream();
            out.write(("CONNECT {\"user\":\"a\",\"pass\":\"apass\",\"name\":\"raw-noheaders\",\"headers\":false,"
                    + "\"verbose\":false,\"protocol\":1}\r\nSUB " + subject + " 1\r\nPING\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            raw.await("PONG\r\n");
            return raw;
        }

        /** Reads until {@code text} arrived (anywhere in what was received so far); fails after the timeout. */
        void await(String text) throws Exception {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            byte[] buf = new byte[4096];
            while (!received.toString(StandardCharsets.US_ASCII).contains(text)) {
                assertThat(System.nanoTime()).as("waiting for " + text.strip() + ", got "
                        + received.toString(StandardCharsets.US_ASCII)).isLessThan(deadline);
                try {
                    int n = in.read(buf);
                    assertThat(n).as("connection closed").isPositive();
                    received.write(buf, 0, n);
                } catch (SocketTimeoutException e) {
                    // nothing yet
                }
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
