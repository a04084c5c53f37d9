package io.natrix.server.imports;

import static io.natrix.server.imports.ImportFixture.TIMEOUT;
import static io.natrix.server.imports.ImportFixture.bytes;
import static io.natrix.server.imports.ImportFixture.nothingPending;
import static io.natrix.server.imports.ImportFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How responses of imported services come back, end to end with jnats: the response types of the export, the
 * response threshold, no responders, and queue groups on either side. Checked against nats-server 2.9.10 except
 * where a test says otherwise.
 */
class ConfiguredImportsResponsesTest {
    private static final String CONFIG = """
            accounts {
              A {
                users = [ { user: a, password: p } ]
                exports = [
                  { service: "single.svc" }
                  { service: "stream.svc", response: stream }
                  { service: "chunked.svc", response: chunked }
                  { service: "slow.svc", response: singleton, response_threshold: "100ms" }
                  { service: "slowstream.svc", response: stream, response_threshold: "100ms" }
                  { service: "steady.svc", response: stream }
                  { service: "none.svc" }
                  { service: "work.>" }
                  { stream: "ticks.>" }
                ]
              }
              B {
                users = [ { user: b, password: p } ]
                imports = [
                  { service: { account: A, subject: "single.svc" } }
                  { service: { account: A, subject: "stream.svc" } }
                  { service: { account: A, subject: "chunked.svc" } }
                  { service: { account: A, subject: "slow.svc" } }
                  { service: { account: A, subject: "slowstream.svc" } }
                  { service: { account: A, subject: "steady.svc" } }
                  { service: { account: A, subject: "none.svc" } }
                  { service: { account: A, subject: "work.>" } }
                  { stream: { account: A, subject: "ticks.>" } }
                ]
              }
            }
            """;

    @TempDir
    Path dir;

    /** Natrix has no open response routes into {@code exporter} (not checked against the reference). */
    private static void noRoutesLeft(ImportFixture f, String exporter) {
        if (f.natrix()) {
            assertThat(f.pendingResponses(exporter)).as("open response routes").isZero();
        }
    }

    @Test
    void aSingletonServiceAnswersOnce() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            BlockingQueue<String> answered = new LinkedBlockingQueue<>();
            a.createDispatcher(m -> {
                a.publish(m.getReplyTo(), bytes("first"));
                a.publish(m.getReplyTo(), bytes("second"));
                a.publish(m.getReplyTo(), new byte[0]);
                answered.add("done");
            }).subscribe("single.svc");
            a.flush(TIMEOUT);
            Subscription inbox = b.subscribe("inbox.single");
            b.flush(TIMEOUT);

