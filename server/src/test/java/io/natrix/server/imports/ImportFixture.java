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
 *
 * <p>With {@code -Dnatrix.reference=/usr/sbin/nats-server} the same tests run against that nats-server binary
 * instead (tests that look inside Natrix then fail by design): how the expectations here were compared with
 * nats-server 2.9.10.
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
    private final Process reference;
    private final int port;
    private final Map<String, Connection> clients = new LinkedHashMap<>();
    private final Map<String, Subscription> taps = new LinkedHashMap<>();

    private ImportFixture(TestServer server, Process reference, int port) {
        this.server = server;
        this.reference = reference;
        this.port = port;
    }

    /** Writes {@code config} to {@code dir/server.conf} and starts a server from it. */
    static ImportFixture start(Path dir, String config) throws Exception {
        Path file = write(dir, config);
        String binary = System.getProperty("natrix.reference");
        if (binary == null || binary.isBlank()) {
            TestServer server = TestServer.fromConfig(file);
            return new ImportFixture(server, null, server.port());
        }
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Process p = new ProcessBuilder(binary, "-c", file.toString(), "-a", "127.0.0.1", "-p",
                Integer.toString(port)).redirectErrorStream(true).redirectOutput(dir.resolve("reference.log").toFile())
                .start();
        org.awaitility.Awaitility.await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return true;
            }
        });
        return new ImportFixture(null, p, port);
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    static Path write(Path dir, String config) throws Exception {
        Path file = dir.resolve("server.conf");
        Files.writeString(file, config);
        return file;
    }

    /** The Natrix server (null when running against the reference). */
    TestServer server() {
        return server;
    }

    Account account(String name) {
        return server.server().accounts().get(name);
    }

    /** Whether the server is Natrix (not the reference nats-server), so that its insides can be checked. */
    boolean natrix() {
        return server != null;
    }

    /** Natrix's open response routes for requests into {@code exporter}. */
    int pendingResponses(String exporter) {
        return server.server().links().pendingResponses(account(exporter));
    }

    /** A connected client of user {@code user} (password "p"); closed with the fixture. */
    Connection connect(String user) throws Exception {
        return connect(user, user);
    }

    /** Another connection of {@code user}, known as {@code name}. */
    Connection connect(String name, String user) throws Exception {
        Connection c = Nats.connect(new Options.Builder().server(url()).userInfo(user, "p")
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
        if (server != null) {
            server.close();
        } else {
            reference.destroy();
        }
    }
}
