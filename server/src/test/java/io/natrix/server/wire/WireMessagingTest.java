package io.natrix.server.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MSG and HMSG frames and delivery rules, byte for byte as nats-server 2.9.10 sends them:
 * <pre>
 *   MSG  &lt;subject&gt; &lt;sid&gt; [reply] &lt;#bytes&gt;\r\n&lt;payload&gt;\r\n
 *   HMSG &lt;subject&gt; &lt;sid&gt; [reply] &lt;#header bytes&gt; &lt;#total bytes&gt;\r\n&lt;headers&gt;&lt;payload&gt;\r\n
 * </pre>
 */
class WireMessagingTest {

    private static final String QUIET = "{\"verbose\":false}";
    private static final String QUIET_HEADERS = "{\"verbose\":false,\"headers\":true}";

    @Test
    void messagingMsgFrameWithAndWithoutReply() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, QUIET)) {
            client.send("SUB foo 1\r\nPUB foo 5\r\nhello\r\nPUB foo bar.reply 5\r\nhello\r\nPING\r\n")
                    .expect("MSG foo 1 5\r\nhello\r\nMSG foo 1 bar.reply 5\r\nhello\r\nPONG\r\n");
        }
    }

    @Test
    void messagingEmptyPayloadAndPayloadWithCrlf() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, QUIET)) {
            client.send("SUB foo 1\r\nPUB foo 0\r\n\r\nPUB foo r 4\r\na\r\nb\r\nPING\r\n")
                    .expect("MSG foo 1 0\r\n\r\nMSG foo 1 r 4\r\na\r\nb\r\nPONG\r\n");
        }
    }

    @Test
    void messagingHmsgFrameWithAndWithoutReply() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, QUIET_HEADERS)) {
            client.send("SUB foo 1\r\n"
                    + "HPUB foo r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"
                    + "HPUB foo 18 18\r\nNATS/1.0\r\nA: b\r\n\r\n\r\n"
                    + "PING\r\n")
                    .expect("HMSG foo 1 r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"
                            + "HMSG foo 1 18 18\r\nNATS/1.0\r\nA: b\r\n\r\n\r\n"
                            + "PONG\r\n");
        }
    }

    @Test
    void messagingSubscriberWithoutHeadersGetsPayloadOnly() {
        try (WireServer server = WireServer.start();
             WireClient subscriber = WireClient.connect(server, QUIET);
             WireClient publisher = WireClient.connect(server, QUIET_HEADERS)) {
            subscriber.send("SUB foo 7\r\n").roundTrip();
            publisher.send("HPUB foo r 17 19\r\nNATS/1.0\r\nA:b\r\n\r\nhi\r\n").roundTrip();
            subscriber.expect("MSG foo 7 r 2\r\nhi\r\n");
            subscriber.roundTrip();
        }
    }

    @Test
    void messagingWildcardSubscriptionsReceiveTheLiteralSubject() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, QUIET)) {
            client.send("SUB foo.* 1\r\nSUB foo.> 2\r\nSUB > 3\r\nSUB foo.bar.* 4\r\nPUB foo.bar 1\r\nx\r\nPING\r\n");
            String received = client.readThrough("PONG\r\n", WireClient.WAIT);
            // One frame per matching subscription; nats-server does not promise an order between them.
            assertThat(frames(received)).containsExactlyInAnyOrder(
                    "MSG foo.bar 1 1\r\nx\r\n", "MSG foo.bar 2 1\r\nx\r\n", "MSG foo.bar 3 1\r\nx\r\n");
        }
    }

    @Test
    void messagingDuplicateSidKeepsTheFirstSubscription() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, QUIET)) {
            client.send("SUB foo 1\r\nSUB foo 1\r\nSUB bar 1\r\nPUB foo 1\r\nf\r\nPUB bar 1\r\nb\r\nPING\r\n")
                    .expect("MSG foo 1 1\r\nf\r\nPONG\r\n");
        }
    }

    @Test
    void messagingUnsubWithMaxDeliversExactlyThatMany() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, QUIET)) {
            client.send("SUB foo 1\r\nUNSUB 1 2\r\n");
            for (int i = 0; i < 5; i++) {
                client.send("PUB foo 1\r\n" + i + "\r\n");
            }
            client.send("PING\r\n").expect("MSG foo 1 1\r\n0\r\nMSG foo 1 1\r\n1\r\nPONG\r\n");
            // The subscription is gone: its sid can be reused.
            client.send("SUB bar 1\r\nPUB bar 1\r\nz\r\nPING\r\n").expect("MSG bar 1 1\r\nz\r\nPONG\r\n");
        }
    }

    @Test
    void messagingUnsubWithZeroMaxUnsubscribesNow() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, QUIET)) {
            client.send("SUB foo 1\r\nUNSUB 1 0\r\nPUB foo 1\r\na\r\nPING\r\n").expect("PONG\r\n");
        }
    }

    @Test
    void messagingEchoFalseSuppressesOwnMessages() {
        try (WireServer server = WireServer.start();
             WireClient quiet = WireClient.connect(server, "{\"verbose\":false,\"echo\":false}");
             WireClient other = WireClient.connect(server, QUIET)) {
            other.send("SUB foo 9\r\n").roundTrip();
            quiet.send("SUB foo 1\r\nPUB foo 2\r\nhi\r\nPING\r\n").expect("PONG\r\n");
            other.expect("MSG foo 9 2\r\nhi\r\n");
            // Messages from others still arrive.
            other.send("PUB foo 3\r\nabc\r\nPING\r\n").expect("MSG foo 9 3\r\nabc\r\nPONG\r\n");
            quiet.expect("MSG foo 1 3\r\nabc\r\n");
        }
    }

    @Test
    void messagingQueueGroupDeliversEachMessageOnce() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, QUIET)) {
            client.send("SUB foo workers 1\r\nSUB foo workers 2\r\nSUB foo 3\r\n");
            for (int i = 0; i < 10; i++) {
                client.send("PUB foo 1\r\n" + i + "\r\n");
            }
            List<String> frames = frames(client.send("PING\r\n").readThrough("PONG\r\n", WireClient.WAIT));
            List<String> toGroup = frames.stream().filter(f -> !f.startsWith("MSG foo 3 ")).toList();
            assertThat(frames).filteredOn(f -> f.startsWith("MSG foo 3 ")).hasSize(10);
            assertThat(toGroup).hasSize(10);
            for (int i = 0; i < 10; i++) {
                String payload = "1\r\n" + i + "\r\n";
                assertThat(toGroup).as("message %d went to exactly one member", i)
                        .filteredOn(f -> f.endsWith(payload)).hasSize(1)
                        .allMatch(f -> f.startsWith("MSG foo 1 ") || f.startsWith("MSG foo 2 "));
            }
        }
    }

    @Test
    void messagingNoRespondersAnswersARequestNobodyHears() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT {\"headers\":true,\"no_responders\":true}\r\n").expect("+OK\r\n");
            client.send("SUB reply.> 9\r\n").expect("+OK\r\n");
            client.send("PUB service reply.x 2\r\nhi\r\n")
                    .expect("+OK\r\nHMSG reply.x 9 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");
            // Without a reply subject nobody is told.
            client.send("PUB service 2\r\nhi\r\n").expect("+OK\r\n");
            client.roundTrip();
        }
    }

    @Test
    void messagingNoRespondersWithoutHeadersIsRefused() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT {\"no_responders\":true}\r\n")
                    .expectClosedAfter("-ERR 'no responders requires headers support'\r\n");
        }
    }

    /**
     * A burst of several event-loop passes of reads (4 × 64 KB each) is delivered whole, and its last message arrives
     * on its own: no later traffic and no PING from either receiver is needed to push it out. The publisher also
     * receives its own messages, the path where a connection flushes itself.
     */
    @Test
    void messagingEndOfABurstArrivesWithoutMoreTraffic() {
        try (WireServer server = WireServer.start();
             WireClient subscriber = WireClient.connect(server, QUIET);
             WireClient publisher = WireClient.connect(server, QUIET)) {
            subscriber.send("SUB foo 1\r\n").roundTrip();
            publisher.send("SUB foo 2\r\n").roundTrip();
            String payload = "x".repeat(1000);
            int burst = 1200;
            StringBuilder messages = new StringBuilder();
            for (int i = 0; i < burst; i++) {
                messages.append("PUB foo 1000\r\n").append(payload).append("\r\n");
            }
            for (int round = 0; round < 2; round++) {
                publisher.send(messages.toString()).send("PUB foo 4\r\nlast\r\n");
                assertThat(frames(subscriber.readThrough("MSG foo 1 4\r\nlast\r\n", WireClient.WAIT)))
                        .hasSize(burst + 1);
                assertThat(frames(publisher.readThrough("MSG foo 2 4\r\nlast\r\n", WireClient.WAIT)))
                        .hasSize(burst + 1);
            }
            // Nothing else was left behind (the server's own RTT PING may come in between: the test can be slow).
            assertThat(frames(subscriber.send("PING\r\n").readThrough("PONG\r\n", WireClient.WAIT))).isEmpty();
            assertThat(frames(publisher.send("PING\r\n").readThrough("PONG\r\n", WireClient.WAIT))).isEmpty();
        }
    }

    /** Splits a run of MSG frames, with PONGs and the server's PINGs among them, into the frames. */
    static List<String> frames(String received) {
        List<String> frames = new ArrayList<>();
        int i = 0;
        while (i < received.length()) {
            int lineEnd = received.indexOf("\r\n", i);
            String line = received.substring(i, lineEnd);
            if (line.equals("PONG") || line.equals("PING")) {
                i = lineEnd + 2;
                continue;
            }
            assertThat(line).startsWith("MSG ");
            int size = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
            int end = lineEnd + 2 + size + 2;
            frames.add(received.substring(i, end));
            i = end;
        }
        return frames;
    }
}
