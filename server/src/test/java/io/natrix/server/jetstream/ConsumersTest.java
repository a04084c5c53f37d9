package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Consumers end to end with jnats: pull, push, ordered, acknowledgements, redelivery, retention, durability. */
class ConsumersTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private TestServer server() {
        return jetStreamServer(dir.resolve("js"));
    }

    private static void stream(Connection nc, String name, RetentionPolicy retention, String... subjects)
            throws Exception {
        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(name).subjects(subjects)
                .retentionPolicy(retention).storageType(StorageType.File).build());
    }

    private static void publish(Connection nc, String subject, int n) throws Exception {
        JetStream js = nc.jetStream();
        for (int i = 1; i <= n; i++) {
            js.publish(subject, bytes("m" + i));
        }
    }

    @Test
    void pullFetchAndAckMovesTheFloors() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "S", RetentionPolicy.Limits, "s.>");
            publish(nc, "s.a", 10);
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addOrUpdateConsumer("S", ConsumerConfiguration.builder().durable("D")
                    .ackPolicy(AckPolicy.Explicit).build());
            ConsumerContext cc = nc.getStreamContext("S").getConsumerContext("D");
            List<Message> got = new ArrayList<>();
            try (FetchConsumer fc = cc.fetch(FetchConsumeOptions.builder().maxMessages(5)
                    .expiresIn(TIMEOUT.toMillis()).build())) {
                Message m;
                while ((m = fc.nextMessage()) != null) {
                    got.add(m);
                }
            }
            assertThat(got).extracting(JsTests::text).containsExactly("m1", "m2", "m3", "m4", "m5");
            assertThat(got.get(0).metaData().streamSequence()).isEqualTo(1);
            assertThat(got.get(0).metaData().consumerSequence()).isEqualTo(1);
            assertThat(got.get(0).metaData().pendingCount()).isEqualTo(9);
            assertThat(got.get(0).getSubject()).isEqualTo("s.a");
            for (Message m : got) {
                m.ackSync(TIMEOUT);
            }
            ConsumerInfo info = jsm.getConsumerInfo("S", "D");
            assertThat(info.getDelivered().getStreamSequence()).isEqualTo(5);
            assertThat(info.getDelivered().getConsumerSequence()).isEqualTo(5);
            assertThat(info.getAckFloor().getStreamSequence()).isEqualTo(5);
            assertThat(info.getNumPending()).isEqualTo(5);
            assertThat(info.getNumAckPending()).isZero();
            assertThat(jsm.getConsumerNames("S")).containsExactly("D");
        }
    }

    @Test
    void pushSubscriptionReceivesEverythingInOrder() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "P", RetentionPolicy.Limits, "p");
            publish(nc, "p", 50);
            JetStreamSubscription sub = nc.jetStream().subscribe("p", PushSubscribeOptions.builder()
                    .configuration(ConsumerConfiguration.builder().ackPolicy(AckPolicy.Explicit).build()).build());
            for (int i = 1; i <= 50; i++) {
                Message m = sub.nextMessage(TIMEOUT);
                assertThat(m).as("message %d", i).isNotNull();
                assertThat(text(m)).isEqualTo("m" + i);
                m.ack();
            }
            publish(nc, "p", 1);
            assertThat(text(sub.nextMessage(TIMEOUT))).isEqualTo("m1");
            sub.unsubscribe();
        }
    }

    @Test
    void orderedConsumerReplaysTheStream() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "O", RetentionPolicy.Limits, "o.*");
            publish(nc, "o.x", 20);
            StreamContext sc = nc.getStreamContext("O");
            var oc = sc.createOrderedConsumer(new OrderedConsumerConfiguration().filterSubject("o.x"));
            List<String> seen = new ArrayList<>();
            try (FetchConsumer fc = oc.fetch(FetchConsumeOptions.builder().maxMessages(20)
                    .expiresIn(TIMEOUT.toMillis()).build())) {
                Message m;
                while ((m = fc.nextMessage()) != null) {
                    seen.add(text(m));
                }
            }
            assertThat(seen).hasSize(20);
            assertThat(seen.get(0)).isEqualTo("m1");
            assertThat(seen.get(19)).isEqualTo("m20");
        }
    }

    @Test
    void unacknowledgedMessagesAreRedeliveredAfterAckWaitAndNakRedeliversAtOnce() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "R", RetentionPolicy.Limits, "r");
            publish(nc, "r", 2);
            JetStreamManagement jsm = nc.jetStreamManagement();
            // The ack wait must outlast fetch, nak, fetch and ack on a loaded machine: were it to expire early,
            // message 1 would come back before the nak'ed message 2, or message 2 a third time before its ack.
            jsm.addOrUpdateConsumer("R", ConsumerConfiguration.builder().durable("W")
                    .ackPolicy(AckPolicy.Explicit).ackWait(Duration.ofSeconds(2)).build());
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("R", "W"));
            List<Message> first = sub.fetch(2, TIMEOUT);
            assertThat(first).hasSize(2);
            first.get(1).nak();
            List<Message> again = sub.fetch(1, TIMEOUT);
            assertThat(again).hasSize(1);
            assertThat(again.get(0).metaData().streamSequence()).isEqualTo(2);
            assertThat(again.get(0).metaData().deliveredCount()).isEqualTo(2);
            again.get(0).ack();
            List<Message> redelivered = sub.fetch(1, TIMEOUT);
            assertThat(redelivered).hasSize(1);
            assertThat(redelivered.get(0).metaData().streamSequence()).isEqualTo(1);
            assertThat(redelivered.get(0).metaData().deliveredCount()).isEqualTo(2);
            redelivered.get(0).term();
            assertThat(sub.fetch(1, Duration.ofMillis(800))).isEmpty();
            ConsumerInfo info = jsm.getConsumerInfo("R", "W");
            assertThat(info.getNumAckPending()).isZero();
            assertThat(info.getAckFloor().getStreamSequence()).isEqualTo(2);
        }
    }

    @Test
    void maxDeliverStopsRedeliveryAndIsAdvised() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "MD", RetentionPolicy.Limits, "md");
            io.nats.client.Subscription advisories = nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>");
            nc.flush(TIMEOUT);
            publish(nc, "md", 1);
            nc.jetStreamManagement().addOrUpdateConsumer("MD", ConsumerConfiguration.builder().durable("X")
                    .ackPolicy(AckPolicy.Explicit).maxDeliver(2).build());
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("MD", "X"));
            sub.fetch(1, TIMEOUT).get(0).nak();
            Message second = sub.fetch(1, TIMEOUT).get(0);
            assertThat(second.metaData().deliveredCount()).isEqualTo(2);
            second.nak();
            assertThat(sub.fetch(1, Duration.ofMillis(700))).isEmpty();
            Message advisory = advisories.nextMessage(TIMEOUT);
            assertThat(advisory).isNotNull();
            assertThat(advisory.getSubject()).isEqualTo("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.MD.X");
            assertThat(text(advisory)).contains("\"stream_seq\":1", "\"deliveries\":2");
        }
    }

    @Test
    void workQueueIsDrainedByCompetingWorkersExactlyOnce() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "WQ", RetentionPolicy.WorkQueue, "jobs.>");
            int total = 600;
            publish(nc, "jobs.a", total);
            nc.jetStreamManagement().addOrUpdateConsumer("WQ", ConsumerConfiguration.builder().durable("workers")
                    .ackPolicy(AckPolicy.Explicit).build());
            Set<Long> seen = ConcurrentHashMap.newKeySet();
            AtomicInteger duplicates = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(total);
            List<MessageConsumer> workers = new ArrayList<>();
            List<Connection> conns = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                Connection c = connect(server);
                conns.add(c);
                workers.add(c.getStreamContext("WQ").getConsumerContext("workers").consume(m -> {
                    try {
                        m.ackSync(TIMEOUT);
                        if (!seen.add(m.metaData().streamSequence())) {
                            duplicates.incrementAndGet();
                        }
                        done.countDown();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
            for (MessageConsumer mc : workers) {
                mc.stop();
            }
            for (Connection c : conns) {
                c.close();
            }
            assertThat(duplicates.get()).isZero();
            assertThat(seen).hasSize(total);
            assertThat(nc.jetStreamManagement().getStreamInfo("WQ").getStreamState().getMsgCount()).isZero();
            assertThatThrownBy(() -> nc.jetStreamManagement().addOrUpdateConsumer("WQ",
                    ConsumerConfiguration.builder().durable("second").ackPolicy(AckPolicy.Explicit).build()))
                    .isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10099));
        }
    }

    @Test
    void interestStreamKeepsMessagesUntilEveryConsumerAcked() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "I", RetentionPolicy.Interest, "i");
            JetStreamManagement jsm = nc.jetStreamManagement();
            publish(nc, "i", 1); // nobody interested yet: not kept
            assertThat(jsm.getStreamInfo("I").getStreamState().getMsgCount()).isZero();
            for (String d : List.of("A", "B")) {
                jsm.addOrUpdateConsumer("I", ConsumerConfiguration.builder().durable(d)
                        .ackPolicy(AckPolicy.Explicit).build());
            }
            publish(nc, "i", 3);
            assertThat(jsm.getStreamInfo("I").getStreamState().getMsgCount()).isEqualTo(3);
            JetStreamSubscription a = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("I", "A"));
            for (Message m : a.fetch(3, TIMEOUT)) {
                m.ackSync(TIMEOUT);
            }
            assertThat(jsm.getStreamInfo("I").getStreamState().getMsgCount()).isEqualTo(3);
            JetStreamSubscription b = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("I", "B"));
            List<Message> fromB = b.fetch(3, TIMEOUT);
            fromB.get(0).ackSync(TIMEOUT);
            assertThat(jsm.getStreamInfo("I").getStreamState().getMsgCount()).isEqualTo(2);
            jsm.deleteConsumer("I", "B");
            assertThat(jsm.getStreamInfo("I").getStreamState().getMsgCount()).isZero();
        }
    }

    @Test
    void durableStateSurvivesARestart() throws Exception {
        Path store = dir.resolve("js");
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "D", RetentionPolicy.Limits, "d");
            publish(nc, "d", 10);
            nc.jetStreamManagement().addOrUpdateConsumer("D", ConsumerConfiguration.builder().durable("keep")
                    .ackPolicy(AckPolicy.Explicit).ackWait(Duration.ofSeconds(30)).build());
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("D", "keep"));
            List<Message> got = sub.fetch(6, TIMEOUT);
            assertThat(got).hasSize(6);
            for (Message m : got.subList(0, 4)) {
                m.ackSync(TIMEOUT);
            }
        }
        try (TestServer server = TestServer.start(b -> {
            b.jetstream = true;
            b.storeDir = store;
        }); Connection nc = connect(server)) {
            ConsumerInfo info = nc.jetStreamManagement().getConsumerInfo("D", "keep");
            assertThat(info.getAckFloor().getStreamSequence()).isEqualTo(4);
            assertThat(info.getDelivered().getStreamSequence()).isEqualTo(6);
            assertThat(info.getNumAckPending()).isEqualTo(2);
            assertThat(info.getNumPending()).isEqualTo(4);
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("D", "keep"));
            List<Message> next = sub.fetch(4, TIMEOUT);
            assertThat(next).extracting(m -> m.metaData().streamSequence()).containsExactly(7L, 8L, 9L, 10L);
        }
    }

    /**
     * An ordered consumer picks up after a server restart where it left off. The client side is done as an ordered
     * consumer does it (recreate from the last stream sequence seen) on a fresh connection: jnats 2.24.1's recovery
     * of a live connection across a server restart is unreliable against nats-server 2.9.10 as well (a request or
     * the consumer stalls in about half of the runs), so it cannot judge the server here.
     */
    @Test
    void orderedConsumerCarriesOnAcrossAServerRestart() throws Exception {
        Path store = dir.resolve("js");
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        long lastSeq;
        try (TestServer first = server(); Connection nc = connect(first)) {
            stream(nc, "OR", RetentionPolicy.Limits, "or");
            publish(nc, "or", 5);
            var oc = nc.getStreamContext("OR").createOrderedConsumer(new OrderedConsumerConfiguration());
            List<Long> seqs = java.util.Collections.synchronizedList(new ArrayList<>());
            try (MessageConsumer mc = oc.consume(m -> {
                seqs.add(m.metaData().streamSequence());
                seen.add(text(m));
            })) {
                awaitSize(seen, 5);
            }
            lastSeq = seqs.get(seqs.size() - 1);
        }
        try (TestServer second = TestServer.start(b -> {
            b.jetstream = true;
            b.storeDir = store;
        }); Connection nc = connect(second)) {
            var oc = nc.getStreamContext("OR").createOrderedConsumer(new OrderedConsumerConfiguration()
                    .deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(lastSeq + 1));
            try (MessageConsumer mc = oc.consume(m -> seen.add(text(m)))) {
                for (int i = 6; i <= 10; i++) {
                    nc.jetStream().publish("or", bytes("m" + i));
                }
                awaitSize(seen, 10);
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            expected.add("m" + i);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    private static void awaitSize(List<String> seen, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (seen.size() < n) {
            assertThat(System.nanoTime()).as("%d messages, got %s", n, seen).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void noWaitFetchOnAnEmptyConsumerAnswersAtOnce() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "E", RetentionPolicy.Limits, "e");
            nc.jetStreamManagement().addOrUpdateConsumer("E", ConsumerConfiguration.builder().durable("c")
                    .deliverPolicy(DeliverPolicy.All).build());
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("E", "c"));
            long start = System.nanoTime();
            assertThat(sub.fetch(10, Duration.ofSeconds(2))).isEmpty();
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(4));
            publish(nc, "e", 3);
            assertThat(sub.fetch(10, Duration.ofSeconds(1))).hasSize(3);
        }
    }
}
