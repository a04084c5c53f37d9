package io.natrix.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A deliberately tiny NATS protocol client over a blocking socket, for the scenarios that measure the server rather
 * than a client library: many connections at once, and many subscriptions. It speaks just enough (INFO, CONNECT,
 * SUB, PING/PONG, -ERR) and is the same code for both servers. Not thread-safe: one thread per instance.
 */
final class RawNatsClient implements AutoCloseable {
    private static final int LINE_MAX_BYTES = 64 * 1024;
    private static final byte[] CONNECT = ("CONNECT {\"verbose\":false,\"pedantic\":false,\"lang\":\"java\","
            + "\"version\":\"0\",\"protocol\":1,\"name\":\"natrix-bench-raw\"}\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "PONG\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawNatsClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.out = socket.getOutputStream();
    }

    /** Connects, reads INFO, sends CONNECT and PING, and returns once the server has answered PONG. */
    static RawNatsClient open(int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            RawNatsClient client = new RawNatsClient(socket);
            String greeting = client.readLine();
            if (!greeting.startsWith("INFO ")) {
                throw new IOException("expected INFO, got '" + greeting + "'");
            }
            client.out.write(CONNECT);
            client.ping();
            return client;
        } catch (IOException | RuntimeException e) {
            Probe.closeQuietly(socket);
            throw e;
        }
    }

    /** Sends raw protocol bytes as they are. */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    /** Sends PING and waits for PONG, so everything sent before has been processed by the server. */
    void ping() throws IOException {
        out.write(PING);
        out.flush();
        while (true) {
            String line = readLine();
            if (line.equals("PONG")) {
                return;
            }
            if (line.equals("PING")) {
                out.write(PONG);
            } else if (line.startsWith("-ERR")) {
                throw new IOException("server answered " + line);
            }
            // +OK and INFO updates are possible and harmless; anything else is ignored too.
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (line.size() < LINE_MAX_BYTES) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by server");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.US_ASCII);
            }
            line.write(b);
        }
        throw new IOException("protocol line longer than " + LINE_MAX_BYTES + " bytes");
    }

    /**
     * Drops the connection abruptly: with a zero linger time the kernel answers the close with a reset instead of an
     * orderly shutdown, as when a client process is killed or its machine vanishes behind a firewall.
     */
    void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // The socket is already broken; closing it is all that is left to do.
        }
        Probe.closeQuietly(socket);
    }

    @Override
    public void close() {
        Probe.closeQuietly(socket);
    }
}
