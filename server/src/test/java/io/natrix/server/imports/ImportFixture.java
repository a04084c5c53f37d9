package io.natrix.server.imports;

import io.natrix.server.TestServer;
import io.natrix.server.account.Account;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server from a configuration text plus named jnats clients (user name = password "p"), closed together.
 *
 * <p>{@link #tap} subscribes a client to {@code >} so that everything reaching it can be listed; {@link #settle}
 * makes "nothing else arrived" a fact rather than a guess: the publisher's flush returns once the server has
 * routed its messages (routing is synchronous, into the receivers' outbound buffers), and each receiver's flush
 * returns once its PONG, queued behind those messages, came back; so what is pending then is all there is.
 */
final class ImportFixture implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** One message as a receiver saw it. */
    record Seen(String receiver, String subject, String reply, String data) {
        @Override
        public String toString() {
            return receiver + " <" + subject + (reply == null ? "" : " reply " + reply) + "> " + data;
        }
    }

    private final TestServer server;
    private final Map<String, Connection> clients = new LinkedHashMap<>();
    private final Map<String, Subscription> taps = new LinkedHashMap<>();

    private ImportFixture(TestServer server) {
        this.server = server;
    }

    /** Writes {@code config} to {@code dir/server.conf} and starts a server from it. */
    static ImportFixture start(Path dir, String config) throws Exception {
        return new ImportFixture(TestServer.fromConfig(write(dir, config)));
    }

    static Path write(Path dir, String config) throws Exception {
        Path file = dir.resolve("server.conf");
        Files.writeString(file, config);
        return file;
    }

    TestServer server() {
        return server;
    }

    Account account(String name) {
        return server.server().accounts().get(name);
    }

    /** A connected client of user {@code user} (password "p"); closed with the fixture. */
    Connection connect(String user) throws Exception {
        return connect(user, user);
    }

    /** Another connection of {@code user}, known as {@code name}. */
    Connection connect(String name, String user) throws Exception {
        Connection c = Nats.connect(new Options.Builder().server(server.url()).userInfo(user, "p")
                .maxReconnects(0).connectionTimeout(TIMEOUT).connectionName(name).build());
        clients.put(name, c);
        return c;
    }

    Connection client(String name) {
        return clients.get(name);
    }

    /** Subscribes each named client to {@code >}. */
    void tap(String... names) throws Exception {
        for (String name : names) {
            Connection c = clients.get(name);
            taps.put(name, c.subscribe(">"));
            c.flush(TIMEOUT);
        }
    }

    /**
     * Waits until everything {@code publishers} sent has reached the tapped clients, then returns and forgets what
     * they received whose payload starts with {@code tag} (so that the server's own traffic does not count).
     */
    List<Seen> settle(String tag, Connection... publishers) throws Exception {
        for (Connection p : publishers) {
            p.flush(TIMEOUT);
        }
        List<Seen> seen = new ArrayList<>();
        for (Map.Entry<String, Subscription> e : taps.entrySet()) {
            clients.get(e.getKey()).flush(TIMEOUT);
            Subscription sub = e.getValue();
            while (sub.getPendingMessageCount() > 0) {
                Message m = sub.nextMessage(TIMEOUT);
                String data = text(m);
                if (data.startsWith(tag)) {
                    seen.add(new Seen(e.getKey(), m.getSubject(), m.getReplyTo(), data));
                }
            }
        }
        return seen;
    }

    /**
     * Whether {@code sub} of {@code receiver} has nothing pending once {@code publishers} have been flushed, then
     * {@code receiver}.
     */
    static boolean nothingPending(Connection receiver, Subscription sub, Connection... publishers) throws Exception {
        for (Connection p : publishers) {
            p.flush(TIMEOUT);
        }
        receiver.flush(TIMEOUT);
        return sub.getPendingMessageCount() == 0;
    }

    static String text(Message m) {
        return new String(m.getData(), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (Connection c : clients.values()) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        server.close();
    }
}
