package io.natrix.server.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The first bytes of a connection, acknowledgements, and the shapes of lines that any client may send, pinned to
 * what nats-server 2.9.10 sends.
 */
class WireHandshakeTest {

    @Test
    void handshakeInfoIsOneJsonObjectEndingInSpaceCrlf() throws Exception {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            String line = client.info();
            // nats-server writes "INFO " + JSON + " \r\n": note the space before CRLF.
            assertThat(line).startsWith("INFO {").endsWith("} \r\n");
            assertThat(line.indexOf("\r\n")).isEqualTo(line.length() - 2);
            JsonNode info = new ObjectMapper().readTree(line.substring("INFO ".length(), line.length() - 3));
            assertThat(info.get("server_id").asText()).startsWith("N");
            assertThat(info.get("version").isTextual()).isTrue();
            assertThat(info.get("proto").asInt()).isEqualTo(1);
            assertThat(info.get("host").asText()).isEqualTo("127.0.0.1");
            assertThat(info.get("port").asInt()).isEqualTo(server.port());
            assertThat(info.get("headers").asBoolean()).isTrue();
            assertThat(info.get("max_payload").asInt()).isEqualTo(1024 * 1024);
            assertThat(info.get("client_id").isIntegralNumber()).isTrue();
            assertThat(info.has("auth_required")).isFalse();
        }
    }

    @Test
    void handshakeVerboseAcknowledgesEverythingButPingAndPong() {
        // CONNECT {} means verbose: true.
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT {}\r\n").expect("+OK\r\n");
            client.send("SUB foo 1\r\n").expect("+OK\r\n");
            // The +OK for a PUB comes before the message it delivers.
            client.send("PUB foo 2\r\nhi\r\n").expect("+OK\r\nMSG foo 1 2\r\nhi\r\n");
            client.send("UNSUB 1\r\n").expect("+OK\r\n");
            client.send("UNSUB 99\r\n").expect("+OK\r\n");
            client.send("PONG\r\nPING\r\n").expect("PONG\r\n");
        }
    }

    @Test
    void handshakeQuietClientGetsNoAcknowledgements() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT {\"verbose\":false}\r\nSUB foo 1\r\nPUB foo 2\r\nhi\r\nUNSUB 1\r\nPING\r\n")
                    .expect("MSG foo 1 2\r\nhi\r\nPONG\r\n");
        }
    }

    @Test
    void handshakePingBeforeConnectIsAnsweredWithoutAuth() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("PING\r\n").expect("PONG\r\n");
            client.send("CONNECT {}\r\n").expect("+OK\r\n");
            client.roundTrip();
        }
    }

    @Test
    void handshakeOperationsAreCaseInsensitiveAndLinesMayEndInLf() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("connect {\"verbose\":false}\nsub foo 1\nPuB foo 2\nhi\r\nping\n")
                    .expect("MSG foo 1 2\r\nhi\r\nPONG\r\n");
            client.send("SUB\tbar \t 2\r\nPUB   bar\t\t3  \r\nabc\r\nPiNg\r\n").expect("MSG bar 2 3\r\nabc\r\nPONG\r\n");
        }
    }

    @Test
    void handshakeOperationsSplitAcrossWritesAreReassembled() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT {\"verbose\":false}\r\nSUB foo 1\r\n").roundTrip();
            String stream = "PUB foo 5\r\nhello\r\nPUB foo 3\r\nabc\r\nPING\r\n";
            for (int i = 0; i < stream.length(); i++) {
                client.send(stream.substring(i, i + 1));
            }
            client.expect("MSG foo 1 5\r\nhello\r\nMSG foo 1 3\r\nabc\r\nPONG\r\n");
        }
    }

    @Test
    void handshakeConnectWithBrokenJsonClosesWithoutAWord() {
        try (WireServer server = WireServer.start();
             WireClient client = WireClient.connect(server)) {
            client.send("CONNECT x\r\n").expectClosed();
        }
    }
}
