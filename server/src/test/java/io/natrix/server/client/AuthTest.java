package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.bytes;
import static io.natrix.server.client.Jnats.flush;
import static io.natrix.server.client.Jnats.next;
import static io.natrix.server.client.Jnats.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Token and user/password authentication as set by the --auth, --user and --pass flags. */
class AuthTest {

    private static final Duration REFUSED_CONNECT_TIMEOUT = Duration.ofMillis(1500);

    private static void assertWorks(Connection nc) throws Exception {
        Subscription s = nc.subscribe("auth.check");
        flush(nc);
        nc.publish("auth.check", bytes("in"));
        assertThat(text(next(s))).isEqualTo("in");
    }

    /**
     * Asserts that every attempt is refused with nats-server's "Authorization Violation". jnats waits out its
     * connection timeout after the server's -ERR and close, so the attempts get a short timeout and run together.
     */
    private static void assertRefused(TestServer server, Options.Builder... attempts) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(attempts.length);
        try {
            List<Future<Throwable>> outcomes = new ArrayList<>();
            for (Options.Builder attempt : attempts) {
                attempt.connectionTimeout(REFUSED_CONNECT_TIMEOUT);
                outcomes.add(pool.submit(() -> {
                    try {
                        Jnats.connect(attempt).close();
                        return null;
                    } catch (IOException e) {
                        return e;
                    }
                }));
            }
            for (Future<Throwable> outcome : outcomes) {
                assertThat(outcome.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                        .as("connect refused")
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("Authorization Violation");
            }
        } finally {
            pool.shutdownNow();
        }
        await().atMost(TIMEOUT).until(() -> server.server().connections().isEmpty());
    }

    @Test
    void authTokenRightTokenConnects() throws Exception {
        try (TestServer server = TestServer.start(b -> b.authToken = "s3cret");
             Connection nc = Jnats.connect(Jnats.options(server).token("s3cret".toCharArray()))) {
            assertThat(nc.getServerInfo().isAuthRequired()).isTrue();
            assertWorks(nc);
        }
    }

    @Test
    void authTokenWrongOrMissingTokenRefused() throws Exception {
        try (TestServer server = TestServer.start(b -> b.authToken = "s3cret")) {
            assertRefused(server,
                    Jnats.options(server).token("wrong".toCharArray()),
                    Jnats.options(server),
                    Jnats.options(server).userInfo("s3cret", "s3cret"));
        }
    }

    @Test
    void authTokenInUrlConnects() throws Exception {
        try (TestServer server = TestServer.start(b -> b.authToken = "s3cret");
             Connection nc = Jnats.connect(new Options.Builder()
                     .server("nats://s3cret@127.0.0.1:" + server.port()).maxReconnects(0))) {
            assertWorks(nc);
        }
    }

    @Test
    void authUserPasswordRightCredentialsConnect() throws Exception {
        try (TestServer server = TestServer.start(b -> {
                 b.user = "alice";
                 b.password = "wonder land";
             });
             Connection nc = Jnats.connect(Jnats.options(server).userInfo("alice", "wonder land"))) {
            assertThat(nc.getServerInfo().isAuthRequired()).isTrue();
            assertWorks(nc);
        }
    }

    @Test
    void authUserPasswordWrongCredentialsRefused() throws Exception {
        try (TestServer server = TestServer.start(b -> {
                 b.user = "alice";
                 b.password = "wonder land";
             })) {
            assertRefused(server,
                    Jnats.options(server).userInfo("alice", "wrong"),
                    Jnats.options(server).userInfo("bob", "wonder land"),
                    Jnats.options(server).userInfo("Alice", "wonder land"),
                    Jnats.options(server),
                    Jnats.options(server).token("wonder land".toCharArray()));
        }
    }

    @Test
    void authUserPasswordInUrlConnects() throws Exception {
        try (TestServer server = TestServer.start(b -> {
                 b.user = "alice";
                 b.password = "pw";
             });
             Connection nc = Jnats.connect(new Options.Builder()
                     .server("nats://alice:pw@127.0.0.1:" + server.port()).maxReconnects(0))) {
            assertWorks(nc);
        }
    }
}
