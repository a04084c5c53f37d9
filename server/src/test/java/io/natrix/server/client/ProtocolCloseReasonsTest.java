package io.natrix.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.TestServer;
import io.natrix.server.config.ServerOptions;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reasons {@code /connz?state=closed} gives for connections closed over their protocol, in nats-server 2.9.10's
 * words (checked live): a CONNECT whose JSON it cannot unmarshal is a "Protocol Violation", a protocol other than 0
 * or 1 a "Bad Client Protocol Version", no_responders without headers "No Responders Requires Headers"; after
 * CONNECT, an unknown operation or bad arguments are a "Protocol Violation" too, and only a -ERR from the client a
 * "Parse Error".
 */
class ProtocolCloseReasonsTest {

    @Test
    void refusedConnectsAreListedWithNatsServersReasons() throws Exception {
        try (TestServer server = TestServer.start(b -> {
            b.httpHost = "127.0.0.1";
            b.httpPort = ServerOptions.RANDOM_PORT;
        })) {
            for (String connect : new String[] {"CONNECT x", "CONNECT {\"protocol\":2}",
                "CONNECT {\"no_responders\":true}"}) {
                refused(server.port(), connect + "\r\n");
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closedReasons(server))
                    .containsExactly("Protocol Violation", "Bad Client Protocol Version",
                            "No Responders Requires Headers"));
        }
    }

    @Test
    void protocolErrorsAreViolationsAndOnlyAClientsErrIsAParseError() throws Exception {
        try (TestServer server = TestServer.start(b -> {
            b.httpHost = "127.0.0.1";
            b.httpPort = ServerOptions.RANDOM_PORT;
        })) {
            for (String session : new String[] {"CONNECT {}\r\nFOO\r\n", "CONNECT {}\r\nPUB foo x\r\n",
                "CONNECT {}\r\n-ERR 'x'\r\n", "CONNECT {}\r\nHPUB foo 10 5\r\n"}) {
                refused(server.port(), session);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closedReasons(server))
                    .containsExactly("Protocol Violation", "Protocol Violation", "Parse Error",
                            "Protocol Violation"));
        }
    }

    /** Sends {@code connect} (and whatever follows it) after INFO and reads until the server closes. */
    private static void refused(int port, String connect) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            socket.getOutputStream().write(connect.getBytes(StandardCharsets.US_ASCII));
            while (in.read() >= 0) {
                // INFO, perhaps a -ERR, then the end of the stream.
            }
        }
    }

    private static List<String> closedReasons(TestServer server) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().httpPort()
                    + "/connz?state=closed&sort=cid")).build(), HttpResponse.BodyHandlers.ofString()).body();
            List<String> reasons = new ArrayList<>();
            for (JsonNode c : new ObjectMapper().readTree(body).get("connections")) {
                reasons.add(c.get("reason").asText());
            }
            return reasons;
        }
    }
}
