package io.natrix.app.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The work of the launcher's training run ({@code natrix server --aot_training}), after which the JVM writes
 * its start-up cache (JDK 25's AOT cache, or an AppCDS archive on older JDKs): the classes loaded and linked
 * here are ready at the next start instead of being loaded from the jar.
 *
 * <p>It plays one short client session over raw TCP (INFO, CONNECT, SUB, PUB, PING until PONG) and one
 * monitoring request, so that the connection path is in the cache as well as the start-up path. Failures are
 * reported and otherwise ignored: a cache made from less training is still a cache.
 */
final class AotTraining {

    private static final int TIMEOUT_MILLIS = 5_000;
    private static final int REPLY_BYTES_MAX = 64 * 1024;

    private AotTraining() {
    }

    /** Runs the session against a server listening on these ports; returns a problem or null. */
    static String exercise(int clientPort, int httpPort) {
        try {
            clientSession(clientPort);
            if (httpPort > 0) {
                monitoringRequest(httpPort);
            }
            return null;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void clientSession(int port) throws IOException {
        try (Socket socket = connect(port)) {
            InputStream in = socket.getInputStream();
            readUntil(in, "\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(("CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true}\r\n"
                    + "SUB training 1\r\nPUB training 5\r\nhello\r\n"
                    + "HPUB training 18 23\r\nNATS/1.0\r\nA: B\r\n\r\nhello\r\nPING\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            readUntil(in, "PONG\r\n");
        }
    }

    private static void monitoringRequest(int port) throws IOException {
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write("GET /varz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int total = 0;
            for (int n; total < REPLY_BYTES_MAX && (n = in.read(buffer)) > 0; ) {
                total += n;
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        return socket;
    }

    private static void readUntil(InputStream in, String marker) throws IOException {
        StringBuilder seen = new StringBuilder();
        while (seen.indexOf(marker) < 0) {
            int b = in.read();
            if (b < 0 || seen.length() > REPLY_BYTES_MAX) {
                throw new IOException("the server closed or said too much before " + marker.trim());
            }
            seen.append((char) b);
        }
    }
}
