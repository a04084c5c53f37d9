package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.bytes;
import static io.natrix.server.client.Jnats.flush;
import static io.natrix.server.client.Jnats.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Request/reply through the server: inboxes, concurrency, timeouts and the no-responders status. */
class RequestReplyTest {

    /** Starts a responder answering "re:" + body (and echoing headers) on {@code subject} in queue group "svc". */
    private static AtomicInteger respond(Connection responder, String subject) throws Exception {
        AtomicInteger answered = new AtomicInteger();
        responder.createDispatcher(m -> {
            // Counted before replying, so a requester holding every reply sees every count.
            answered.incrementAndGet();
            Headers h = m.hasHeaders() ? new Headers(m.getHeaders()) : null;
            responder.publish(m.getReplyTo(), h, bytes("re:" + text(m)));
        }).subscribe(subject, "svc");
        flush(responder);
        return answered;
    }

    @Test
    void requestReplyAnswersFutureAndBlockingRequests() throws Exception {
        try (TestServer server = TestServer.start();
             Connection responder = Jnats.connect(server);
             Connection requester = Jnats.connect(server)) {
            respond(responder, "svc.echo");

            CompletableFuture<Message> future = requester.request("svc.echo", bytes("one"));
            Message reply = future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(text(reply)).isEqualTo("re:one");
            assertThat(reply.getSubject()).startsWith("_INBOX.");
            assertThat(reply.isStatusMessage()).isFalse();

            Message blocking = requester.request("svc.echo", bytes("two"), TIMEOUT);
            assertThat(blocking).isNotNull();
            assertThat(text(blocking)).isEqualTo("re:two");

            Message timed = requester.requestWithTimeout("svc.echo", bytes("three"), TIMEOUT)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(text(timed)).isEqualTo("re:three");
        }
    }

    @Test
    void requestReplyCarriesHeadersBothWays() throws Exception {
        try (TestServer server = TestServer.start();
             Connection responder = Jnats.connect(server);
             Connection requester = Jnats.connect(server)) {
            respond(responder, "svc.headers");
            Headers h = new Headers().add("Trace-Id", "abc").add("Multi", "1", "2");

            Message reply = requester.request("svc.headers", h, bytes("h"))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(text(reply)).isEqualTo("re:h");
            assertThat(reply.getHeaders().get("Trace-Id")).containsExactly("abc");
            assertThat(reply.getHeaders().get("Multi")).containsExactly("1", "2");
        }
    }

