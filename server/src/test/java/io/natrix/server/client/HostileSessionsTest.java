package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.bytes;
import static io.natrix.server.client.Jnats.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Hostile sessions against a live server (the reliability plan's C2): fifty raw connections send mutated protocol
 * sessions (random bytes, random protocol words, a valid session with bytes flipped, cut or spliced in, each sent in
 * random pieces) and read whatever comes back, over and over, while a jnats canary publishes and receives its own
 * sequence. The canary loses nothing and sees its messages in order; afterwards the server holds no hostile
 * connection and serves new clients.
 *
 * <p>The seed is fixed so that the suite is repeatable; another one is set with {@code -Dnatrix.fuzz.seed} (it is
 * printed).
 */
class HostileSessionsTest {
    private static final int HOSTILE = 50;
    private static final int SESSIONS_EACH = 30;
    private static final int CANARY_MESSAGES = 3000;

    private static final String VALID = "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true}\r\n"
            + "SUB foo 1\r\nSUB foo.* q 2\r\nPUB foo 5\r\nhello\r\nPUB foo.bar r.1 3\r\nabc\r\n"
            + "HPUB foo 22 27\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\nUNSUB 1 2\r\nPING\r\nUNSUB 2\r\nPONG\r\n";
    private static final String[] WORDS = {"PUB ", "HPUB ", "SUB ", "UNSUB ", "PING", "PONG", "CONNECT ", "INFO ",
            "+OK", "-ERR", "{\"verbose\":true}", "{", "}", " ", "\t", "\r", "\n", "\r\n", "foo", "foo.*", ">", "q",
            "0", "1", "5", "27", "99999999999999999999", "-1", "NATS/1.0\r\n\r\n", "hello"};

    @Test
    void mutatedSessionsNeitherDisturbACanaryNorLeaveAnythingBehind() throws Exception {
        long seed = Long.getLong("natrix.fuzz.seed", 20261126L);
        System.out.println("HostileSessionsTest seed " + seed);
        ExecutorService pool = Executors.newFixedThreadPool(HOSTILE);
        try (pool;
             TestServer server = TestServer.start(b -> b.maxPayload = 1024);
             Connection sub = Jnats.connect(server);
             Connection pub = Jnats.connect(server)) {
            Subscription canary = sub.subscribe("canary.flight");
            sub.flush(TIMEOUT);
            AtomicLong sessions = new AtomicLong();
            List<Future<?>> hostile = new ArrayList<>();
            for (int h = 0; h < HOSTILE; h++) {
                Random random = new Random(seed + h);
                hostile.add(pool.submit(() -> {
                    for (int s = 0; s < SESSIONS_EACH; s++) {
                        session(server.port(), random);
                        sessions.incrementAndGet();
                    }
                    return null;
                }));
            }
            // The canary flies while the hostile sessions run.
            int sent = 0;
            while (sent < CANARY_MESSAGES) {
                pub.publish("canary.flight", bytes("canary-" + sent++));
                if (sent % 100 == 0) {
                    pub.flush(TIMEOUT);
                }
            }
            pub.flush(TIMEOUT);
            for (int i = 0; i < CANARY_MESSAGES; i++) {
                Message m = canary.nextMessage(TIMEOUT);
                assertThat(m).as("canary message %d (seed %d)", i, seed).isNotNull();
                assertThat(text(m)).isEqualTo("canary-" + i);
            }
            for (Future<?> f : hostile) {
                f.get(2, TimeUnit.MINUTES);
            }
            assertThat(sessions.get()).isEqualTo((long) HOSTILE * SESSIONS_EACH);

            // Nothing left behind: only the canary's two connections, and a new client is served.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(server.server().connections()).hasSize(2));
            try (Connection late = Jnats.connect(server)) {
                Subscription s = late.subscribe("after");
                late.publish("after", bytes("ok"));
                assertThat(text(s.nextMessage(TIMEOUT))).isEqualTo("ok");
            }
        }
    }

    /** One hostile session: connect, send a mutated session in random pieces, read what comes back, close. */
    private static void session(int port, Random random) throws IOException {
        byte[] input = switch (random.nextInt(3)) {
            case 0 -> randomBytes(random);
            case 1 -> randomWords(random);
            default -> mutate(VALID.getBytes(StandardCharsets.ISO_8859_1), random);
        };
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(50);
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[8192];
            int at = 0;
            try {
                while (at < input.length) {
                    int piece = Math.min(input.length - at, 1 + random.nextInt(64));
                    out.write(input, at, piece);
                    out.flush();
                    at += piece;
                    drain(in, buffer);
                }
                drain(in, buffer);
            } catch (IOException closedByTheServer) {
                // the server answered with -ERR and closed: what it should do with much of this input
            }
        }
    }

    /** Reads what is there without waiting longer than the socket's short timeout. */
    private static void drain(InputStream in, byte[] buffer) throws IOException {
        try {
            while (in.available() > 0 && in.read(buffer) > 0) {
                // discarded
            }
        } catch (SocketTimeoutException nothingMore) {
            // fine
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] randomWords(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int words = random.nextInt(80);
        for (int i = 0; i < words; i++) {
            out.writeBytes(WORDS[random.nextInt(WORDS.length)].getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    private static byte[] mutate(byte[] valid, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int mutations = 1 + random.nextInt(4);
        byte[] bytes = valid.clone();
        for (int m = 0; m < mutations && bytes.length > 0; m++) {
            int at = random.nextInt(bytes.length);
            out.reset();
            switch (random.nextInt(3)) {
                case 0 -> {
                    bytes[at] = (byte) random.nextInt(256);
                    continue;
                }
                case 1 -> {
                    out.write(bytes, 0, at);
                    int cut = Math.min(bytes.length, at + 1 + random.nextInt(12));
                    out.write(bytes, cut, bytes.length - cut);
                }
                default -> {
                    out.write(bytes, 0, at);
                    out.writeBytes(WORDS[random.nextInt(WORDS.length)].getBytes(StandardCharsets.ISO_8859_1));
                    out.write(bytes, at, bytes.length - at);
                }
            }
            bytes = out.toByteArray();
        }
        return bytes;
    }
}
