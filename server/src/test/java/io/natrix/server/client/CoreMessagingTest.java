package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.bytes;
import static io.natrix.server.client.Jnats.flush;
import static io.natrix.server.client.Jnats.next;
import static io.natrix.server.client.Jnats.queued;
import static io.natrix.server.client.Jnats.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Core publish/subscribe as jnats sees it: subjects, wildcards, ordering, echo and auto-unsubscribe. */
class CoreMessagingTest {

    @Test
    void publishedMessageReachesSubscriber() throws Exception {
        try (TestServer server = TestServer.start();
             Connection nc = Jnats.connect(server)) {
            Subscription sub = nc.subscribe("greet.*");
            nc.flush(TIMEOUT);
            nc.publish("greet.joe", "hello".getBytes(StandardCharsets.UTF_8));
            Message m = sub.nextMessage(TIMEOUT);
            assertThat(m).isNotNull();
            assertThat(m.getSubject()).isEqualTo("greet.joe");
            assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
    }

    @Test
    void pubSubCarriesSubjectReplyToAndPayloadBetweenConnections() throws Exception {
        try (TestServer server = TestServer.start();
             Connection sub = Jnats.connect(server);
             Connection pub = Jnats.connect(server)) {
            Subscription s = sub.subscribe("orders.new");
            flush(sub);
            pub.publish("orders.new", "reply.here", bytes("order-1"));
            pub.publish("orders.new", new byte[0]);

            Message first = next(s);
            assertThat(first.getSubject()).isEqualTo("orders.new");
            assertThat(first.getReplyTo()).isEqualTo("reply.here");
            assertThat(text(first)).isEqualTo("order-1");
            assertThat(first.hasHeaders()).isFalse();
            Message empty = next(s);
            assertThat(empty.getReplyTo()).isNull();
            assertThat(empty.getData()).isEmpty();
        }
    }

    @Test
    void wildcardSubscriptionsReceiveExactlyTheirMatchingSubjects() throws Exception {
        List<String> published = List.of("a.b.c", "a.x", "x.b.y", "a.b.c.d", "z", "a", "a.b", "b.b.c");
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("a.*", List.of("a.x", "a.b"));
        expected.put("a.>", List.of("a.b.c", "a.x", "a.b.c.d", "a.b"));
        expected.put("*.b.*", List.of("a.b.c", "x.b.y", "b.b.c"));
        expected.put("a.*.c", List.of("a.b.c"));
        expected.put("*.b.>", List.of("a.b.c", "x.b.y", "a.b.c.d", "b.b.c"));
        expected.put("a.b.c", List.of("a.b.c"));
        expected.put(">", published);
        expected.put("*", List.of("z", "a"));
        expected.put("*.*.*.*", List.of("a.b.c.d"));
        expected.put("nothing.*", List.of());

        try (TestServer server = TestServer.start();
             Connection nc = Jnats.connect(server)) {
            Map<String, Subscription> subs = new LinkedHashMap<>();
            for (String pattern : expected.keySet()) {
                subs.put(pattern, nc.subscribe(pattern));
            }
            flush(nc);
            for (String subject : published) {
                nc.publish(subject, bytes("to " + subject));
            }
            flush(nc);

            for (Map.Entry<String, List<String>> e : expected.entrySet()) {
                List<Message> got = queued(subs.get(e.getKey()));
                assertThat(got).as("subscription %s", e.getKey())
                        .extracting(Message::getSubject).containsExactlyElementsOf(e.getValue());
                assertThat(got).extracting(Jnats::text)
                        .containsExactlyElementsOf(e.getValue().stream().map(s -> "to " + s).toList());
            }
        }
    }

    @Test
    void subjectWithoutMatchingSubscriberIsDroppedSilently() throws Exception {
        try (TestServer server = TestServer.start();
             Connection nc = Jnats.connect(server)) {
            Subscription s = nc.subscribe("present.*");
            flush(nc);
            nc.publish("absent.one", bytes("lost"));
            nc.publish("present", bytes("lost too"));
            nc.publish("present.one.two", bytes("lost three"));
            nc.publish("present.one", bytes("kept"));
            flush(nc);

            assertThat(queued(s)).extracting(Jnats::text).containsExactly("kept");
            assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            assertThat(nc.getLastError()).isEmpty(); // jnats's "no error yet"
        }
    }

    @Test
    void manySubjectsEachReachOnlyTheirOwnSubscriber() throws Exception {
        int subjects = 1000;
        try (TestServer server = TestServer.start();
             Connection nc = Jnats.connect(server)) {
            List<Subscription> subs = new ArrayList<>();
            for (int i = 0; i < subjects; i++) {
                subs.add(nc.subscribe("many." + i));
            }
            flush(nc);
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < subjects; i++) {
                    nc.publish("many." + i, bytes(i + "/" + round));
                }
            }
            flush(nc);

            for (int i = 0; i < subjects; i++) {
                assertThat(queued(subs.get(i))).extracting(Jnats::text).containsExactly(i + "/0", i + "/1");
            }
            assertThat(Jnats.serverSide(server, nc).subscriptionCount()).isEqualTo(subjects);
        }
    }

    @Test
    void orderingHundredThousandMessagesFromOnePublisherArriveInOrder() throws Exception {
        int count = 100_000;
        try (TestServer server = TestServer.start();
             Connection sub = Jnats.connect(server);
             Connection pub = Jnats.connect(server)) {
            AtomicInteger nextExpected = new AtomicInteger();
            AtomicReference<String> firstProblem = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            Dispatcher d = sub.createDispatcher(m -> {
                int seq = ByteBuffer.wrap(m.getData()).getInt();
                int expected = nextExpected.getAndIncrement();
                if (seq != expected) {
                    firstProblem.compareAndSet(null, "expected " + expected + " but got " + seq);
                }
                if (expected == count - 1) {
                    done.countDown();
                }
            });
            d.setPendingLimits(-1, -1);
            d.subscribe("ordered");
            flush(sub);

            for (int i = 0; i < count; i++) {
                // A fresh array each time: jnats queues the array itself, not a copy.
                pub.publish("ordered", ByteBuffer.allocate(16).putInt(i).putLong(i * 31L).putInt(~i).array());
            }
            flush(pub);

            assertThat(done.await(30, TimeUnit.SECONDS)).as("all messages arrived").isTrue();
            assertThat(firstProblem.get()).isNull();
            assertThat(nextExpected.get()).isEqualTo(count);
        }
    }

    @Test
    void echoOffSuppressesOwnMessagesButDeliversOthers() throws Exception {
        try (TestServer server = TestServer.start();
             Connection quiet = Jnats.connect(Jnats.options(server).noEcho());
             Connection other = Jnats.connect(server)) {
            Subscription quietSub = quiet.subscribe("echo");
            Subscription otherSub = other.subscribe("echo");
            flush(quiet, other);

            quiet.publish("echo", bytes("from quiet"));
            // Once `other` saw the quiet message the server has processed it, so anything it routed to the quiet
            // connection is queued there before the message published next.
            assertThat(text(next(otherSub))).isEqualTo("from quiet");
            other.publish("echo", bytes("from other"));

            assertThat(text(next(quietSub))).isEqualTo("from other");
            assertThat(text(next(otherSub))).isEqualTo("from other");
            flush(quiet);
            assertThat(quietSub.getPendingMessageCount()).isZero();
            assertThat(Jnats.serverSide(server, quiet).connectOptions().echo).isFalse();
        }
    }

    @Test
    void autoUnsubscribeOnSubscriptionDeliversExactlyMax() throws Exception {
        try (TestServer server = TestServer.start();
             Connection nc = Jnats.connect(server);
             Connection pub = Jnats.connect(server)) {
            Subscription limited = nc.subscribe("auto");
            limited.unsubscribe(5);
            Subscription witness = nc.subscribe("auto");
            flush(nc);
            ClientConnection serverSide = Jnats.serverSide(server, nc);
            assertThat(serverSide.subscriptionCount()).isEqualTo(2);

            for (int i = 0; i < 10; i++) {
                pub.publish("auto", bytes("m" + i));
            }
            flush(pub);

            for (int i = 0; i < 10; i++) {
                assertThat(text(next(witness))).isEqualTo("m" + i);
            }
            for (int i = 0; i < 5; i++) {
                assertThat(text(next(limited))).isEqualTo("m" + i);
            }
            // The server removed the limited subscription after its fifth message and sent it nothing more.
            await().atMost(TIMEOUT).until(() -> serverSide.subscriptionCount() == 1);
            assertThat(serverSide.outMsgs()).isEqualTo(15);
            assertThat(limited.isActive()).isFalse();
        }
    }

    @Test
    void autoUnsubscribeOnDispatcherDeliversExactlyMax() throws Exception {
        try (TestServer server = TestServer.start();
             Connection nc = Jnats.connect(server);
             Connection pub = Jnats.connect(server)) {
            List<String> limitedGot = new CopyOnWriteArrayList<>();
            List<String> witnessGot = new CopyOnWriteArrayList<>();
            Dispatcher d = nc.createDispatcher();
            Subscription limited = d.subscribe("auto.d", m -> limitedGot.add(text(m)));
            d.unsubscribe(limited, 3);
            d.subscribe("auto.d", m -> witnessGot.add(text(m)));
            flush(nc);
            ClientConnection serverSide = Jnats.serverSide(server, nc);

            for (int i = 0; i < 8; i++) {
                pub.publish("auto.d", bytes("m" + i));
            }
            flush(pub);

            await().atMost(TIMEOUT).until(() -> witnessGot.size() == 8);
            // One dispatcher runs both handlers in arrival order, so the limited one has seen all it ever will.
            assertThat(limitedGot).containsExactly("m0", "m1", "m2");
            assertThat(witnessGot).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7");
            await().atMost(TIMEOUT).until(() -> serverSide.subscriptionCount() == 1);
            assertThat(serverSide.outMsgs()).isEqualTo(11);
        }
    }

    @Test
    void unsubscribeStopsDeliveryAtOnce() throws Exception {
        try (TestServer server = TestServer.start();
             Connection nc = Jnats.connect(server)) {
            Subscription gone = nc.subscribe("unsub");
            Subscription stays = nc.subscribe("unsub");
            flush(nc);
            nc.publish("unsub", bytes("before"));
            flush(nc);
            assertThat(queued(gone)).extracting(Jnats::text).containsExactly("before");

            gone.unsubscribe();
            nc.publish("unsub", bytes("after"));
            flush(nc);

            assertThat(queued(stays)).extracting(Jnats::text).containsExactly("before", "after");
            assertThat(Jnats.serverSide(server, nc).subscriptionCount()).isEqualTo(1);
        }
    }
}
