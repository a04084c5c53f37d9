package io.natrix.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.TestServer;
import io.natrix.server.config.ServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first TLS record header decides at once, as in Go's TLS (nats-server 2.9.10, compared live), where Netty
 * would wait for a whole record of up to 64 KiB until the handshake timeout: these cases were found by
 * {@link TlsFuzzTest}'s random record headers. The handshake timeout here is 30 s, so an answer within 10 s is one
 * that did not wait for it.
 */
class TlsFirstRecordTest {
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration AT_ONCE = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static TestCertificates certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(dir);
    }

    @Test
    void firstRecordLongerThanTlsAllowsGetsRecordOverflow() throws Exception {
        // 18,433 bytes announced: one more than Go's maxCiphertext.
        assertThat(answer("16 03 01 48 01 787878")).isEqualTo("15030100020216");
        assertThat(answer("15 03 01 ff ff")).isEqualTo("15030100020216");
    }

    @Test
    void firstRecordThatIsNoHandshakeIsClosedWithoutAnswer() throws Exception {
        assertThat(answer("17 03 03 01 2c 7878")).isEmpty(); // application data
        assertThat(answer("14 03 03 00 01 01")).isEmpty(); // change cipher spec
        assertThat(answer("16 10 03 00 10 787878")).isEmpty(); // version 16.3
    }

    @Test
    void sslv2ClientHelloGetsProtocolVersion() throws Exception {
        assertThat(answer("80 2e 01 03 01 787878")).isEqualTo("15030100020246");
    }

    /** Connects, reads INFO, sends {@code hex} and returns (in hex) what came before the close, within AT_ONCE. */
    private static String answer(String hex) throws Exception {
        try (TestServer server = TestServer.start(b -> b.tls = new ServerOptions.TlsOptions(certs.path("server.pem"),
                certs.path("server-key.pem"), null, false, false, HANDSHAKE_TIMEOUT, false, List.of(), List.of()));
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) AT_ONCE.toMillis());
            InputStream in = socket.getInputStream();
            int previous = -1;
            for (int b = in.read(); !(previous == '\r' && b == '\n'); b = in.read()) {
                assertThat(b).as("INFO before the close").isNotNegative();
                previous = b;
            }
            socket.getOutputStream().write(HexFormat.of().parseHex(hex.replace(" ", "")));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    got.write(b);
                }
            } catch (SocketException e) {
                // A reset after the answer is a close too.
            } catch (IOException e) {
                throw new AssertionError("not closed within " + AT_ONCE + "; got " + HexFormat.of()
                        .formatHex(got.toByteArray()), e);
            }
            return HexFormat.of().formatHex(got.toByteArray());
        }
    }
}
