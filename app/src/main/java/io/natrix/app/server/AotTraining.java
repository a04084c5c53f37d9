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
 * <p>It plays one short client session over raw TCP (INFO, CONNECT, SUB, PUB, PING until PONG), one JetStream
 * session when the server runs JetStream (a stream created, a message stored and acknowledged, stream info, a pull
 * consumer fetching it) and one monitoring request, so that the connection and JetStream paths are in the cache as
 * well as the start-up path; {@link ServerRunner} then starts the server once more on the same store, which puts the
 * recovery of that stream in the cache too. Failures are reported and otherwise ignored: a cache made from less
 * training is still a cache.
 */
final class AotTraining {

    private static final int TIMEOUT_MILLIS = 5_000;
    private static final int REPLY_BYTES_MAX = 64 * 1024;

    private AotTraining() {
    }

    /** Runs the session against a server listening on these ports; returns a problem or null. */
    static String exercise(int clientPort, int httpPort, boolean jetStream) {
        try {
            clientSession(clientPort);
            if (jetStream) {
                jetStreamSession(clientPort);
            }
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

    /** The JetStream requests of a first use; waits for their five replies (they come from other threads). */
    private static void jetStreamSession(int port) throws IOException {
        String[][] requests = {
            {"$JS.API.STREAM.CREATE.AOT_TRAINING", "{\"name\":\"AOT_TRAINING\",\"subjects\":[\"aot.training\"]}"},
            {"aot.training", "hello"},
            {"$JS.API.STREAM.INFO.AOT_TRAINING", ""},
            {"$JS.API.CONSUMER.CREATE.AOT_TRAINING.c",
                "{\"stream_name\":\"AOT_TRAINING\",\"config\":{\"durable_name\":\"c\",\"ack_policy\":\"explicit\"}}"},
            {"$JS.API.CONSUMER.MSG.NEXT.AOT_TRAINING.c", "{\"batch\":1,\"expires\":1000000000}"},
        };
        try (Socket socket = connect(port)) {
            InputStream in = socket.getInputStream();
            readUntil(in, "\r\n");
            OutputStream out = socket.getOutputStream();
            out.write("CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true}\r\nSUB _INBOX.aot.* 1\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < requests.length; i++) {
                // One at a time: each needs the one before it (the stream, then the message to fetch).
                byte[] body = requests[i][1].getBytes(StandardCharsets.UTF_8);
                out.write(("PUB " + requests[i][0] + " _INBOX.aot." + i + " " + body.length + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // A reply names the inbox; the fetched message keeps its own subject, with the consumer's ack reply.
                String reply = i < requests.length - 1 ? "_INBOX.aot." + i + " " : " $JS.ACK.AOT_TRAINING.c.";
                try {
                    readUntil(in, reply);
                } catch (IOException e) {
                    throw new IOException("no reply to " + requests[i][0] + ": " + e.getMessage(), e);
                }
            }
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
