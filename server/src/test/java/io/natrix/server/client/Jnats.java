package io.natrix.server.client;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * jnats connections and small helpers shared by the client tests.
 *
 * <p>Every connection made here fails fast and never reconnects, so a connection the server closes stays closed and
 * a test can assert on it; tests close what they open with try-with-resources.
 */
final class Jnats {

    /** The longest a test waits for anything the server should do promptly. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Jnats() {
    }

    /** Options for one connection to {@code server}: no reconnects, short connect timeout. */
    static Options.Builder options(TestServer server) {
        return new Options.Builder()
                .server(server.url())
                .maxReconnects(0)
                .connectionTimeout(TIMEOUT);
    }

    static Connection connect(TestServer server) throws IOException, InterruptedException {
        return Nats.connect(options(server).build());
    }

    static Connection connect(Options.Builder options) throws IOException, InterruptedException {
        return Nats.connect(options.build());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Message m) {
        return new String(m.getData(), StandardCharsets.UTF_8);
    }

    /** Waits (bounded) until the server has processed everything this connection sent before. */
    static void flush(Connection... connections) throws Exception {
        for (Connection nc : connections) {
            nc.flush(TIMEOUT);
        }
    }

    /**
     * Reads the messages already queued on a synchronous subscription. Exact after a flush of the connection that
     * both published and subscribed: the server writes the PONG after every MSG those publishes produced.
     */
    static List<Message> queued(Subscription sub) throws InterruptedException {
        long n = sub.getPendingMessageCount();
        List<Message> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            out.add(next(sub));
        }
        return out;
    }

    /** The next message, or a test failure after {@link #TIMEOUT}. */
    static Message next(Subscription sub) throws InterruptedException {
        Message m = sub.nextMessage(TIMEOUT);
        if (m == null) {
            throw new NoSuchElementException("no message on " + sub.getSubject() + " within " + TIMEOUT);
        }
        return m;
    }

    /** The server's side of a jnats connection, found by the client id the server announced in INFO. */
    static ClientConnection serverSide(TestServer server, Connection nc) {
        long cid = nc.getServerInfo().getClientId();
        return server.server().connections().stream()
                .filter(c -> c.cid() == cid)
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("no server connection with cid " + cid));
    }
}
