package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.bytes;
import static io.natrix.server.client.Jnats.flush;
import static io.natrix.server.client.Jnats.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Subscription;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Drain: messages already on their way are delivered, then the subscription or connection is gone. */
class DrainTest {

    private static List<String> numbered(int count) {
        return IntStream.range(0, count).mapToObj(i -> "m" + i).toList();
    }

    @Test
    void drainConnectionDeliversInFlightMessagesThenCloses() throws Exception {
        int count = 500;
        try (TestServer server = TestServer.start();
             Connection sub = Jnats.connect(server);
             Connection pub = Jnats.connect(server)) {
            List<String> got = new CopyOnWriteArrayList<>();
            CountDownLatch drainStarted = new CountDownLatch(1);
            Dispatcher d = sub.createDispatcher(m -> {
                // Hold the first message until drain has begun, so the rest are still in flight when it starts.
                if (got.isEmpty()) {
                    try {
                        drainStarted.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                got.add(text(m));
            });
            d.subscribe("drain.conn");
            flush(sub);
            for (int i = 0; i < count; i++) {
                pub.publish("drain.conn", bytes("m" + i));
            }
            flush(pub);
            await().atMost(TIMEOUT).until(() -> Jnats.serverSide(server, sub).outMsgs() == count);

            CompletableFuture<Boolean> drained = sub.drain(TIMEOUT);
            drainStarted.countDown();

            assertThat(drained.get(2 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            // The last handler call may still be finishing on the dispatcher thread when the future completes.
            await().atMost(TIMEOUT).until(() -> got.size() >= count);
            assertThat(got).containsExactlyElementsOf(numbered(count));
            assertThat(sub.getStatus()).isEqualTo(Connection.Status.CLOSED);
            await().atMost(TIMEOUT).until(() -> server.server().connections().size() == 1);
            assertThat(pub.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        }
    }

    @Test
    void drainSubscriptionDeliversInFlightMessagesThenStopsIt() throws Exception {
        int count = 300;
        try (TestServer server = TestServer.start();
             Connection sub = Jnats.connect(server);
             Connection pub = Jnats.connect(server)) {
            // Synchronous subscriptions: jnats 2.24.1 can finish draining a Dispatcher subscription while messages
            // are still queued for its handler and then drops them (seen against nats-server 2.9.10 as well), so
            // only the synchronous form shows what the server delivered.
            Subscription draining = sub.subscribe("drain.sub");
            Subscription kept = sub.subscribe("drain.sub");
            flush(sub);
            for (int i = 0; i < count; i++) {
                pub.publish("drain.sub", bytes("m" + i));
            }
            flush(pub);

            CompletableFuture<Boolean> drained = draining.drain(TIMEOUT);
            // drain() returned after the UNSUB was flushed, so the server has dropped the subscription...
            assertThat(Jnats.serverSide(server, sub).subscriptionCount()).isEqualTo(1);
            // ...yet every message it sent before that is still handed out, in order.
            for (int i = 0; i < count; i++) {
                assertThat(text(Jnats.next(draining))).isEqualTo("m" + i);
            }
            assertThat(drained.get(2 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(draining.isActive()).isFalse();

            pub.publish("drain.sub", bytes("later"));
            flush(pub);
            for (int i = 0; i < count; i++) {
                assertThat(text(Jnats.next(kept))).isEqualTo("m" + i);
            }
            assertThat(text(Jnats.next(kept))).isEqualTo("later");
            await().atMost(TIMEOUT).until(() -> Jnats.serverSide(server, sub).outMsgs() == 2L * count + 1);
            assertThat(sub.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        }
    }
}
