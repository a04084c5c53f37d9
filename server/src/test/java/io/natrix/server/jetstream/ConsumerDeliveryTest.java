package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer delivery details with jnats and raw requests: the pull status messages clients rely on, push heartbeats
 * and flow control, deliver policies, ack-all, pause, inactivity, API errors, advisories and hostile acks.
 */
class ConsumerDeliveryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TestServer server() {
        return jetStreamServer(dir.resolve("js"));
    }

    private static void stream(Connection nc, String name, String... subjects) throws Exception {
        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(name).subjects(subjects)
                .storageType(StorageType.Memory).build());
    }

    private static void publish(Connection nc, String subject, int n) throws Exception {
        for (int i = 1; i <= n; i++) {
            nc.jetStream().publish(subject, bytes("m" + i));
        }
    }

    /** Sends a pull request with {@code body} and returns the first answer on its inbox. */
    private static Message pull(Connection nc, Subscription inbox, String stream, String consumer, String body)
            throws Exception {
        nc.publish("$JS.API.CONSUMER.MSG.NEXT." + stream + "." + consumer, inbox.getSubject(), bytes(body));
        return inbox.nextMessage(TIMEOUT);
    }

    private static String status(Message m) {
        assertThat(m).as("a status message").isNotNull();
        assertThat(m.isStatusMessage()).as("status message, got %s", m).isTrue();
        return m.getStatus().getCode() + " " + m.getStatus().getMessage();
    }

    @Test
    void pullRequestsGetNatsServersStatusMessages() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "PS", "ps");
            JetStreamManagement jsm = nc.jetStreamManagement();
            // max_expires is long enough for the waiting request below to outlive, on a loaded machine, the
            // requests that find it waiting and the deletion that ends it.
            jsm.addOrUpdateConsumer("PS", ConsumerConfiguration.builder().durable("c").maxPullWaiting(1)
                    .maxBatch(5).maxExpires(Duration.ofSeconds(30)).maxBytes(100).build());
            jsm.addOrUpdateConsumer("PS", ConsumerConfiguration.builder().durable("push")
                    .deliverSubject("push.here").build());
            Subscription inbox = nc.subscribe(nc.createInbox());
            nc.flush(TIMEOUT);
            assertThat(status(pull(nc, inbox, "PS", "c", "{\"batch\":10}")))
                    .isEqualTo("409 Exceeded MaxRequestBatch of 5");
            assertThat(status(pull(nc, inbox, "PS", "c", "{\"batch\":1,\"expires\":60000000000}")))
                    .isEqualTo("409 Exceeded MaxRequestExpires of 30s");
            assertThat(status(pull(nc, inbox, "PS", "c", "{\"batch\":1,\"max_bytes\":1000}")))
                    .isEqualTo("409 Exceeded MaxRequestMaxBytes of 100");
            assertThat(status(pull(nc, inbox, "PS", "c", "{\"batch\":1,\"no_wait\":true}")))
                    .isEqualTo("404 No Messages");
            Message timeout = pull(nc, inbox, "PS", "c", "{\"batch\":3,\"expires\":200000000}");
            assertThat(status(timeout)).isEqualTo("408 Request Timeout");
            assertThat(timeout.getHeaders().getFirst("Nats-Pending-Messages")).isEqualTo("3");
            assertThat(status(pull(nc, inbox, "PS", "push", "1"))).isEqualTo("409 Consumer is push based");
            assertThat(status(pull(nc, inbox, "PS", "c", "{bad")).startsWith("400 Bad Request")).isTrue();
            assertThat(status(pull(nc, inbox, "PS", "nope", "1"))).startsWith("503");

            Subscription first = nc.subscribe(nc.createInbox());
            nc.publish("$JS.API.CONSUMER.MSG.NEXT.PS.c", first.getSubject(),
                    bytes("{\"batch\":1,\"expires\":25000000000}"));
            nc.flush(TIMEOUT);
            awaitWaiting(jsm, "PS", "c", 1);
            assertThat(status(pull(nc, inbox, "PS", "c", "{\"batch\":1,\"expires\":25000000000}")))
                    .isEqualTo("409 Exceeded MaxWaiting");
            jsm.deleteConsumer("PS", "c");
            assertThat(status(first.nextMessage(TIMEOUT))).isEqualTo("409 Consumer Deleted");
        }
    }

    private static void awaitWaiting(JetStreamManagement jsm, String stream, String consumer, long n)
            throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (jsm.getConsumerInfo(stream, consumer).getNumWaiting() != n) {
            assertThat(System.nanoTime()).as("num_waiting %d", n).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void batchesStopAtMaxBytes() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "MB", "mb");
            for (int i = 0; i < 5; i++) {
                nc.jetStream().publish("mb", new byte[100]);
            }
            nc.jetStreamManagement().addOrUpdateConsumer("MB", ConsumerConfiguration.builder().durable("c").build());
            Subscription inbox = nc.subscribe(nc.createInbox());
            nc.flush(TIMEOUT);
            Message m = pull(nc, inbox, "MB", "c", "{\"batch\":5,\"max_bytes\":10}");
            assertThat(status(m)).isEqualTo("409 Message Size Exceeds MaxBytes");
            Message got = pull(nc, inbox, "MB", "c", "{\"batch\":5,\"max_bytes\":500}");
            assertThat(got.isJetStream()).isTrue();
            int count = 1;
            Message next;
            // The batch ends with a 409 status when the next message would pass max_bytes, so waiting the full
            // timeout for each message costs nothing and a slow delivery is not mistaken for the end.
            while ((next = inbox.nextMessage(TIMEOUT)) != null && next.isJetStream()) {
                count++;
            }
            assertThat(count).isBetween(2, 4);
        }
    }

    @Test
    void pushConsumersSendIdleHeartbeatsAndAskForFlowControl() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "FC", "fc");
            Subscription deliver = nc.subscribe("fc.deliver");
            nc.flush(TIMEOUT);
            nc.jetStreamManagement().addOrUpdateConsumer("FC", ConsumerConfiguration.builder().durable("c")
                    .deliverSubject("fc.deliver").flowControl(Duration.ofMillis(200)).build());
            Message hb = deliver.nextMessage(TIMEOUT);
            assertThat(status(hb)).isEqualTo("100 Idle Heartbeat");
            assertThat(hb.getHeaders().getFirst("Nats-Last-Consumer")).isEqualTo("0");
            byte[] big = new byte[64 * 1024];
            for (int i = 0; i < 40; i++) { // 2.5 MiB: past half of the first 2 MiB window
                nc.jetStream().publish("fc", big);
            }
            int data = 0;
            Message fc = null;
            while (fc == null) {
                Message m = deliver.nextMessage(TIMEOUT);
                assertThat(m).as("a message or a flow control request after %d messages", data).isNotNull();
                if (m.isStatusMessage() && m.getStatus().getMessage().equals("FlowControl Request")) {
                    fc = m;
                } else if (!m.isStatusMessage()) {
                    data++;
                }
            }
            assertThat(fc.getReplyTo()).startsWith("$JS.FC.FC.c.");
            nc.publish(fc.getReplyTo(), new byte[0]);
            while (data < 40) {
                Message m = deliver.nextMessage(TIMEOUT);
                assertThat(m).as("message %d", data + 1).isNotNull();
                if (!m.isStatusMessage()) {
                    data++;
                } else if (m.getReplyTo() != null) {
                    nc.publish(m.getReplyTo(), new byte[0]);
                }
            }
        }
    }

    @Test
    void pushQueueGroupSharesTheMessages() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "QG", "qg");
            java.util.concurrent.atomic.AtomicInteger a = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger b = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(100);
            io.nats.client.Dispatcher d = nc.createDispatcher();
            io.nats.client.PushSubscribeOptions o = io.nats.client.PushSubscribeOptions.builder().durable("qd").build();
            nc.jetStream().subscribe("qg", "workers", d, m -> {
                a.incrementAndGet();
                m.ack();
                all.countDown();
            }, false, o);
            nc.jetStream().subscribe("qg", "workers", d, m -> {
                b.incrementAndGet();
                m.ack();
                all.countDown();
            }, false, o);
            publish(nc, "qg", 100);
            assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(a.get() + b.get()).isEqualTo(100);
            assertThat(a.get()).isPositive();
            assertThat(b.get()).isPositive();
            assertThat(nc.jetStreamManagement().getConsumerInfo("QG", "qd").getConsumerConfiguration()
                    .getDeliverGroup()).isEqualTo("workers");
        }
    }

    @Test
    void rateLimitAndReplayOriginalPaceDelivery() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "RL", "rl");
            nc.jetStream().publish("rl", new byte[1000]);
            long gapStart = System.nanoTime();
            while (System.nanoTime() - gapStart < TimeUnit.MILLISECONDS.toNanos(400)) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            for (int i = 0; i < 4; i++) {
                nc.jetStream().publish("rl", new byte[1000]);
            }
            // 8,000 bits per second: five 1 KB messages take about four seconds.
            Subscription limited = nc.subscribe("rl.limited");
            Subscription replay = nc.subscribe("rl.replay");
            nc.flush(TIMEOUT);
            JetStreamManagement jsm = nc.jetStreamManagement();
            long t0 = System.nanoTime();
            jsm.addOrUpdateConsumer("RL", ConsumerConfiguration.builder().durable("slow")
                    .deliverSubject("rl.limited").rateLimit(8000).build());
            jsm.addOrUpdateConsumer("RL", ConsumerConfiguration.builder().durable("replay")
                    .deliverSubject("rl.replay").replayPolicy(io.nats.client.api.ReplayPolicy.Original).build());
            assertThat(replay.nextMessage(TIMEOUT)).isNotNull();
            assertThat(replay.nextMessage(TIMEOUT)).isNotNull();
            long replayed = System.nanoTime() - t0;
            for (int i = 0; i < 3; i++) {
                assertThat(limited.nextMessage(TIMEOUT)).as("rate-limited message %d", i + 1).isNotNull();
            }
            long limitedTime = System.nanoTime() - t0;
            assertThat(TimeUnit.NANOSECONDS.toMillis(replayed)).as("replay keeps the 400 ms gap")
                    .isGreaterThanOrEqualTo(350);
            assertThat(TimeUnit.NANOSECONDS.toMillis(limitedTime)).as("three 1 KB messages at 1 KB/s")
                    .isGreaterThanOrEqualTo(1500);
        }
    }

    @Test
    void deliverPoliciesPickTheirStart() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "DP", "dp.*");
            nc.jetStream().publish("dp.a", bytes("a1"));
            nc.jetStream().publish("dp.b", bytes("b1"));
            nc.jetStream().publish("dp.a", bytes("a2"));
            ZonedDateTime between = ZonedDateTime.now();
            waitPast(between);
            nc.jetStream().publish("dp.b", bytes("b2"));
            assertThat(firstOf(nc, ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.All))).isEqualTo("a1");
            assertThat(firstOf(nc, ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.Last))).isEqualTo("b2");
            assertThat(firstOf(nc, ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartSequence)
                    .startSequence(3))).isEqualTo("a2");
            assertThat(firstOf(nc, ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartTime)
                    .startTime(between))).isEqualTo("b2");
            assertThat(firstOf(nc, ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.New),
                    Duration.ofMillis(700))).isNull();
            JetStreamSubscription lps = nc.jetStream().subscribe(null, PullSubscribeOptions.builder()
                    .stream("DP").configuration(ConsumerConfiguration.builder()
                            .deliverPolicy(DeliverPolicy.LastPerSubject).filterSubject("dp.*").build()).build());
            // Two subjects, two messages: nothing pending after the second.
            List<Message> last = lps.fetch(2, TIMEOUT);
            assertThat(last).extracting(JsTests::text).containsExactly("a2", "b2");
            assertThat(last.getLast().metaData().pendingCount()).isZero();
        }
    }

    /**
     * A last-per-subject consumer's list of messages is made when it starts; one removed before it is delivered must
     * not stay in the pending count, or the last message delivered says more are coming (the JavaScript client's
     * key-value {@code keys()} then waits for a heartbeat instead of ending).
     */
    @Test
    void lastPerSubjectPendingLeavesOutMessagesRemovedSinceTheStart() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "LP", "lp.*");
            for (String key : List.of("a", "b", "c")) {
                nc.jetStream().publish("lp." + key, bytes(key));
            }
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.builder().stream("LP")
                    .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.LastPerSubject)
                            .ackPolicy(AckPolicy.None).filterSubject("lp.*").build()).build());
            assertThat(nc.jetStreamManagement().deleteMessage("LP", 3)).isTrue();

            // Asking for exactly what should come returns at once; the pending count says nothing else is due.
            List<Message> got = sub.fetch(2, TIMEOUT);
            assertThat(got).extracting(JsTests::text).containsExactly("a", "b");
            assertThat(got.getLast().metaData().pendingCount()).as("pending after the last message").isZero();
        }
    }

    private static void waitPast(ZonedDateTime t) {
        while (!ZonedDateTime.now().isAfter(t.plusNanos(2_000_000))) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    private static String firstOf(Connection nc, ConsumerConfiguration.Builder cc) throws Exception {
        return firstOf(nc, cc, TIMEOUT);
    }

    /** The first message a new consumer delivers, or null after {@code wait} (keep it short when none is due). */
    private static String firstOf(Connection nc, ConsumerConfiguration.Builder cc, Duration wait) throws Exception {
        JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.builder().stream("DP")
                .configuration(cc.build()).build());
        List<Message> got = sub.fetch(1, wait);
        sub.unsubscribe();
        return got.isEmpty() ? null : text(got.get(0));
    }

    @Test
    void ackAllAcknowledgesEverythingBelow() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "AA", "aa");
            publish(nc, "aa", 5);
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addOrUpdateConsumer("AA", ConsumerConfiguration.builder().durable("c").ackPolicy(AckPolicy.All)
                    .build());
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("AA", "c"));
            List<Message> got = sub.fetch(5, TIMEOUT);
            assertThat(got).hasSize(5);
            got.get(3).ackSync(TIMEOUT);
            ConsumerInfo info = jsm.getConsumerInfo("AA", "c");
            assertThat(info.getAckFloor().getStreamSequence()).isEqualTo(4);
            assertThat(info.getNumAckPending()).isEqualTo(1);
        }
    }

    @Test
    void pausedConsumersDeliverNothingUntilResumed() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "PA", "pa");
            publish(nc, "pa", 2);
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addOrUpdateConsumer("PA", ConsumerConfiguration.builder().durable("c").build());
            Subscription advisories = nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.PAUSE.PA.c");
            nc.flush(TIMEOUT);
            var paused = jsm.pauseConsumer("PA", "c", ZonedDateTime.now().plusMinutes(5));
            assertThat(paused.isPaused()).isTrue();
            assertThat(jsm.getConsumerInfo("PA", "c").getPaused()).isTrue();
            assertThat(text(advisories.nextMessage(TIMEOUT))).contains("\"paused\":true");
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("PA", "c"));
            assertThat(sub.fetch(1, Duration.ofMillis(500))).isEmpty();
            assertThat(jsm.resumeConsumer("PA", "c")).isTrue();
            assertThat(sub.fetch(2, TIMEOUT)).hasSize(2);
        }
    }

    @Test
    void ephemeralConsumersVanishWhenInactive() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "EP", "ep");
            JetStreamManagement jsm = nc.jetStreamManagement();
            Subscription advisories = nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.DELETED.EP.*");
            nc.flush(TIMEOUT);
            ConsumerInfo ci = jsm.addOrUpdateConsumer("EP", ConsumerConfiguration.builder()
                    .inactiveThreshold(Duration.ofMillis(300)).build());
            Message deleted = advisories.nextMessage(TIMEOUT);
            assertThat(deleted).isNotNull();
            assertThat(deleted.getSubject()).endsWith("." + ci.getName());
            assertThat(jsm.getConsumerNames("EP")).isEmpty();
        }
    }

    @Test
    void pushEphemeralsGoOnceTheirSubscriberLeavesEvenWithNothingToDeliver() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "EQ", "eq");
            nc.jetStream().publish("eq", bytes("one"));
            JetStreamManagement jsm = nc.jetStreamManagement();
            Subscription advisories = nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.DELETED.EQ.*");
            nc.flush(TIMEOUT);
            // As a key-value key listing does: a push consumer, everything delivered, then unsubscribed (no
            // heartbeats, so no failed delivery tells the consumer its subscriber is gone).
            JetStreamSubscription sub = nc.jetStream().subscribe("eq", io.nats.client.PushSubscribeOptions.builder()
                    .configuration(ConsumerConfiguration.builder().ackPolicy(AckPolicy.None)
                            .inactiveThreshold(Duration.ofMillis(800)).build()).build());
            assertThat(sub.nextMessage(TIMEOUT)).isNotNull();
            assertThat(jsm.getConsumerNames("EQ")).hasSize(1);
            sub.unsubscribe();
            assertThat(advisories.nextMessage(TIMEOUT)).as("deleted advisory").isNotNull();
            assertThat(jsm.getConsumerNames("EQ")).isEmpty();
        }
    }

    @Test
    void lastPerSubjectPendingLeavesOutMessagesRemovedBeforeDelivery() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "LP", "lp.*");
            publish(nc, "lp.a", 2);
            publish(nc, "lp.b", 1);
            publish(nc, "lp.c", 3);
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addOrUpdateConsumer("LP", ConsumerConfiguration.builder().durable("keys").filterSubject("lp.*")
                    .deliverPolicy(DeliverPolicy.LastPerSubject).build());
            assertThat(jsm.getConsumerInfo("LP", "keys").getNumPending()).isEqualTo(3);
            // lp.b's only message goes before anything is delivered: two keys are left to list.
            assertThat(jsm.deleteMessage("LP", 3)).isTrue();
            assertThat(jsm.getConsumerInfo("LP", "keys").getNumPending()).isEqualTo(2);
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("LP", "keys"));
            List<Message> got = sub.fetch(2, TIMEOUT);
            assertThat(got).extracting(Message::getSubject).containsExactly("lp.a", "lp.c");
            assertThat(got.get(1).metaData().pendingCount()).isZero();
        }
    }

    @Test
    void consumerApiErrorsAreNatsServers() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "ER", "er");
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertThatThrownBy(() -> jsm.getConsumerInfo("ER", "none")).isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10014));
            assertThatThrownBy(() -> jsm.getConsumerInfo("NOSTREAM", "x")).isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10059));
            jsm.createConsumer("ER", ConsumerConfiguration.builder().durable("once").build());
            assertThatThrownBy(() -> jsm.createConsumer("ER", ConsumerConfiguration.builder().durable("once")
                    .ackWait(Duration.ofSeconds(7)).build())).isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10148));
            assertThatThrownBy(() -> jsm.updateConsumer("ER", ConsumerConfiguration.builder().durable("never")
                    .build())).isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10149));
            String[][] raw = {
                {"$JS.API.CONSUMER.CREATE.ER", "{\"stream_name\":\"ER\",\"config\":{\"durable_name\":\"d\"}}"},
                {"$JS.API.CONSUMER.CREATE.ER.a", "{\"stream_name\":\"OTHER\",\"config\":{}}"},
                {"$JS.API.CONSUMER.CREATE.ER.a", "{not json"},
                {"$JS.API.CONSUMER.DURABLE.CREATE.ER.a", "{\"stream_name\":\"ER\",\"config\":{\"durable_name\":\"b\"}}"},
                {"$JS.API.CONSUMER.CREATE.ER.a.er", "{\"stream_name\":\"ER\",\"config\":{\"filter_subject\":\"x\"}}"},
                {"$JS.API.CONSUMER.CREATE.ER.a", "{\"stream_name\":\"ER\",\"config\":{\"num_replicas\":3}}"},
                {"$JS.API.CONSUMER.CREATE.ER.a", "{\"stream_name\":\"ER\",\"config\":{\"ack_wait\":-5}}"},
                {"$JS.API.CONSUMER.CREATE.ER.a", "{\"stream_name\":\"ER\",\"config\":{\"max_deliver\":1e9,\"x\":1}}"},
                {"$JS.API.CONSUMER.NAMES.NOPE", ""},
                {"$JS.API.CONSUMER.DELETE.ER", ""},
            };
            for (String[] c : raw) {
                Message answer = nc.request(c[0], bytes(c[1]), TIMEOUT);
                assertThat(answer).as("an answer to %s", c[0]).isNotNull();
                JsonNode error = JSON.readTree(answer.getData()).path("error");
                assertThat(error.path("code").asInt()).as("%s %s -> %s", c[0], c[1], text(answer))
                        .isBetween(400, 599);
            }
            assertThat(jsm.getConsumerNames("ER")).containsExactly("once");
        }
    }

    @Test
    void resetRestartsDeliveryWhereAsked() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "RS", "rs");
            publish(nc, "rs", 4);
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addOrUpdateConsumer("RS", ConsumerConfiguration.builder().durable("c").build());
            jsm.addOrUpdateConsumer("RS", ConsumerConfiguration.builder().durable("n")
                    .deliverPolicy(DeliverPolicy.New).build());
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("RS", "c"));
            for (Message m : sub.fetch(4, TIMEOUT)) {
                m.ackSync(TIMEOUT);
            }
            JsonNode reset = JSON.readTree(nc.request("$JS.API.CONSUMER.RESET.RS.c", bytes("{\"seq\":2}"), TIMEOUT)
                    .getData());
            assertThat(reset.path("type").asText()).isEqualTo("io.nats.jetstream.api.v1.consumer_reset_response");
            assertThat(reset.path("reset_seq").asLong()).isEqualTo(2);
            assertThat(reset.path("num_pending").asLong()).isEqualTo(3);
            Message again = sub.fetch(1, TIMEOUT).get(0);
            assertThat(again.metaData().streamSequence()).isEqualTo(2);
            assertThat(again.metaData().consumerSequence()).isEqualTo(1);
            JsonNode refused = JSON.readTree(nc.request("$JS.API.CONSUMER.RESET.RS.n", bytes("{\"seq\":1}"), TIMEOUT)
                    .getData());
            assertThat(refused.path("error").path("err_code").asInt()).isEqualTo(10204);
            assertThat(refused.path("error").path("description").asText()).isEqualTo("invalid reset: not allowed");
        }
    }

    @Test
    void consumerActionsAreAdvised() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "AD", "ad");
            Subscription advisories = nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.>");
            nc.flush(TIMEOUT);
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addOrUpdateConsumer("AD", ConsumerConfiguration.builder().durable("x").build());
            jsm.deleteConsumer("AD", "x");
            for (String[] expected : new String[][]{{"CREATED", "create"}, {"DELETED", "delete"}}) {
                Message m = advisories.nextMessage(TIMEOUT);
                assertThat(m.getSubject()).isEqualTo("$JS.EVENT.ADVISORY.CONSUMER." + expected[0] + ".AD.x");
                JsonNode event = JSON.readTree(m.getData());
                assertThat(event.path("type").asText()).isEqualTo("io.nats.jetstream.advisory.v1.consumer_action");
                assertThat(event.path("action").asText()).isEqualTo(expected[1]);
                assertThat(event.path("consumer").asText()).isEqualTo("x");
            }
        }
    }

    @Test
    void nakAndTermAreAdvisedAndAcksSampled() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "NT", "nt");
            publish(nc, "nt", 2);
            nc.jetStreamManagement().addOrUpdateConsumer("NT", ConsumerConfiguration.builder().durable("c")
                    .sampleFrequency("100").build());
            Subscription advisories = nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.*.NT.c");
            Subscription metrics = nc.subscribe("$JS.EVENT.METRIC.CONSUMER.ACK.NT.c");
            nc.flush(TIMEOUT);
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("NT", "c"));
            List<Message> got = sub.fetch(2, TIMEOUT);
            got.get(0).nak();
            nc.publish(got.get(1).getReplyTo(), bytes("+TERM no good")); // jnats' term() sends no reason
            Message nak = advisories.nextMessage(TIMEOUT);
            Message term = advisories.nextMessage(TIMEOUT);
            assertThat(nak.getSubject()).isEqualTo("$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED.NT.c");
            assertThat(JSON.readTree(nak.getData()).path("type").asText()).isEqualTo("io.nats.jetstream.advisory.v1.nak");
            assertThat(term.getSubject()).isEqualTo("$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.NT.c");
            JsonNode t = JSON.readTree(term.getData());
            assertThat(t.path("reason").asText()).isEqualTo("no good");
            assertThat(t.path("stream_seq").asLong()).isEqualTo(2);
            Message again = sub.fetch(1, TIMEOUT).get(0);
            again.ackSync(TIMEOUT);
            JsonNode metric = JSON.readTree(metrics.nextMessage(TIMEOUT).getData());
            assertThat(metric.path("type").asText()).isEqualTo("io.nats.jetstream.metric.v1.consumer_ack");
            assertThat(metric.path("stream_seq").asLong()).isEqualTo(1);
            assertThat(metric.path("deliveries").asLong()).isEqualTo(2);
        }
    }

    @Test
    void hostileAcksAreIgnoredAndTheConsumerCarriesOn() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "HA", "ha");
            publish(nc, "ha", 3);
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addOrUpdateConsumer("HA", ConsumerConfiguration.builder().durable("c").build());
            String[] subjects = {
                "$JS.ACK.HA.c", "$JS.ACK.HA.c.1", "$JS.ACK.HA.c.x.y.z.w.v", "$JS.ACK.HA.c.1.99999999.1.0.0",
                "$JS.ACK.HA.c.1.1.1.0.0.extra", "$JS.ACK.HA.c.-1.-1.-1.0.0",
                "$JS.ACK.HA.c.99999999999999999999999.1.1.0.0", "$JS.ACK.HA.c.1.3.9999.0.0",
            };
            String[] bodies = {"", "+ACK", "-NAK {\"delay\": -5}", "-NAK banana", "+TERM", "+WPI", "+NXT {bad",
                "\u0000garbage"};
            for (String s : subjects) {
                for (String b : bodies) {
                    nc.publish(s, "_INBOX.hostile", bytes(b));
                }
            }
            nc.flush(TIMEOUT);
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("HA", "c"));
            List<Message> got = sub.fetch(3, TIMEOUT);
            assertThat(got).extracting(JsTests::text).containsExactly("m1", "m2", "m3");
            List<Long> counts = new ArrayList<>();
            for (Message m : got) {
                counts.add(m.metaData().deliveredCount());
                m.ackSync(TIMEOUT);
            }
            assertThat(counts).containsOnly(1L);
            assertThat(jsm.getConsumerInfo("HA", "c").getNumAckPending()).isZero();
        }
    }

    @Test
    void hostilePullRequestsNeverBreakTheConsumer() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "HP", "hp");
            publish(nc, "hp", 2);
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addOrUpdateConsumer("HP", ConsumerConfiguration.builder().durable("c").build());
            String[] bodies = {"{\"batch\":1000000000000}", "{\"batch\":-1}", "{\"batch\":0}",
                "{\"batch\":1,\"expires\":-5}", "{\"batch\":1,\"expires\":9223372036854775807}",
                "{\"batch\":1,\"idle_heartbeat\":9223372036854775807}", "{\"batch\":\"x\"}", "[]", "-7",
                "99999999999999999999", "{\"batch\":1,\"max_bytes\":-1}", "{\"batch\":1,\"group\":\"g\"}",
                "{\"batch\":1,\"no_wait\":true,\"expires\":1}", "\u0000\u0001"};
            Subscription inbox = nc.subscribe(nc.createInbox());
            nc.flush(TIMEOUT);
            for (String body : bodies) {
                nc.publish("$JS.API.CONSUMER.MSG.NEXT.HP.c", inbox.getSubject(), bytes(body));
            }
            nc.flush(TIMEOUT);
            // Drain what came back (messages or status answers); then the consumer still serves a normal fetch.
            while (inbox.nextMessage(Duration.ofMillis(300)) != null) {
                // answers of any kind
            }
            assertThat(jsm.getConsumerInfo("HP", "c").getName()).isEqualTo("c");
            jsm.addOrUpdateConsumer("HP", ConsumerConfiguration.builder().durable("fresh")
                    .filterSubject("not.in.the.stream").build());
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("HP", "fresh"));
            assertThat(sub.fetch(1, Duration.ofMillis(500))).isEmpty();
            publish(nc, "hp", 1);
            assertThat(jsm.getStreamInfo("HP").getStreamState().getMsgCount()).isEqualTo(3);
        }
    }

    @Test
    void headersOnlySendsTheSizeInsteadOfThePayload() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "HO", "ho");
            nc.jetStream().publish("ho", bytes("hello"));
            nc.jetStreamManagement().addOrUpdateConsumer("HO", ConsumerConfiguration.builder().durable("c")
                    .headersOnly(true).build());
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("HO", "c"));
            Message m = sub.fetch(1, TIMEOUT).get(0);
            assertThat(m.getData()).isEmpty();
            assertThat(m.getHeaders().getFirst("Nats-Msg-Size")).isEqualTo("5");
        }
    }

    @Test
    void ackWaitBackoffSpacesRedeliveries() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            stream(nc, "BO", "bo");
            publish(nc, "bo", 1);
            nc.jetStreamManagement().addOrUpdateConsumer("BO", ConsumerConfiguration.builder().durable("c")
                    .ackPolicy(AckPolicy.Explicit).backoff(Duration.ofMillis(100), Duration.ofMillis(600))
                    .maxDeliver(3).build());
            JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("BO", "c"));
            long t0 = System.nanoTime();
            assertThat(sub.fetch(1, TIMEOUT)).hasSize(1);
            Message second = sub.fetch(1, TIMEOUT).get(0);
            long t1 = System.nanoTime();
            Message third = sub.fetch(1, TIMEOUT).get(0);
            long t2 = System.nanoTime();
            assertThat(second.metaData().deliveredCount()).isEqualTo(2);
            assertThat(third.metaData().deliveredCount()).isEqualTo(3);
            assertThat(TimeUnit.NANOSECONDS.toMillis(t1 - t0)).isGreaterThanOrEqualTo(90);
            assertThat(TimeUnit.NANOSECONDS.toMillis(t2 - t1)).isGreaterThanOrEqualTo(500);
        }
    }
}