    @Test
    void requestReplyManyConcurrentRequestsEachGetTheirOwnReply() throws Exception {
        int requesters = 3;
        int perRequester = 500;
        try (TestServer server = TestServer.start();
             Connection responderA = Jnats.connect(server);
             Connection responderB = Jnats.connect(server)) {
            AtomicInteger answeredA = respond(responderA, "svc.many");
            AtomicInteger answeredB = respond(responderB, "svc.many");
            List<Connection> connections = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(requesters);
            try {
                List<Future<List<String>>> results = new ArrayList<>();
                for (int r = 0; r < requesters; r++) {
                    Connection nc = Jnats.connect(server);
                    connections.add(nc);
                    int id = r;
                    results.add(pool.submit(() -> {
                        List<CompletableFuture<Message>> inFlight = new ArrayList<>();
                        for (int i = 0; i < perRequester; i++) {
                            inFlight.add(nc.requestWithTimeout("svc.many", bytes(id + "-" + i), TIMEOUT));
                        }
                        List<String> mismatches = new ArrayList<>();
                        for (int i = 0; i < perRequester; i++) {
                            String got = text(inFlight.get(i).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
                            if (!got.equals("re:" + id + "-" + i)) {
                                mismatches.add(id + "-" + i + " got " + got);
                            }
                        }
                        return mismatches;
                    }));
                }
                for (Future<List<String>> f : results) {
                    assertThat(f.get(30, TimeUnit.SECONDS)).isEmpty();
                }
                // Both responders in the queue group took part, and each request was answered once.
                assertThat(answeredA.get() + answeredB.get()).isEqualTo(requesters * perRequester);
                assertThat(answeredA.get()).isPositive();
                assertThat(answeredB.get()).isPositive();
            } finally {
                pool.shutdownNow();
                for (Connection nc : connections) {
                    nc.close();
                }
            }
        }
    }

    @Test
    void requestReplyOldStyleInboxPerRequest() throws Exception {
        int count = 200;
        try (TestServer server = TestServer.start();
             Connection responder = Jnats.connect(server);
             Connection requester = Jnats.connect(Jnats.options(server).oldRequestStyle())) {
            respond(responder, "svc.old");

            List<CompletableFuture<Message>> inFlight = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                inFlight.add(requester.requestWithTimeout("svc.old", bytes("q" + i), TIMEOUT));
            }
            List<String> inboxes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Message reply = inFlight.get(i).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(text(reply)).isEqualTo("re:q" + i);
                inboxes.add(reply.getSubject());
            }
            assertThat(inboxes).doesNotHaveDuplicates().allMatch(s -> s.startsWith("_INBOX."));
            // Each inbox was subscribed with auto-unsubscribe after one message: the server dropped them all and
            // only the wildcard inbox jnats always subscribes for its request dispatcher remains.
            ClientConnection serverSide = Jnats.serverSide(server, requester);
            await().atMost(TIMEOUT).until(() -> serverSide.subscriptionCount() == 1);
            assertThat(serverSide.subscriptions()).singleElement()
                    .satisfies(sub -> assertThat(sub.subject()).startsWith("_INBOX.").endsWith(".*"));
        }
    }

    @Test
    void requestReplyTimesOutWhenResponderStaysSilent() throws Exception {
        try (TestServer server = TestServer.start();
             Connection silent = Jnats.connect(server);
             Connection requester = Jnats.connect(Jnats.options(server)
                     .requestCleanupInterval(Duration.ofMillis(100)).useTimeoutException())) {
            silent.subscribe("svc.silent");
            flush(silent);

            long start = System.nanoTime();
            Message none = requester.request("svc.silent", bytes("hello?"), Duration.ofMillis(300));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(none).isNull();
            // At its timeout, not before; the upper bound only catches a hang (a busy machine may be late).
            assertThat(elapsedMillis).isBetween(250L, TIMEOUT.toMillis());

            CompletableFuture<Message> future =
                    requester.requestWithTimeout("svc.silent", bytes("anyone?"), Duration.ofMillis(300));
            assertThatThrownBy(() -> future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void noRespondersCancelsRequestFutureWellBeforeTimeout() throws Exception {
        try (TestServer server = TestServer.start();
             Connection requester = Jnats.connect(server)) {
            long start = System.nanoTime();
            // Answered long before the 10 s timeout, though a busy machine may take a few seconds.
            CompletableFuture<Message> future =
                    requester.requestWithTimeout("svc.nobody", bytes("x"), Duration.ofSeconds(10));
            // jnats (default CancelAction.CANCEL) cancels the future when the server answers with status 503.
            assertThatThrownBy(() -> future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(CancellationException.class);
            assertThat(future.isCancelled()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);

            start = System.nanoTime();
            Message blocking = requester.request("svc.nobody", bytes("y"), Duration.ofSeconds(10));
            assertThat(blocking).isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
        }
    }

    @Test
    void noRespondersReportedAsStatus503WhenClientAsksForReports() throws Exception {
        try (TestServer server = TestServer.start();
             Connection requester = Jnats.connect(Jnats.options(server).reportNoResponders())) {
            long start = System.nanoTime();
            CompletableFuture<Message> future =
                    requester.requestWithTimeout("svc.nobody", bytes("x"), Duration.ofSeconds(10));

            assertThatThrownBy(() -> future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(JetStreamStatusException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(503));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
        }
    }

    @Test
    void noRespondersNotSentWhenClientDidNotAskForThem() throws Exception {
        try (TestServer server = TestServer.start();
             Connection requester = Jnats.connect(Jnats.options(server).noNoResponders())) {
            io.nats.client.Subscription inbox = requester.subscribe("my.inbox");
            flush(requester);
            requester.publish("svc.nobody", "my.inbox", bytes("x"));
            flush(requester);

            assertThat(inbox.getPendingMessageCount()).isZero();
            assertThat(Jnats.serverSide(server, requester).connectOptions().noResponders).isFalse();
        }
    }

    @Test
    void noRespondersStatusArrivesOnTheRequestInboxAsHeaderOnlyMessage() throws Exception {
        try (TestServer server = TestServer.start();
             Connection requester = Jnats.connect(server)) {
            io.nats.client.Subscription inbox = requester.subscribe("my.inbox.*");
            flush(requester);
            requester.publish("svc.nobody", "my.inbox.1", bytes("x"));
            flush(requester);

            List<Message> got = Jnats.queued(inbox);
            assertThat(got).hasSize(1);
            Message status = got.get(0);
            assertThat(status.getSubject()).isEqualTo("my.inbox.1");
            assertThat(status.isStatusMessage()).isTrue();
            assertThat(status.getStatus().getCode()).isEqualTo(503);
            assertThat(status.getData()).isEmpty();
        }
    }
}
