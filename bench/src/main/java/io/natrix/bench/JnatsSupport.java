package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How every jnats case connects: the same options for both servers, tuned for throughput (large socket buffer and
 * outgoing queue, no reconnect so a dying server shows up as a failure), and an error listener that records the first
 * asynchronous problem (slow consumer, -ERR, exception) so the run can report it.
 */
final class JnatsSupport {
    private JnatsSupport() {
    }

    /** Collects the first asynchronous error any connection of one run reports. Thread-safe. */
    static final class ErrorLog implements ErrorListener {
        private final AtomicReference<String> first = new AtomicReference<>();

        @Override
        public void errorOccurred(Connection conn, String error) {
            first.compareAndSet(null, "server error: " + error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            first.compareAndSet(null, "client exception: " + exp);
        }

        @Override
        public void slowConsumerDetected(Connection conn, Consumer consumer) {
            first.compareAndSet(null, "slow consumer detected by the client");
        }

        String first() {
            return first.get();
        }
    }

    static Connection connect(String url, String name, BenchConfig config, ErrorLog errors)
            throws IOException, InterruptedException {
        Options options = Options.builder()
                .server(url)
                .connectionName(name)
                .noReconnect()
                .connectionTimeout(Duration.ofSeconds(10))
                .bufferSize(config.jnatsBufferBytes())
                .maxMessagesInOutgoingQueue(config.jnatsOutgoingQueue())
                .errorListener(errors)
                .build();
        return Nats.connect(options);
    }

    /** A subject no other run uses, so a late message from an earlier run can never be counted. */
    static String uniqueSubject(String scenario) {
        return "bench.jnats." + scenario + "." + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    static byte[] payload(int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        return payload;
    }

    static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
