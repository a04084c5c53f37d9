package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.flush;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that stops reading is cut off (max_pending or write_deadline); everybody else keeps going.
 *
 * <p>The scenario was checked against nats-server 2.9.10 (same producer-stall constants as 2.10.0) with the same
 * limits: the stalled reader is closed, the fast jnats subscriber receives every message, one slow consumer counted.
 */
class SlowConsumerTest {

    private static final int MAX_PENDING = 256 * 1024;
    private static final int MESSAGE_SIZE = 1024;
    /** Bounds the flood: far more than max_pending plus any socket buffers the kernel may grant. */
    private static final int MAX_MESSAGES = 200_000;

    /** A fresh array per message: jnats queues the array itself, not a copy. */
    private static byte[] payload(int seq) {
        byte[] b = new byte[MESSAGE_SIZE];
        ByteBuffer.wrap(b).putInt(seq);
        return b;
    }

    /** Opens a raw client that subscribes to {@code subject} and then never reads again. */
    private static Socket stalledSubscriber(TestServer server, String subject) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096); // Keep what the kernel absorbs for the stalled reader small.
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) TIMEOUT.toMillis());
        InputStream in = socket.getInputStream();
        readUntil(in, "\r\n"); // INFO
        socket.getOutputStream().write(("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB " + subject
                + " 1\r\nPING\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        readUntil(in, "PONG\r\n");
        return socket;
    }

    private static String readUntil(InputStream in, String terminator) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.US_ASCII).endsWith(terminator)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before " + terminator.strip() + "; read: " + seen);
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.US_ASCII);
    }

    /** Reads and discards until the server closes the socket; false when it stays open past the timeout. */
    private static boolean readToEndOfStream(Socket socket) throws IOException {
        byte[] sink = new byte[64 * 1024];
        InputStream in = socket.getInputStream();
        long deadline = System.nanoTime() + 2 * TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset by the server: closed as well
            }
        }
        return false;
    }

    @Test
    void slowConsumerStalledSubscriberIsClosedWhilePublisherAndFastSubscriberContinue() throws Exception {
        try (TestServer server = TestServer.start(b -> {
                 b.maxPending = MAX_PENDING;
                 b.maxPayload = 64 * 1024;
                 // nats-server stalls a producer for 100 ms to 1 s per message while a consumer is over half its
                 // max_pending; a short write_deadline bounds that, so the publisher's flushes stay well inside
                 // their timeout whichever limit cuts the stalled reader off first.
                 b.writeDeadline = Duration.ofMillis(500);
             });
             Connection fast = Jnats.connect(server);
             Connection pub = Jnats.connect(server);
             Socket stalled = stalledSubscriber(server, "flood")) {
            AtomicInteger received = new AtomicInteger();
            AtomicReference<String> orderProblem = new AtomicReference<>();
            Dispatcher d = fast.createDispatcher(m -> {
                int seq = ByteBuffer.wrap(m.getData()).getInt();
                int expected = received.getAndIncrement();
                if (seq != expected) {
                    orderProblem.compareAndSet(null, "expected " + expected + " got " + seq);
                }
            });
            d.setPendingLimits(-1, -1);
            d.subscribe("flood");
            flush(fast);
            long fastCid = fast.getServerInfo().getClientId();
            long pubCid = pub.getServerInfo().getClientId();
            Set<Long> cids = cids(server);
            assertThat(cids).hasSize(3).contains(fastCid, pubCid);
            cids.removeAll(Set.of(fastCid, pubCid));
            long stalledCid = cids.iterator().next();

            int published = 0;
            while (published < MAX_MESSAGES && cids(server).contains(stalledCid)) {
                for (int i = 0; i < 1000; i++) {
                    pub.publish("flood", payload(published++));
                }
                flush(pub);
            }
            assertThat(cids(server)).as("stalled subscriber cut off within %d messages", MAX_MESSAGES)
                    .doesNotContain(stalledCid);
            assertThat(cids(server))
                    .as("the fast jnats subscriber (cid %d) reads everything at once and must not be cut off as a"
                            + " slow consumer; slow consumers counted: %d", fastCid,
                            server.server().stats().slowConsumers.get())
                    .contains(fastCid, pubCid);

            // The publisher is unaffected: it keeps publishing after the cut-off.
            for (int i = 0; i < 1000; i++) {
                pub.publish("flood", payload(published++));
            }
            flush(pub);

            int total = published;
            await().atMost(TIMEOUT).until(() -> received.get() >= total || !cids(server).contains(fastCid));
            assertThat(cids(server)).as("fast jnats subscriber (cid %d) still connected after the flood", fastCid)
                    .contains(fastCid);
            assertThat(received.get()).isEqualTo(total);
            assertThat(orderProblem.get()).isNull();
            assertThat(readToEndOfStream(stalled)).as("server closed the stalled socket").isTrue();
            assertThat(pub.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            assertThat(fast.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            assertThat(server.server().stats().slowConsumers.get()).isEqualTo(1);
        }
    }

    private static Set<Long> cids(TestServer server) {
        return server.server().connections().stream().map(ClientConnection::cid)
                .collect(Collectors.toCollection(HashSet::new));
    }
}
