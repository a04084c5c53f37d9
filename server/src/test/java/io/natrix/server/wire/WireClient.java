package io.natrix.server.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
import java.util.Arrays;

/**
 * A blocking raw-socket client for pinning the exact bytes a server sends.
 *
 * <p>Reads wait for a condition (enough bytes, a line end, the end of the stream) until a deadline; the socket's
 * read timeout only bounds each single read so that the deadline is honoured. Bytes read beyond what one
 * expectation consumed are kept for the next. Connecting reads the server's INFO line, which {@link #info()} returns.
 *
 * <p>Not thread-safe; one per test thread.
 */
final class WireClient implements AutoCloseable {

    /** How long an expectation waits for the server; generous, as it only runs out when a test fails. */
    static final Duration WAIT = Duration.ofSeconds(5);
    private static final int READ_TIMEOUT_MILLIS = 50;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] pending = new byte[0];
    private boolean eof;
    private final String info;

    private WireClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.info = readLine(WAIT);
    }

    /** Connects and reads the INFO line. */
    static WireClient connect(WireServer server) {
        try {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) WAIT.toMillis());
            WireClient client = new WireClient(socket);
            assertThat(client.info).as("the first line a server sends").startsWith("INFO {").endsWith("} \r\n");
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects and sends CONNECT with {@code json}, then makes sure the server has handled it. */
    static WireClient connect(WireServer server, String json) {
        WireClient client = connect(server);
        client.send("CONNECT " + json + "\r\n");
        if (json.replace(" ", "").contains("\"verbose\":false")) {
            client.roundTrip();
        } else {
            client.expect("+OK\r\n");
        }
        return client;
    }

    /** The INFO line, CRLF included. */
    String info() {
        return info;
    }

    WireClient send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    WireClient send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Asserts that the next bytes from the server are exactly {@code expected}. */
    WireClient expect(String expected) {
        byte[] want = expected.getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + WAIT.toNanos();
        // Stop waiting as soon as the bytes so far differ from the expectation: a failing test fails at once.
        while (pending.length < want.length && !eof && System.nanoTime() < deadline
                && Arrays.equals(pending, 0, pending.length, want, 0, pending.length)) {
            readSome();
        }
        byte[] got = take(Math.min(want.length, pending.length));
        if (!Arrays.equals(got, want)) {
            fail("expected next bytes\n  " + show(want) + "\nbut got\n  " + show(got) + (eof ? " <EOF>" : "")
                    + "\nthen\n  " + show(pending));
        }
        return this;
    }

    /** PING, and expect PONG as the very next bytes: proves the server sent nothing else before it. */
    WireClient roundTrip() {
        return send("PING\r\n").expect("PONG\r\n");
    }

    /** Reads one line (CRLF included) within {@code wait}. */
    String readLine(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            for (int i = 0; i + 1 < pending.length; i++) {
                if (pending[i] == '\r' && pending[i + 1] == '\n') {
                    return new String(take(i + 2), StandardCharsets.UTF_8);
                }
            }
            if (eof || System.nanoTime() > deadline) {
                fail("no complete line within " + wait + "; got " + show(pending) + (eof ? " <EOF>" : ""));
            }
            readSome();
        }
    }

    /** Reads until {@code marker} has arrived; returns everything up to and including it. */
    String readThrough(String marker, Duration wait) {
        byte[] m = marker.getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            int at = indexOf(pending, m);
            if (at >= 0) {
                return new String(take(at + m.length), StandardCharsets.UTF_8);
            }
            if (eof || System.nanoTime() > deadline) {
                fail("no " + show(m) + " within " + wait + "; got " + show(pending) + (eof ? " <EOF>" : ""));
            }
            readSome();
        }
    }

    /** Asserts that the server closes the connection without sending anything more. */
    void expectClosed() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!eof && pending.length == 0) {
            if (System.nanoTime() > deadline) {
                fail("connection still open after " + WAIT);
            }
            readSome();
        }
        if (pending.length > 0) {
            fail("expected the connection to close, but got " + show(pending) + (eof ? " <EOF>" : ""));
        }
    }

    /** Asserts the exact bytes, then the end of the connection. */
    void expectClosedAfter(String expected) {
        expect(expected);
        expectClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- reading

    /** One read of whatever is there (at most the read timeout); marks the end of the stream. */
    private void readSome() {
        byte[] buf = new byte[8192];
        try {
            int n = in.read(buf);
            if (n < 0) {
                eof = true;
            } else {
                byte[] joined = Arrays.copyOf(pending, pending.length + n);
                System.arraycopy(buf, 0, joined, pending.length, n);
                pending = joined;
            }
        } catch (SocketTimeoutException e) {
            // Nothing yet; the caller checks its deadline.
        } catch (SocketException e) {
            eof = true; // reset by the peer: as closed as it gets
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] take(int count) {
        byte[] head = Arrays.copyOf(pending, count);
        pending = Arrays.copyOfRange(pending, count, pending.length);
        return head;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String show(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        if (s.length() > 300) {
            s = s.substring(0, 300) + "...(" + bytes.length + " bytes)";
        }
        return '"' + s.replace("\r", "\\r").replace("\n", "\\n") + '"';
    }
}
