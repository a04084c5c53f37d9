package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.bytes;
import static io.natrix.server.client.Jnats.flush;
import static io.natrix.server.client.Jnats.next;
import static io.natrix.server.client.Jnats.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** max_payload as jnats meets it: the limit in INFO, payloads at the limit, over it, and a raised limit. */
class PayloadLimitTest {

    private static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void payloadExactlyAtMaxPayloadIsDeliveredIntact() throws Exception {
        int max = ServerOptions.DEFAULT_MAX_PAYLOAD;
        try (TestServer server = TestServer.start();
             Connection sub = Jnats.connect(server);
             Connection pub = Jnats.connect(server)) {
            assertThat(pub.getMaxPayload()).isEqualTo(max);
            Subscription s = sub.subscribe("big");
            flush(sub);
            byte[] atMax = randomBytes(max, 1);
            byte[] justBelow = randomBytes(max - 100, 2);

            pub.publish("big", atMax);
            pub.publish("big", justBelow);

            assertThat(next(s).getData()).isEqualTo(atMax);
            assertThat(next(s).getData()).isEqualTo(justBelow);
            assertThat(pub.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        }
    }

    @Test
    void largeAndSmallMessagesInOneBurstArriveIntactAndInOrder() throws Exception {
        // Large frames that do not fit the subscriber's buffer start a new one instead of growing it; the buffers
        // must still go out in order, whole, whatever mix of sizes a burst holds.
        int[] sizes = {10, 200_000, 5, 70_000, 65_536, 1, 300_000, 64 * 1024 - 40, 900_000, 3, 120_000, 0};
        try (TestServer server = TestServer.start();
             Connection sub = Jnats.connect(server);
             Connection pub = Jnats.connect(server)) {
            Subscription s = sub.subscribe("burst");
            flush(sub);
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < sizes.length; i++) {
                    pub.publish("burst", randomBytes(sizes[i], round * 100L + i));
                }
            }
            flush(pub);
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < sizes.length; i++) {
                    assertThat(next(s).getData()).as("round %d message %d", round, i)
                            .isEqualTo(randomBytes(sizes[i], round * 100L + i));
                }
            }
        }
    }

    @Test
    void payloadOverMaxIsRefusedByJnatsBeforeSending() throws Exception {
        int max = ServerOptions.DEFAULT_MAX_PAYLOAD;
        try (TestServer server = TestServer.start();
             Connection nc = Jnats.connect(server)) {
            Subscription s = nc.subscribe("big");
            flush(nc);

            assertThatThrownBy(() -> nc.publish("big", new byte[max + 1]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Message payload size exceed server configuration");
            nc.publish("big", bytes("still fine"));
            assertThat(text(next(s))).isEqualTo("still fine");
        }
    }

    @Test
    void payloadOverMaxClosesConnectionWithMaximumPayloadViolation() throws Exception {
        int max = 64 * 1024;
        List<String> errors = new CopyOnWriteArrayList<>();
        ErrorListener listener = new ErrorListener() {
            @Override
            public void errorOccurred(Connection conn, String error) {
                errors.add(error);
            }
        };
        try (TestServer server = TestServer.start(b -> b.maxPayload = max);
             Connection watcher = Jnats.connect(server);
             Connection nc = Jnats.connect(Jnats.options(server).clientSideLimitChecks(false)
                     .errorListener(listener))) {
            Subscription s = watcher.subscribe("big");
            flush(watcher);

            nc.publish("big", new byte[max + 1]);

            await().atMost(TIMEOUT).until(() -> nc.getStatus() == Connection.Status.CLOSED);
            // jnats calls the error listener from its callback thread: it may run after the close.
            await().atMost(TIMEOUT).until(() -> errors.contains("Maximum Payload Violation"));
            assertThat(nc.getLastError()).isEqualTo("Maximum Payload Violation");
            await().atMost(TIMEOUT).until(() -> server.server().connections().size() == 1);
            flush(watcher);
            assertThat(s.getPendingMessageCount()).isZero();
        }
    }

    @Test
    void payloadOverMaxCountsHeadersTowardsTheLimit() throws Exception {
        int max = 1024;
        List<String> errors = new CopyOnWriteArrayList<>();
        try (TestServer server = TestServer.start(b -> b.maxPayload = max);
             Connection nc = Jnats.connect(Jnats.options(server).clientSideLimitChecks(false)
                     .errorListener(new ErrorListener() {
                         @Override
                         public void errorOccurred(Connection conn, String error) {
                             errors.add(error);
                         }
                     }))) {
            // The body alone fits; body plus headers does not. nats-server checks the HPUB total size.
            nc.publish("big", new Headers().put("Pad", "x".repeat(100)), new byte[max - 10]);

            await().atMost(TIMEOUT).until(() -> nc.getStatus() == Connection.Status.CLOSED);
            // jnats calls the error listener from its callback thread: it may run after the close.
            await().atMost(TIMEOUT).until(() -> errors.contains("Maximum Payload Violation"));
        }
    }

    @Test
    void payloadOfEightMegabytesCarriedIntactWhenMaxPayloadRaised() throws Exception {
        int max = 8 * 1024 * 1024;
        try (TestServer server = TestServer.start(b -> b.maxPayload = max);
             Connection sub = Jnats.connect(server);
             Connection pub = Jnats.connect(server)) {
            assertThat(pub.getServerInfo().getMaxPayload()).isEqualTo(max);
            Subscription s = sub.subscribe("huge");
            flush(sub);
            byte[] payload = randomBytes(max, 8);

            pub.publish("huge", payload);
            pub.publish("huge", bytes("after"));

            Message m = next(s);
            assertThat(m.getData().length).isEqualTo(max);
            assertThat(m.getData()).isEqualTo(payload);
            assertThat(text(next(s))).isEqualTo("after");
        }
    }
}