            b.publish("single.svc", "inbox.single", bytes("request"));
            assertThat(answered.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("done");
            assertThat(text(inbox.nextMessage(TIMEOUT))).isEqualTo("first");
            assertThat(nothingPending(b, inbox, a)).isTrue();
            noRoutesLeft(f, "A");
        }
    }

    @Test
    void streamedAndChunkedServicesAnswerUntilAnEmptyMessage() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            for (String svc : List.of("stream.svc", "chunked.svc")) {
                BlockingQueue<String> answered = new LinkedBlockingQueue<>();
                a.createDispatcher(m -> {
                    for (String s : List.of("r1", "r2", "r3", "", "after the end")) {
                        a.publish(m.getReplyTo(), bytes(s));
                    }
                    answered.add("done");
                }).subscribe(svc);
                a.flush(TIMEOUT);
                Subscription inbox = b.subscribe("inbox." + svc);
                b.flush(TIMEOUT);

                b.publish(svc, "inbox." + svc, bytes("request"));
                assertThat(answered.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("done");
                List<String> got = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    got.add(text(inbox.nextMessage(TIMEOUT)));
                }
                // the empty message arrives and ends the route, as in nats-server
                assertThat(got).as(svc).containsExactly("r1", "r2", "r3", "");
                assertThat(nothingPending(b, inbox, a)).as(svc).isTrue();
                noRoutesLeft(f, "A");
            }
        }
    }

    @Test
    void aResponseAfterTheThresholdIsDropped() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Map<String, String> routes = new ConcurrentHashMap<>();
            for (String svc : List.of("slow.svc", "slowstream.svc", "steady.svc")) {
                a.createDispatcher(m -> routes.put(svc, m.getReplyTo())).subscribe(svc);
            }
            a.flush(TIMEOUT);
            Subscription inbox = b.subscribe("inbox.>");
            b.flush(TIMEOUT);

            b.publish("slow.svc", "inbox.slow", bytes("request"));
            b.publish("slowstream.svc", "inbox.slowstream", bytes("request"));
            b.publish("steady.svc", "inbox.steady", bytes("request"));
            await().atMost(TIMEOUT).until(() -> routes.size() == 3);
            // three open routes; the two with a 100 ms threshold expire, the one with the default two minutes not
            if (f.natrix()) {
                await().atMost(TIMEOUT).until(() -> f.pendingResponses("A") == 1);
            } else {
                // nats-server sweeps on a timer, so a route lives up to twice its threshold; nothing to observe
                await().pollDelay(Duration.ofMillis(300)).until(() -> true);
            }

            a.publish(routes.get("slow.svc"), bytes("late"));
            a.publish(routes.get("slowstream.svc"), bytes("late"));
            a.publish(routes.get("steady.svc"), bytes("on time"));
            Message m = inbox.nextMessage(TIMEOUT);
            assertThat(m.getSubject()).isEqualTo("inbox.steady");
            assertThat(text(m)).isEqualTo("on time");
            assertThat(nothingPending(b, inbox, a)).isTrue();
        }
    }

    @Test
    void aResponseInTimeArrivesWhenTheResponderWaits() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            CountDownLatch received = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            a.createDispatcher(m -> {
                received.countDown();
                try {
                    // well within the default threshold, however slow the machine
                    if (release.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                        a.publish(m.getReplyTo(), bytes("waited"));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).subscribe("steady.svc");
            a.flush(TIMEOUT);

            CompletableFuture<Message> answer = b.request("steady.svc", bytes("request"));
            assertThat(received.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            if (f.natrix()) {
                assertThat(f.pendingResponses("A")).isEqualTo(1);
            }
            assertThat(answer).isNotDone();
            release.countDown();
            assertThat(text(answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))).isEqualTo("waited");
        }
    }

    @Test
    void aServiceWithoutRespondersGivesNoResponders() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection b = f.connect("b");
            f.connect("a");
            CompletableFuture<Message> request = b.request("none.svc", bytes("anyone?"));
            // nats-server 2.11 and later answer no responders (jnats cancels the future); 2.9.10 says nothing
            // and the request times out. Natrix follows the later servers.
            assertThatThrownBy(() -> request.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(CancellationException.class);
            noRoutesLeft(f, "A");
        }
    }

    @Test
    void aRequestWithoutReplyCrossesWithoutARoute() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Subscription svc = a.subscribe("single.svc");
            a.flush(TIMEOUT);
            b.publish("single.svc", bytes("fire and forget"));
            Message m = svc.nextMessage(TIMEOUT);
            assertThat(text(m)).isEqualTo("fire and forget");
            assertThat(m.getReplyTo()).isNull();
            noRoutesLeft(f, "A");
        }
    }

    @Test
    void queueGroupsOfTheExporterPickOneMemberPerRequest() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
            for (String member : List.of("w1", "w2", "w3")) {
                handled.put(member, new AtomicInteger());
                a.createDispatcher(m -> {
                    handled.get(member).incrementAndGet();
                    a.publish(m.getReplyTo(), bytes(member));
                }).subscribe("work.>", "workers");
            }
            Subscription watcher = a.subscribe("work.>"); // not in the group: sees every request
            a.flush(TIMEOUT);

            int requests = 60;
            for (int i = 0; i < requests; i++) {
                Message answer = b.request("work.item" + i, bytes("job"), TIMEOUT);
                assertThat(answer).as("answer %d", i).isNotNull();
            }
            assertThat(handled.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(requests);
            assertThat(handled.values().stream().filter(n -> n.get() > 0).count())
                    .as("requests spread over the group").isGreaterThan(1);
            a.flush(TIMEOUT);
            assertThat(watcher.getPendingMessageCount()).isEqualTo(requests);
            noRoutesLeft(f, "A");
        }
    }

    @Test
    void queueGroupsOfTheImporterPickOneMemberPerStreamMessage() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Connection b2 = f.connect("b2", "b");
            Subscription q1 = b.subscribe("ticks.>", "readers");
            Subscription q2 = b2.subscribe("ticks.>", "readers");
            Subscription all = b2.subscribe("ticks.>");
            b.flush(TIMEOUT);
            b2.flush(TIMEOUT);
            int messages = 40;
            for (int i = 0; i < messages; i++) {
                a.publish("ticks." + i, bytes("tick"));
            }
            a.flush(TIMEOUT);
            b.flush(TIMEOUT);
            b2.flush(TIMEOUT);
            assertThat(q1.getPendingMessageCount() + q2.getPendingMessageCount()).isEqualTo(messages);
            assertThat(all.getPendingMessageCount()).isEqualTo(messages);
        }
    }

    @Test
    void aResponseWithAReplyCanBeAnsweredBack() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, CONFIG)) {
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            Subscription back = a.subscribe("a.back");
            a.createDispatcher(m -> a.publish(m.getReplyTo(), "a.back", bytes("response"))).subscribe("single.svc");
            a.flush(TIMEOUT);

            Message response = b.request("single.svc", bytes("request"), TIMEOUT);
            assertThat(text(response)).isEqualTo("response");
            // as in nats-server: the response's reply is a route of B's that leads to a.back in A
            assertThat(response.getReplyTo()).matches("_R_\\.[0-9A-Za-z]+\\.[0-9A-Za-z]+");
            b.publish(response.getReplyTo(), bytes("answer to the response"));
            Message m = back.nextMessage(TIMEOUT);
            assertThat(text(m)).isEqualTo("answer to the response");
            b.publish(response.getReplyTo(), bytes("again")); // singleton, like the service
            assertThat(nothingPending(a, back, b)).isTrue();
            noRoutesLeft(f, "B");
        }
    }
}
