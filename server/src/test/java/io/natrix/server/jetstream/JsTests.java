package io.natrix.server.jetstream;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the JetStream end-to-end tests share: a server with JetStream on a store, a jnats connection, text. Public for
 * the tests of client conventions built on streams (object store, key-value) in their own packages.
 */
public final class JsTests {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private JsTests() {
    }

    /** A server on 127.0.0.1 and a free port with JetStream storing under {@code storeDir}. */
    public static TestServer jetStreamServer(Path storeDir) {
        return TestServer.start(b -> {
            b.jetstream = true;
            b.storeDir = storeDir;
        });
    }

    /** A jnats connection that does not reconnect (a test sees a dropped connection at once). */
    public static Connection connect(TestServer server) throws Exception {
        return Nats.connect(new Options.Builder().server(server.url()).maxReconnects(0)
                .connectionTimeout(CONNECT_TIMEOUT).build());
    }

    /** {@link #connect(TestServer)} as the user {@code user}, whose password is its name too. */
    public static Connection connect(TestServer server, String user) throws Exception {
        return Nats.connect(new Options.Builder().server(server.url()).userInfo(user, user).maxReconnects(0)
                .connectionTimeout(CONNECT_TIMEOUT).build());
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(Message m) {
        return new String(m.getData(), StandardCharsets.UTF_8);
    }
}
