package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.bytes;
import static io.natrix.server.client.Jnats.flush;
import static io.natrix.server.client.Jnats.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hundreds of concurrent connections, each subscribed, all receiving one broadcast. */
class ManyConnectionsTest {

    private static final int CONNECTIONS = 200;

    @Test
    void manyConnectionsEachReceiveEveryBroadcastInOrder() throws Exception {
        List<Future<Connection>> opening = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (pool;
             TestServer server = TestServer.start();
             Connection pub = Jnats.connect(server)) {
            try {
                Options options = Jnats.options(server).build();
                for (int i = 0; i < CONNECTIONS; i++) {
                    opening.add(pool.submit(() -> Nats.connect(options)));
                }
                for (Future<Connection> f : opening) {
                    Connection nc = f.get(30, TimeUnit.SECONDS);
                    connections.add(nc);
                    subs.add(nc.subscribe("broadcast"));
                }
                for (Connection nc : connections) {
                    flush(nc);
                }
                assertThat(server.server().connections()).hasSize(CONNECTIONS + 1);
                Set<Integer> clientIds = new HashSet<>();
                connections.forEach(nc -> clientIds.add(nc.getServerInfo().getClientId()));
                assertThat(clientIds).hasSize(CONNECTIONS);

                for (int i = 0; i < 10; i++) {
                    pub.publish("broadcast", bytes("b" + i));
                }
                flush(pub);

                for (int c = 0; c < CONNECTIONS; c++) {
                    for (int i = 0; i < 10; i++) {
                        assertThat(text(Jnats.next(subs.get(c)))).as("connection %d", c).isEqualTo("b" + i);
                    }
                }
            } finally {
                pool.shutdown();
                pool.awaitTermination(30, TimeUnit.SECONDS);
                for (Future<Connection> f : opening) {
                    if (f.state() == Future.State.SUCCESS) {
                        closeQuietly(f.resultNow());
                    }
                }
            }
            await().atMost(TIMEOUT).until(() -> server.server().connections().size() == 1);
        }
    }

    private static void closeQuietly(Connection nc) {
        try {
            nc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Closing the rest matters more than this one failure.
        }
    }
}
