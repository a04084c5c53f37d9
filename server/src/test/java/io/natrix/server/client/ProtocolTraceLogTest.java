package io.natrix.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.natrix.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What -V writes about messages, as nats-server 2.12 writes it: each PUB/HPUB line and each MSG/HMSG line is
 * followed by the body, quoted and cut at max_traced_msg_len ({@link TracedPayload}).
 */
class ProtocolTraceLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(ClientConnection.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Level levelBefore;

    @BeforeEach
    void capture() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.TRACE);
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
        logger.setLevel(levelBefore);
    }

    /** The traced lines without the connection prefix ("127.0.0.1:port - cid:N - "). */
    private List<String> traced() {
        return lines.list.stream().filter(e -> e.getLevel() == Level.TRACE)
                .map(e -> e.getFormattedMessage().replaceFirst("^.* - cid:\\d+ - ", "")).toList();
    }

    private static void converse(TestServer server, String send) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(send.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (!got.toString(StandardCharsets.ISO_8859_1).endsWith("PONG\r\n")) {
                int b = in.read();
                assertThat(b).as("the server's answer so far: " + got).isNotNegative();
                got.write(b);
            }
        }
    }

    @Test
    void publishedAndDeliveredBodiesFollowTheirLines() throws IOException {
        try (TestServer server = TestServer.start(b -> b.trace = true)) {
            converse(server, "CONNECT {\"verbose\":false,\"headers\":true}\r\nSUB foo 1\r\n"
                    + "PUB foo 11\r\nhello\u0001world\r\n"
                    + "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"
                    + "PUB foo 0\r\n\r\n"
                    + "PING\r\n");
        }
        assertThat(traced()).containsSubsequence(
                "<<- [PUB foo 11]",
                "<<- MSG_PAYLOAD: [\"hello\\x01world\"]",
                "->> [MSG foo 1 11]",
                "->> MSG_PAYLOAD: [\"hello\\x01world\"]",
                "<<- [HPUB foo 12 14]",
                "<<- MSG_PAYLOAD: [\"NATS/1.0\\r\\n\\r\\nhi\"]",
                "->> [HMSG foo 1 12 14]",
                "->> MSG_PAYLOAD: [\"NATS/1.0\\r\\n\\r\\nhi\"]",
                "<<- [PUB foo 0]",
                "->> [MSG foo 1 0]",
                "<<- [PING]");
        assertThat(traced()).as("an empty body writes no payload line").filteredOn(l -> l.contains("MSG_PAYLOAD"))
                .hasSize(4);
    }

    @Test
    void maxTracedMsgLenCutsBodiesWithAnEllipsis() throws IOException {
        try (TestServer server = TestServer.start(b -> {
            b.trace = true;
            b.maxTracedMsgLen = 4;
        })) {
            converse(server, "CONNECT {\"verbose\":false}\r\nSUB foo 1\r\nPUB foo 5\r\nhello\r\nPUB foo 4\r\nhell\r\n"
                    + "PING\r\n");
        }
        assertThat(traced()).containsSubsequence(
                "<<- [PUB foo 5]", "<<- MSG_PAYLOAD: [\"hell...\"]",
                "->> [MSG foo 1 5]", "->> MSG_PAYLOAD: [\"hell...\"]",
                "<<- [PUB foo 4]", "<<- MSG_PAYLOAD: [\"hell\"]",
                "->> [MSG foo 1 4]", "->> MSG_PAYLOAD: [\"hell\"]");
    }

    @Test
    void aSubscriberWithoutHeadersIsTracedWithTheBodyItGets() throws IOException {
        try (TestServer server = TestServer.start(b -> b.trace = true)) {
            try (Socket subscriber = new Socket("127.0.0.1", server.port())) {
                subscriber.getOutputStream().write("CONNECT {\"verbose\":false}\r\nSUB foo 2\r\nPING\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                subscriber.setSoTimeout(5000);
                InputStream in = subscriber.getInputStream();
                StringBuilder got = new StringBuilder();
                while (!got.toString().endsWith("PONG\r\n")) {
                    got.append((char) in.read());
                }
                converse(server, "CONNECT {\"verbose\":false,\"headers\":true}\r\n"
                        + "HPUB foo 17 19\r\nNATS/1.0\r\nA:b\r\n\r\nhi\r\nPING\r\n");
                while (!got.toString().endsWith("hi\r\n")) {
                    got.append((char) in.read());
                }
            }
        }
        assertThat(traced()).containsSubsequence("<<- MSG_PAYLOAD: [\"NATS/1.0\\r\\nA:b\\r\\n\\r\\nhi\"]",
                "->> [MSG foo 2 2]", "->> MSG_PAYLOAD: [\"hi\"]");
    }
}
