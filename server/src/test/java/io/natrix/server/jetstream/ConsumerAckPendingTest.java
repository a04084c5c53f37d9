package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code max_ack_pending} bounds what a consumer has out at once (the reliability plan's D3): with the limit
 * reached a pull consumer hands out nothing more however much is asked for and a push consumer sends nothing more,
 * and each acknowledgement lets exactly one more message go. The consumer's info counts them as nats-server does.
 */
class ConsumerAckPendingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long a fetch waits when the server holds messages back: the answer is what came by then. */
    private static final Duration FETCH_WAIT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private static void fill(Connection nc, int messages) throws Exception {
        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("W").subjects("w.>")
                .storageType(StorageType.File).build());
        for (int i = 1; i <= messages; i++) {
            nc.jetStream().publish("w." + i, bytes("m" + i));
        }
    }

    @Test
    void aPullConsumerHandsOutNoMoreThanMaxAckPending() throws Exception {
        try (TestServer server = jetStreamServer(dir); Connection nc = connect(server)) {
            fill(nc, 50);
            JetStream js = nc.jetStream();
            ConsumerConfiguration cc = ConsumerConfiguration.builder().durable("P").ackPolicy(AckPolicy.Explicit)
                    .ackWait(Duration.ofMinutes(5)).maxAckPending(10).build();
            JetStreamSubscription sub = js.subscribe("w.>", PullSubscribeOptions.builder().durable("P")
                    .configuration(cc).build());

            List<Message> first = sub.fetch(50, FETCH_WAIT);
            assertThat(first).hasSize(10);
            assertThat(nc.jetStreamManagement().getConsumerInfo("W", "P").getNumAckPending()).isEqualTo(10);
            // Nothing more while all ten are out.
            assertThat(sub.fetch(50, FETCH_WAIT)).isEmpty();

            for (int i = 0; i < 3; i++) {
                first.get(i).ackSync(TIMEOUT);
            }
            List<Message> next = sub.fetch(50, FETCH_WAIT);
            assertThat(next).extracting(m -> new String(m.getData())).containsExactly("m11", "m12", "m13");
            assertThat(nc.jetStreamManagement().getConsumerInfo("W", "P").getNumAckPending()).isEqualTo(10);
            assertThat(nc.jetStreamManagement().getConsumerInfo("W", "P").getNumPending()).isEqualTo(37);
        }
    }

    @Test
    void aPushConsumerSendsNoMoreThanMaxAckPending() throws Exception {
        try (TestServer server = jetStreamServer(dir); Connection nc = connect(server)) {
            fill(nc, 20);
            ConsumerConfiguration cc = ConsumerConfiguration.builder().durable("Q").ackPolicy(AckPolicy.Explicit)
                    .ackWait(Duration.ofMinutes(5)).maxAckPending(5).build();
            JetStreamSubscription sub = nc.jetStream().subscribe("w.>", PushSubscribeOptions.builder()
                    .configuration(cc).build());
            List<Message> received = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Message m = sub.nextMessage(TIMEOUT);
                assertThat(m).as("message %d", i + 1).isNotNull();
                received.add(m);
            }
            await().atMost(TIMEOUT).until(() ->
                    nc.jetStreamManagement().getConsumerInfo("W", "Q").getNumAckPending() == 5);
            // The server holds the rest back: the round trip of a flush brings nothing more.
            nc.flush(TIMEOUT);
            assertThat(sub.getPendingMessageCount()).isZero();
            assertThat(nc.jetStreamManagement().getConsumerInfo("W", "Q").getDelivered().getStreamSequence())
                    .isEqualTo(5);

            received.get(0).ackSync(TIMEOUT);
            Message sixth = sub.nextMessage(TIMEOUT);
            assertThat(sixth).isNotNull();
            assertThat(new String(sixth.getData())).isEqualTo("m6");
            await().atMost(TIMEOUT).until(() ->
                    nc.jetStreamManagement().getConsumerInfo("W", "Q").getDelivered().getStreamSequence() == 6);
            assertThat(nc.jetStreamManagement().getConsumerInfo("W", "Q").getNumAckPending()).isEqualTo(5);
        }
    }
}
