package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static io.natrix.server.jetstream.JsTests.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct gets answered as nats-server answers them (checked against nats-server 2.9.10 where it has the feature, and
 * its source for batches and {@code multi_last}): the request checks and their 408 statuses, the subject form, the
 * headers of each answer, batches with {@code max_bytes} and {@code no_hdr}, {@code multi_last} limits, and no
 * responder for streams without direct gets.
 */
class DirectGetTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** A stream D on d.> with direct gets: d.x=1 (with header X: y), d.y=2, d.x=3, d.z.deep=4. */
    private static void fill(Connection nc) throws Exception {
        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("D").subjects("d.>")
                .storageType(StorageType.Memory).allowDirect(true).build());
        JetStream js = nc.jetStream();
        js.publish(NatsMessage.builder().subject("d.x").headers(new Headers().put("X", "y")).data(bytes("1"))
                .build());
        js.publish("d.y", bytes("2"));
        js.publish("d.x", bytes("3"));
        js.publish("d.z.deep", bytes("4"));
    }

    private static Message get(Connection nc, String subject, String body) throws Exception {
        Message m = nc.request(subject, bytes(body), TIMEOUT);
        assertThat(m).as("an answer to %s %s", subject, body).isNotNull();
        return m;
    }

    private static String status(Message m) {
        return m.isStatusMessage() ? m.getStatus().getCode() + " " + m.getStatus().getMessage() : "message";
    }

    @Test
    void directGetRequestChecksAnswerWithNatsServersStatuses() throws Exception {
        try (TestServer server = jetStreamServer(dir.resolve("js")); Connection nc = connect(server)) {
            fill(nc);
            String[][] cases = {
                {"$JS.API.DIRECT.GET.D", "", "408 Empty Request"},
                {"$JS.API.DIRECT.GET.D", "{}", "408 Empty Request"},
                {"$JS.API.DIRECT.GET.D", "{bad", "408 Malformed Request"},
                {"$JS.API.DIRECT.GET.D", "{\"seq\":1,\"last_by_subj\":\"d.x\"}", "408 Bad Request"},
                {"$JS.API.DIRECT.GET.D", "{\"last_by_subj\":\"d.x\",\"next_by_subj\":\"d.x\"}", "408 Bad Request"},
                {"$JS.API.DIRECT.GET.D", "{\"last_by_subj\":\"d.x\",\"batch\":2}", "408 Bad Request"},
                {"$JS.API.DIRECT.GET.D", "{\"next_by_subj\":\"d.x\",\"multi_last\":[\"d.x\"]}", "408 Bad Request"},
                {"$JS.API.DIRECT.GET.D", "{\"seq\":9}", "404 Message Not Found"},
                {"$JS.API.DIRECT.GET.D.d.x", "{\"seq\":1}", "408 Bad Request"},
                {"$JS.API.DIRECT.GET.D.d.x", "{bad", "408 Malformed Request"},
                {"$JS.API.DIRECT.GET.D.d.nope", "", "404 Message Not Found"},
            };
            for (String[] c : cases) {
                assertThat(status(get(nc, c[0], c[1]))).as("%s %s", c[0], c[1]).isEqualTo(c[2]);
            }
            Headers required = new Headers().put("Nats-Required-Api-Level", "99");
            Message tooNew = nc.request(NatsMessage.builder().subject("$JS.API.DIRECT.GET.D").headers(required)
                    .data(bytes("{\"seq\":1}")).build(), TIMEOUT);
            assertThat(status(tooNew)).isEqualTo("412 Required Api Level");
        }
    }

    @Test
    void directGetAnswersCarryTheOriginalHeadersThenTheStreams() throws Exception {
        try (TestServer server = jetStreamServer(dir.resolve("js")); Connection nc = connect(server)) {
            fill(nc);
            Message bySeq = get(nc, "$JS.API.DIRECT.GET.D", "{\"seq\":1}");
            assertThat(text(bySeq)).isEqualTo("1");
            Headers h = bySeq.getHeaders();
            assertThat(h.keySet()).containsExactlyInAnyOrder("X", "Nats-Stream", "Nats-Subject", "Nats-Sequence",
                    "Nats-Time-Stamp");
            assertThat(h.getFirst("X")).isEqualTo("y");
            assertThat(h.getFirst("Nats-Time-Stamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d*[1-9])?Z");

            // The subject form takes an empty request object, and keeps dots in the subject.
            assertThat(text(get(nc, "$JS.API.DIRECT.GET.D.d.x", "{}"))).isEqualTo("3");
            assertThat(text(get(nc, "$JS.API.DIRECT.GET.D.d.z.deep", ""))).isEqualTo("4");
            assertThat(text(get(nc, "$JS.API.DIRECT.GET.D", "{\"last_by_subj\":\"d.*\"}"))).isEqualTo("3");
            assertThat(text(get(nc, "$JS.API.DIRECT.GET.D", "{\"next_by_subj\":\"d.x\",\"seq\":2}"))).isEqualTo("3");
            Message start = get(nc, "$JS.API.DIRECT.GET.D", "{\"start_time\":\"2000-01-01T00:00:00Z\"}");
            assertThat(start.getHeaders().getFirst("Nats-Sequence")).isEqualTo("1");
        }
    }

    @Test
    void directGetHeadersAppendToTheStoredBlockInNatsServersOrder() {
        io.natrix.server.store.StoredMessage plain = new io.natrix.server.store.StoredMessage(7, "a.b", null,
                bytes("v"), 1_500_000_000_000_000_000L);
        assertThat(new String(DirectGet.headers("S", plain, false, 0, 0), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("NATS/1.0\r\nNats-Stream: S\r\nNats-Subject: a.b\r\nNats-Sequence: 7\r\n"
                        + "Nats-Time-Stamp: 2017-07-14T02:40:00Z\r\n\r\n");
        io.natrix.server.store.StoredMessage withHeaders = new io.natrix.server.store.StoredMessage(8, "a.b",
                bytes("NATS/1.0\r\nKV-Operation: DEL\r\n\r\n"), new byte[0], 1_500_000_000_120_000_000L);
        assertThat(new String(DirectGet.headers("S", withHeaders, true, 3, 7),
                java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("NATS/1.0\r\nKV-Operation: DEL\r\n"
                        + "Nats-Stream: S\r\nNats-Subject: a.b\r\nNats-Sequence: 8\r\n"
                        + "Nats-Time-Stamp: 2017-07-14T02:40:00.12Z\r\nNats-Num-Pending: 3\r\n"
                        + "Nats-Last-Sequence: 7\r\n\r\n");
    }

    @Test
    void directGetBatchesCountPendingAndStopAtMaxBytes() throws Exception {
        try (TestServer server = jetStreamServer(dir.resolve("js")); Connection nc = connect(server)) {
            fill(nc);
            List<Message> all = batch(nc, "D", "{\"seq\":1,\"batch\":10}");
            assertThat(all).extracting(DirectGetTest::status).containsExactly("message", "message", "message",
                    "message", "204 EOB");
            assertThat(all).extracting(m -> m.getHeaders().getFirst("Nats-Num-Pending"))
                    .containsExactly("3", "2", "1", "0", "0");
            assertThat(all).extracting(m -> m.getHeaders().getFirst("Nats-Last-Sequence"))
                    .containsExactly("0", "1", "2", "3", "4");

            // max_bytes: stops once reached, counting subject, headers and payload (the first message alone).
            List<Message> small = batch(nc, "D", "{\"seq\":1,\"batch\":10,\"max_bytes\":5}");
            assertThat(small).extracting(DirectGetTest::status).containsExactly("message", "204 EOB");
            assertThat(small.get(1).getHeaders().getFirst("Nats-Num-Pending")).isEqualTo("3");

            // no_hdr: the bare payloads.
            List<Message> bare = batch(nc, "D", "{\"next_by_subj\":\"d.x\",\"batch\":5,\"no_hdr\":true}");
            assertThat(bare.subList(0, 2)).allSatisfy(m -> assertThat(m.getHeaders()).isNull());
            assertThat(bare.subList(0, 2)).extracting(JsTests::text).containsExactly("1", "3");

            Message none = get(nc, "$JS.API.DIRECT.GET.D", "{\"seq\":9,\"batch\":3}");
            assertThat(status(none)).isEqualTo("404 Message Not Found");
        }
    }

    @Test
    void directGetMultiLastIsCappedAndBatched() throws Exception {
        try (TestServer server = jetStreamServer(dir.resolve("js")); Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("M").subjects("m.>")
                    .storageType(StorageType.Memory).allowDirect(true).build());
            JetStream js = nc.jetStream();
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 0; i <= DirectGet.MULTI_LAST_MAX; i++) {
                acks.add(js.publishAsync("m." + i, bytes("v" + i)));
            }
            for (CompletableFuture<?> a : acks) {
                a.get();
            }
            assertThat(status(get(nc, "$JS.API.DIRECT.GET.M", "{\"multi_last\":[\"m.>\"]}")))
                    .isEqualTo("413 Too Many Results");
            List<Message> capped = batch(nc, "M", "{\"multi_last\":[\"m.>\"],\"up_to_seq\":1024,\"batch\":3}");
            assertThat(capped).extracting(m -> m.getHeaders().getFirst("Nats-Sequence"))
                    .containsExactly("1", "2", "3", null);
            Message eob = capped.get(3);
            assertThat(status(eob)).isEqualTo("204 EOB");
            assertThat(eob.getHeaders().getFirst("Nats-Num-Pending")).isEqualTo("1021");
            assertThat(eob.getHeaders().getFirst("Nats-UpTo-Sequence")).isEqualTo("1024");
            // seq skips the lower sequences but still counts them as done.
            List<Message> from = batch(nc, "M", "{\"multi_last\":[\"m.1\",\"m.2\",\"m.3\"],\"seq\":3}");
            assertThat(from).extracting(m -> m.getHeaders().getFirst("Nats-Sequence")).containsExactly("3", "4", null);
            assertThat(from.get(0).getHeaders().getFirst("Nats-Num-Pending")).isEqualTo("1");
        }
    }

    @Test
    void directGetWithoutAResponderIsANoRespondersStatus() throws Exception {
        try (TestServer server = jetStreamServer(dir.resolve("js")); Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("ND").subjects("nd")
                    .storageType(StorageType.Memory).build());
            nc.jetStream().publish("nd", bytes("v"));
            for (String subject : List.of("$JS.API.DIRECT.GET.ND", "$JS.API.DIRECT.GET.NOSUCH")) {
                Subscription sub = nc.subscribe(nc.createInbox());
                nc.publish(subject, sub.getSubject(), bytes("{\"seq\":1}"));
                Message m = sub.nextMessage(TIMEOUT);
                assertThat(m).as(subject).isNotNull();
                assertThat(m.getStatus().getCode()).as(subject).isEqualTo(503);
                sub.unsubscribe();
            }
        }
    }

    @Test
    void aCaughtUpMirrorDirectMirrorAnswersForItsOriginOnceTheOriginStopsAnswering() throws Exception {
        try (TestServer server = jetStreamServer(dir.resolve("js")); Connection nc = connect(server)) {
            var jsm = nc.jetStreamManagement();
            fill(nc);
            // The mirror inherits mirror_direct from the origin's allow_direct, as nats-server sets it.
            var mirror = jsm.addStream(StreamConfiguration.builder().name("M").storageType(StorageType.Memory)
                    .mirror(io.nats.client.api.Mirror.builder().sourceName("D").build()).build());
            assertThat(mirror.getConfiguration().getMirrorDirect()).isTrue();
            var plain = jsm.addStream(StreamConfiguration.builder().name("P").storageType(StorageType.Memory)
                    .mirror(io.nats.client.api.Mirror.builder().sourceName("ND2").build()).build());
            assertThat(plain.getConfiguration().getMirrorDirect()).isFalse();
            org.awaitility.Awaitility.await().atMost(TIMEOUT)
                    .until(() -> jsm.getStreamInfo("M").getStreamState().getMsgCount() == 4);

            // While the origin serves direct gets it answers.
            assertThat(get(nc, "$JS.API.DIRECT.GET.D.d.x", "").getHeaders().getFirst("Nats-Stream")).isEqualTo("D");
            jsm.deleteStream("D");
            Message fromMirror = get(nc, "$JS.API.DIRECT.GET.D.d.x", "");
            assertThat(status(fromMirror)).isEqualTo("message");
            assertThat(fromMirror.getHeaders().getFirst("Nats-Stream")).isEqualTo("M");
            assertThat(fromMirror.getHeaders().getFirst("Nats-Sequence")).isEqualTo("3");
            assertThat(text(fromMirror)).isEqualTo("3");
            assertThat(text(get(nc, "$JS.API.DIRECT.GET.D", "{\"seq\":2}"))).isEqualTo("2");

            // A mirror without mirror_direct never answers for its origin.
            Subscription sub = nc.subscribe(nc.createInbox());
            nc.publish("$JS.API.DIRECT.GET.ND2", sub.getSubject(), bytes("{\"seq\":1}"));
            Message none = sub.nextMessage(TIMEOUT);
            assertThat(none).isNotNull();
            assertThat(none.getStatus().getCode()).isEqualTo(503);
        }
    }

    private static List<Message> batch(Connection nc, String stream, String request) throws Exception {
        Subscription sub = nc.subscribe(nc.createInbox());
        nc.publish("$JS.API.DIRECT.GET." + stream, sub.getSubject(), bytes(request));
        List<Message> got = new ArrayList<>();
        while (true) {
            Message m = sub.nextMessage(TIMEOUT);
            assertThat(m).as("a direct get answer to %s", request).isNotNull();
            got.add(m);
            if (m.isStatusMessage()) {
                sub.unsubscribe();
                return got;
            }
        }
    }
}
