package io.natrix.server;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.server.auth.NKeyPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A raw-socket NATS client for the operator-mode tests that need to send what jnats never would: CONNECT with a
 * chosen JWT, a signature of another nonce, extra fields. Reads wait until a deadline; the socket timeout only bounds
 * each read.
 *
 * <p>Not thread-safe; one per test thread.
 */
final class RawClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final JsonNode info;
    private boolean eof;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        String line = readLine();
        if (!line.startsWith("INFO ")) {
            fail("expected INFO, got " + line);
        }
        this.info = JSON.readTree(line.substring(5));
    }

    /** Connects and reads INFO. */
    static RawClient connect(TestServer server) {
        try {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(50);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) WAIT.toMillis());
            return new RawClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode info() {
        return info;
    }

    /** The nonce INFO asked the client to sign. */
    String nonce() {
        return info.path("nonce").asText("");
    }

    /** {@code key}'s signature of {@code nonce} as clients send it: URL-safe base64 without padding. */
    static String sign(NKeyPair key, String nonce) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(key.sign(nonce.getBytes(StandardCharsets.UTF_8)));
    }

    /** A CONNECT body as jnats sends it (not verbose), to which tests add their credentials. */
    static ObjectNode connectBody() {
        ObjectNode o = JSON.createObjectNode();
        o.put("verbose", false).put("pedantic", false).put("tls_required", false).put("lang", "raw")
                .put("version", "0").put("protocol", 1).put("headers", true).put("no_responders", true);
        return o;
    }

    /** Sends CONNECT with {@code body}, then PING. */
    RawClient connectWith(ObjectNode body) {
        return send("CONNECT " + body + "\r\nPING\r\n");
    }

    RawClient send(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The next line, CRLF stripped; fails after {@link #WAIT}. */
    String readLine() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            byte[] buf = pending.toByteArray();
            for (int i = 0; i + 1 < buf.length; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    pending.reset();
                    pending.write(buf, i + 2, buf.length - i - 2);
                    return new String(buf, 0, i, StandardCharsets.UTF_8);
                }
            }
            if (eof || System.nanoTime() > deadline) {
                fail("no complete line within " + WAIT + "; got '" + new String(buf, StandardCharsets.UTF_8)
                        + "'" + (eof ? " <EOF>" : ""));
            }
            readSome();
        }
    }

    /** Asserts that the server sends nothing more and closes the connection. */
    void expectClosed() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!eof) {
            if (System.nanoTime() > deadline) {
                fail("connection still open after " + WAIT);
            }
            readSome();
        }
        if (pending.size() > 0) {
            fail("expected the end of the connection, got '" + pending.toString(StandardCharsets.UTF_8) + "'");
        }
    }

    private void readSome() {
        byte[] buf = new byte[8192];
        try {
            int n = in.read(buf);
            if (n < 0) {
                eof = true;
            } else {
                pending.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // nothing yet
        } catch (SocketException e) {
            eof = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
