package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.time.Duration;

/**
 * How every jnats connection of the soak is made: no reconnect (a server that drops a connection must show up as an
 * error, not be papered over), and an error listener that counts every asynchronous problem (-ERR, slow consumer,
 * exception) against the part that owns the connection. Stateless and thread-safe.
 */
final class SoakConnections {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private SoakConnections() {
    }

    static Connection connect(String url, String part, String name, SoakStats stats)
            throws IOException, InterruptedException {
        Options options = Options.builder()
                .server(url)
                .connectionName("soak-" + name)
                .noReconnect()
                .connectionTimeout(CONNECT_TIMEOUT)
                .errorListener(new Listener(part, stats))
                .build();
        return Nats.connect(options);
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

    /** Counts a connection's asynchronous problems against its part. */
    private record Listener(String part, SoakStats stats) implements ErrorListener {
        @Override
        public void errorOccurred(Connection conn, String error) {
            stats.error(part, "server error: " + error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            stats.error(part, "client exception: " + exp);
        }

        @Override
        public void slowConsumerDetected(Connection conn, Consumer consumer) {
            stats.error(part, "slow consumer detected by the client");
        }
    }
}
