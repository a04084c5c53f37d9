package io.natrix.server.wire;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Per-connection and server limits, and the server's PINGs, as nats-server 2.9.10 enforces them on the wire.
 */
class WireLimitsTest {

    private static final String QUIET = "{\"verbose\":false}";

    @Test
    void limitsMaxSubscriptionsRefusesTheExtraOneAndKeepsTheConnection() {
        try (WireServer server = WireServer.start(s -> s.maxSubscriptions = 2);
             WireClient client = WireClient.connect(server, "{}")) {
            client.send("SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nPING\r\n")
                    .expect("+OK\r\n+OK\r\n-ERR 'maximum subscriptions exceeded'\r\nPONG\r\n");
            // The two accepted subscriptions work; freeing one makes room again.
            client.send("PUB b 1\r\nx\r\n").expect("+OK\r\nMSG b 2 1\r\nx\r\n");
            client.send("UNSUB 1\r\nSUB c 3\r\nPUB c 1\r\ny\r\n").expect("+OK\r\n+OK\r\n+OK\r\nMSG c 3 1\r\ny\r\n");
        }
    }

    @Test
    void limitsMaxConnectionsRefusesTheExtraClient() {
        try (WireServer server = WireServer.start(s -> s.maxConnections = 1);
             WireClient first = WireClient.connect(server, QUIET)) {
            try (WireClient extra = WireClient.connect(server)) {
                // The INFO goes out first (WireClient.connect read it), then the error.
                extra.expectClosedAfter("-ERR 'maximum connections exceeded'\r\n");
            }
            first.roundTrip();
        }
    }

    @Test
    void limitsFirstServerPingArrivesSoonAfterConnect() {
        // nats-server sends its first PING to a client about 2 s after CONNECT (2 s plus up to 20%), whatever the
        // ping_interval (2 min by default).
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server, QUIET)) {
            client.expect("PING\r\n");
            client.send("PONG\r\n").roundTrip();
        }
    }

    @Test
    void limitsClientThatNeverAnswersPingsIsStale() {
        try (WireServer server = WireServer.start(s -> {
                s.pingInterval = Duration.ofMillis(200);
                s.maxPingsOut = 2;
            });
             WireClient client = WireClient.connect(server, QUIET)) {
            // ping_max PINGs go unanswered; the next tick closes the connection.
            client.expectClosedAfter("PING\r\nPING\r\n-ERR 'Stale Connection'\r\n");
        }
    }

    @Test
    void limitsClientThatAnswersPingsStays() {
        // The client answers each PING as it reads it; room for four unanswered intervals (2 s) lets a busy
        // machine stall the test thread without the server calling the connection stale.
        try (WireServer server = WireServer.start(s -> {
                s.pingInterval = Duration.ofMillis(500);
                s.maxPingsOut = 4;
            });
             WireClient client = WireClient.connect(server, QUIET)) {
            for (int i = 0; i < 4; i++) {
                client.expect("PING\r\n");
                client.send("PONG\r\n");
            }
            client.roundTrip();
        }
    }
}
