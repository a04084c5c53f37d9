package io.natrix.server.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server with a user and password, or a token: nothing but a CONNECT with the right credentials is accepted
 * first, and a client that never sends one is timed out. Pinned to nats-server 2.9.10.
 */
class WireAuthTest {

    private static final String VIOLATION = "-ERR 'Authorization Violation'\r\n";

    private static WireServer userServer() {
        return WireServer.start(s -> {
            s.user = "alice";
            s.password = "s3cret";
        });
    }

    @Test
    void authInfoAnnouncesThatAuthIsRequired() {
        try (WireServer server = userServer();
             WireClient client = WireClient.connect(server)) {
            assertThat(client.info()).contains("\"auth_required\":true");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PING\r\n", "SUB foo 1\r\n", "PUB foo 1\r\na\r\n", "UNSUB 1\r\n"})
    void authOperationBeforeConnectIsAViolation(String bytes) {
        try (WireServer server = userServer();
             WireClient client = WireClient.connect(server)) {
            client.send(bytes).expectClosedAfter(VIOLATION);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PONG\r\n", "+OK\r\n", "garbage\r\n"})
    void authAnyOtherBytesBeforeConnectAreAViolation(String bytes) {
        // nats-server checks for a pending authentication at the first byte of every operation other than CONNECT,
        // before it even knows which operation it is.
        try (WireServer server = userServer();
             WireClient client = WireClient.connect(server)) {
            client.send(bytes).expectClosedAfter(VIOLATION);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"user\":\"alice\",\"pass\":\"wrong\"}", "{\"user\":\"bob\",\"pass\":\"s3cret\"}",
            "{\"user\":\"alice\"}", "{}", "{\"auth_token\":\"s3cret\"}"})
    void authWrongCredentialsAreAViolation(String connect) {
        try (WireServer server = userServer();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT " + connect + "\r\n").expectClosedAfter(VIOLATION);
        }
    }

    @Test
    void authRightCredentialsAreAccepted() {
        try (WireServer server = userServer();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT {\"user\":\"alice\",\"pass\":\"s3cret\"}\r\n").expect("+OK\r\n");
            client.send("SUB foo 1\r\nPUB foo 2\r\nhi\r\n").expect("+OK\r\n+OK\r\nMSG foo 1 2\r\nhi\r\n");
            client.roundTrip();
        }
    }

    @Test
    void authTokenIsCheckedToo() {
        try (WireServer server = WireServer.start(s -> s.token = "t0ken")) {
            try (WireClient good = WireClient.connect(server)) {
                assertThat(good.info()).contains("\"auth_required\":true");
                good.send("CONNECT {\"verbose\":false,\"auth_token\":\"t0ken\"}\r\n").roundTrip();
            }
            try (WireClient bad = WireClient.connect(server)) {
                bad.send("CONNECT {\"auth_token\":\"nope\"}\r\n").expectClosedAfter(VIOLATION);
            }
            try (WireClient early = WireClient.connect(server)) {
                early.send("PING\r\n").expectClosedAfter(VIOLATION);
            }
        }
    }

    @Test
    void authClientThatNeverConnectsIsTimedOut() {
        try (WireServer server = WireServer.start(s -> {
                s.user = "alice";
                s.password = "s3cret";
                // Short for the silent client, yet long enough for the prompt one to send its CONNECT in time on
                // a busy machine; expectClosedAfter waits longer than this.
                s.authTimeout = Duration.ofSeconds(2);
            });
             WireClient silent = WireClient.connect(server);
             WireClient prompt = WireClient.connect(server)) {
            prompt.send("CONNECT {\"verbose\":false,\"user\":\"alice\",\"pass\":\"s3cret\"}\r\n").roundTrip();
            // expectClosedAfter waits up to WireClient.WAIT for the timeout to fire.
            silent.expectClosedAfter("-ERR 'Authentication Timeout'\r\n");
            // A client that authenticated in time is not affected: it gets the server's first PING (sent 2 s after
            // its CONNECT, as nats-server does, whenever this step comes), answers it and still gets its PONG.
            prompt.expect("PING\r\n");
            prompt.send("PONG\r\n").roundTrip();
        }
    }

    @Test
    void authManyClientsStalledInsideConnectAreAllTimedOut() {
        // Slow loris (the reliability plan's C5): thousands of connections that start a CONNECT and never finish it
        // hold nothing for long; every one is cut off at the authentication timeout while an authenticated client
        // keeps being served.
        int stalled = 5000;
        List<WireClient> clients = new ArrayList<>();
        try (WireServer server = WireServer.start(s -> {
                s.user = "alice";
                s.password = "s3cret";
                s.authTimeout = Duration.ofMillis(500);
            })) {
            for (int i = 0; i < stalled; i++) {
                WireClient c = WireClient.connect(server);
                clients.add(c);
                c.send("CONNECT {\"verbose\":false,\"user\":\"al");
            }
            // Connected after the others, so that its checks come well before the server's first PING to it.
            try (WireClient prompt = WireClient.connect(server)) {
                prompt.send("CONNECT {\"verbose\":false,\"user\":\"alice\",\"pass\":\"s3cret\"}\r\n").roundTrip();
                for (WireClient c : clients) {
                    c.expectClosedAfter("-ERR 'Authentication Timeout'\r\n");
                }
                prompt.roundTrip();
            }
        } finally {
            clients.forEach(WireClient::close);
        }
    }
}
