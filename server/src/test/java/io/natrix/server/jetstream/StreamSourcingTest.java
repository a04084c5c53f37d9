package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.External;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.Mirror;
import io.nats.client.api.MirrorInfo;
import io.nats.client.api.Source;
import io.nats.client.api.SourceInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.SubjectTransform;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mirrors and sources end to end with jnats: what is copied (sequences, subjects, headers, times), where copying
 * starts, what stream info reports, restarts on the file store, origins that come late or go, and configurations
 * nats-server refuses.
 */
class StreamSourcingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestServer server() {
        return jetStreamServer(dir.resolve("js"));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static StreamInfo origin(JetStreamManagement jsm, String name, String subjects, StorageType storage)
            throws Exception {
        return jsm.addStream(StreamConfiguration.builder().name(name).subjects(subjects).storageType(storage)
                .build());
    }

    private static void awaitLastSeq(JetStreamManagement jsm, String stream, long seq) {
        await().atMost(TIMEOUT).until(() -> jsm.getStreamInfo(stream).getStreamState().getLastSequence() == seq);
    }

    private static void awaitCount(JetStreamManagement jsm, String stream, long count) {
        await().atMost(TIMEOUT).until(() -> jsm.getStreamInfo(stream).getStreamState().getMsgCount() == count);
    }

    private static String rawInfo(Connection nc, String stream) throws Exception {
        Message reply = nc.request("$JS.API.STREAM.INFO." + stream, null, TIMEOUT);
        return text(reply.getData());
    }

    private static long apiErrorCode(Throwable e) {
        return ((JetStreamApiException) e).getApiErrorCode();
    }

    // ---------------------------------------------------------------- mirrors

    @Test
    void mirrorKeepsOriginSequencesGapsAndTimesAndStaysInSync() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();
            origin(jsm, "O", "o.>", StorageType.Memory);
            for (int i = 1; i <= 10; i++) {
                Headers h = new Headers().add("k", "v" + i);
                js.publish(NatsMessage.builder().subject("o." + i).headers(h).data(bytes("m" + i)).build());
            }
            jsm.deleteMessage("O", 4);
            jsm.deleteMessage("O", 5);
            jsm.addStream(StreamConfiguration.builder().name("M").mirror(Mirror.builder().sourceName("O").build())
                    .storageType(StorageType.Memory).build());
            awaitLastSeq(jsm, "M", 10);

            StreamInfo m = jsm.getStreamInfo("M");
            assertThat(m.getStreamState().getMsgCount()).isEqualTo(8);
            assertThat(m.getStreamState().getFirstSequence()).isEqualTo(1);
            for (long seq : new long[] {1, 3, 6, 10}) {
                MessageInfo copy = jsm.getMessage("M", seq);
                MessageInfo original = jsm.getMessage("O", seq);
                assertThat(copy.getSubject()).isEqualTo(original.getSubject());
                assertThat(copy.getData()).isEqualTo(original.getData());
                assertThat(copy.getHeaders().getFirst("k")).isEqualTo("v" + seq);
                assertThat(copy.getTime()).isEqualTo(original.getTime());
                assertThat(copy.getHeaders().get("Nats-Stream-Source")).isNull();
            }
            assertThatThrownBy(() -> jsm.getMessage("M", 4)).isInstanceOf(JetStreamApiException.class);

            // New messages follow, expectation headers are not kept (they are the publisher's, checked once).
            js.publish(NatsMessage.builder().subject("o.11").data(bytes("m11"))
                    .headers(new Headers().add("Nats-Expected-Last-Sequence", "10")).build());
            awaitLastSeq(jsm, "M", 11);
            assertThat(jsm.getMessage("M", 11).getHeaders()).satisfiesAnyOf(
                    h -> assertThat(h).isNull(), h -> assertThat(h.get("Nats-Expected-Last-Sequence")).isNull());

            MirrorInfo info = jsm.getStreamInfo("M").getMirrorInfo();
            assertThat(info.getName()).isEqualTo("O");
            assertThat(info.getLag()).isZero();
            assertThat(info.getError()).isNull();
            assertThat(info.getActive().toNanos()).isBetween(0L, Duration.ofSeconds(5).toNanos());
            assertThat(m.getConfiguration().getSubjects()).isEmpty();
        }
    }

    @Test
    void mirrorStartsAtSequenceOrTimeAndTakesFilteredOrTransformedSubjects() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();
            origin(jsm, "O", "o.>", StorageType.Memory);
            for (int i = 1; i <= 6; i++) {
                js.publish("o." + (i % 2 == 0 ? "even" : "odd") + "." + i, bytes("m" + i));
            }
            ZonedDateTime afterSix = jsm.getMessage("O", 6).getTime().plusNanos(1);
            await().atMost(TIMEOUT).until(() -> ZonedDateTime.now().isAfter(afterSix));
            for (int i = 7; i <= 8; i++) {
                js.publish("o." + (i % 2 == 0 ? "even" : "odd") + "." + i, bytes("m" + i));
            }

            jsm.addStream(StreamConfiguration.builder().name("FROM4").storageType(StorageType.Memory)
                    .mirror(Mirror.builder().sourceName("O").startSeq(4).build()).build());
            awaitLastSeq(jsm, "FROM4", 8);
            StreamInfo from4 = jsm.getStreamInfo("FROM4");
            assertThat(from4.getStreamState().getFirstSequence()).isEqualTo(4);
            assertThat(from4.getStreamState().getMsgCount()).isEqualTo(5);

            jsm.addStream(StreamConfiguration.builder().name("LATE").storageType(StorageType.Memory)
                    .mirror(Mirror.builder().sourceName("O").startTime(afterSix).build()).build());
            awaitLastSeq(jsm, "LATE", 8);
            assertThat(jsm.getStreamInfo("LATE").getStreamState().getFirstSequence()).isEqualTo(7);

            jsm.addStream(StreamConfiguration.builder().name("EVEN").storageType(StorageType.Memory)
                    .mirror(Mirror.builder().sourceName("O").filterSubject("o.even.*").build()).build());
            awaitLastSeq(jsm, "EVEN", 8);
            StreamInfo even = jsm.getStreamInfo("EVEN");
            assertThat(even.getStreamState().getMsgCount()).isEqualTo(4);
            assertThat(jsm.getMessage("EVEN", 2).getSubject()).isEqualTo("o.even.2");
            assertThat(rawInfo(nc, "EVEN")).contains("\"mirror\":{\"name\":\"O\",\"lag\":0,")
                    .contains("\"filter_subject\":\"o.even.*\"");

            jsm.addStream(StreamConfiguration.builder().name("MAPPED").storageType(StorageType.Memory)
                    .mirror(Mirror.builder().sourceName("O").subjectTransforms(
                            SubjectTransform.builder().source("o.odd.*").destination("odd.$1").build(),
                            SubjectTransform.builder().source("o.even.*").destination("even.$1").build()).build())
                    .build());
            awaitLastSeq(jsm, "MAPPED", 8);
            assertThat(jsm.getMessage("MAPPED", 1).getSubject()).isEqualTo("odd.1");
            assertThat(jsm.getMessage("MAPPED", 8).getSubject()).isEqualTo("even.8");
            MirrorInfo mapped = jsm.getStreamInfo("MAPPED").getMirrorInfo();
            assertThat(mapped.getSubjectTransforms()).hasSize(2);
            assertThat(mapped.getSubjectTransforms().get(0).getDestination()).isEqualTo("odd.$1");
        }
    }

    @Test
    void mirrorOfAnOriginCreatedLaterStartsWhenItAppearsAndReportsItsDeletion() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("M").storageType(StorageType.Memory)
                    .mirror(Mirror.builder().sourceName("LATER").build()).build());
            await().atMost(TIMEOUT).until(() -> jsm.getStreamInfo("M").getMirrorInfo().getError() != null);
            MirrorInfo waiting = jsm.getStreamInfo("M").getMirrorInfo();
            assertThat(waiting.getError().getApiErrorCode()).isEqualTo(10059);
            assertThat(waiting.getActive()).isEqualTo(Duration.ofNanos(-1));
            assertThat(rawInfo(nc, "M")).contains("\"active\":-1");

            origin(jsm, "LATER", "later", StorageType.Memory);
            nc.jetStream().publish("later", bytes("x"));
            awaitLastSeq(jsm, "M", 1);
            await().atMost(TIMEOUT).until(() -> jsm.getStreamInfo("M").getMirrorInfo().getError() == null);

            jsm.deleteStream("LATER");
            await().atMost(TIMEOUT).until(() -> jsm.getStreamInfo("M").getMirrorInfo().getError() != null);
            assertThat(jsm.getStreamInfo("M").getMirrorInfo().getError().getApiErrorCode()).isEqualTo(10059);
            assertThat(jsm.getStreamInfo("M").getStreamState().getMsgCount()).isEqualTo(1);

            // Recreated: the mirror takes it up again where it was.
            origin(jsm, "LATER", "later", StorageType.Memory);
            nc.jetStream().publish("later", bytes("y"));
            nc.jetStream().publish("later", bytes("z"));
            awaitLastSeq(jsm, "M", 2);
            assertThat(text(jsm.getMessage("M", 2).getData())).isEqualTo("z");
        }
    }

    @Test
    void mirrorResumesAfterARestartOnTheFileStoreWithoutDuplicatesOrGaps() throws Exception {
        int total = 2000;
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            origin(jsm, "O", "o.>", StorageType.File);
            jsm.addStream(StreamConfiguration.builder().name("M").storageType(StorageType.File)
                    .mirror(Mirror.builder().sourceName("O").build()).build());
            publishAll(nc.jetStream(), "o.", total);
            // Closed at once: the mirror may be anywhere in its copying.
        }
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            nc.jetStream().publish("o.after", bytes("after"));
            awaitLastSeq(jsm, "M", total + 1);
            assertThat(jsm.getStreamInfo("M").getStreamState().getMsgCount()).isEqualTo(total + 1);
            for (long seq : new long[] {1, total / 2, total, total + 1}) {
                assertThat(jsm.getMessage("M", seq).getData()).isEqualTo(jsm.getMessage("O", seq).getData());
            }
        }
    }

    private static void publishAll(JetStream js, String prefix, int count) throws Exception {
        List<CompletableFuture<io.nats.client.api.PublishAck>> acks = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            acks.add(js.publishAsync(prefix + (i % 7), bytes(Integer.toString(i))));
        }
        for (CompletableFuture<io.nats.client.api.PublishAck> a : acks) {
            a.get();
        }
    }

    // ---------------------------------------------------------------- sources

    @Test
    void sourcesAppendWithTheSourceHeaderFiltersAndTransforms() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();
            origin(jsm, "A", "a.>", StorageType.Memory);
            origin(jsm, "B", "b.>", StorageType.Memory);
            js.publish("a.1", bytes("a1"));
            js.publish("b.x", bytes("bx"));
            js.publish("b.y", bytes("by"));
            jsm.addStream(StreamConfiguration.builder().name("S").storageType(StorageType.Memory).subjects("s")
                    .sources(Source.builder().sourceName("A").build(),
                            Source.builder().sourceName("B").filterSubject("b.y").build(),
                            Source.builder().sourceName("B").subjectTransforms(SubjectTransform.builder()
                                    .source("b.x").destination("mapped.x").build()).build())
                    .build());
            awaitCount(jsm, "S", 3);
            js.publish("s", bytes("own"));
            js.publish("a.2", bytes("a2"));
            awaitCount(jsm, "S", 5);

            List<String> headers = new ArrayList<>();
            List<String> subjects = new ArrayList<>();
            for (long seq = 1; seq <= 5; seq++) {
                MessageInfo m = jsm.getMessage("S", seq);
                subjects.add(m.getSubject());
                headers.add(m.getHeaders() == null ? null : m.getHeaders().getFirst("Nats-Stream-Source"));
            }
            assertThat(subjects).contains("a.1", "b.y", "mapped.x", "s", "a.2");
            assertThat(headers).contains("A 1 > >", "B 2 b.y >", "B 1 b.x mapped.x", "A 2 > >");
            assertThat(headers.get(subjects.indexOf("s"))).isNull();

            StreamInfo info = jsm.getStreamInfo("S");
            assertThat(info.getSourceInfos()).extracting(SourceInfo::getName).containsExactly("A", "B", "B");
            assertThat(info.getSourceInfos()).allSatisfy(s -> {
                assertThat(s.getLag()).isZero();
                assertThat(s.getError()).isNull();
                assertThat(s.getActive().toNanos()).isNotNegative();
            });
            assertThat(rawInfo(nc, "S")).contains("{\"name\":\"B\",\"lag\":0,")
                    .contains("\"filter_subject\":\"b.y\"")
                    .contains("\"subject_transforms\":[{\"src\":\"b.x\",\"dest\":\"mapped.x\"}]");
        }
    }

    @Test
    void sourcesStartAtSequenceOrTimeAndDropExpectationsButKeepDeduplication() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();
            origin(jsm, "O", "o", StorageType.Memory);
            for (int i = 1; i <= 4; i++) {
                js.publish("o", bytes("m" + i));
            }
            ZonedDateTime afterFour = jsm.getMessage("O", 4).getTime().plusNanos(1);
            await().atMost(TIMEOUT).until(() -> ZonedDateTime.now().isAfter(afterFour));
            js.publish(NatsMessage.builder().subject("o").data(bytes("m5"))
                    .headers(new Headers().add("Nats-Msg-Id", "same").add("Nats-Expected-Stream", "O")).build());
            js.publish(NatsMessage.builder().subject("o").data(bytes("m6"))
                    .headers(new Headers().add("Nats-Msg-Id", "same")).build()); // a duplicate: not stored in O

            jsm.addStream(StreamConfiguration.builder().name("BYSEQ").storageType(StorageType.Memory)
                    .sources(Source.builder().sourceName("O").startSeq(3).build()).build());
            awaitCount(jsm, "BYSEQ", 3);
            assertThat(text(jsm.getMessage("BYSEQ", 1).getData())).isEqualTo("m3");
            MessageInfo copied = jsm.getMessage("BYSEQ", 3);
            assertThat(copied.getHeaders().get("Nats-Expected-Stream")).isNull();
            assertThat(copied.getHeaders().getFirst("Nats-Msg-Id")).isEqualTo("same");

            jsm.addStream(StreamConfiguration.builder().name("BYTIME").storageType(StorageType.Memory)
                    .sources(Source.builder().sourceName("O").startTime(afterFour).build()).build());
            awaitCount(jsm, "BYTIME", 1);
            assertThat(text(jsm.getMessage("BYTIME", 1).getData())).isEqualTo("m5");

            // The sourcing stream deduplicates what it takes as a publish would: an id seen again is dropped.
            jsm.addStream(StreamConfiguration.builder().name("O2").subjects("o2").storageType(StorageType.Memory)
                    .build());
            js.publish(NatsMessage.builder().subject("o2").data(bytes("again"))
                    .headers(new Headers().add("Nats-Msg-Id", "same")).build());
            jsm.updateStream(StreamConfiguration.builder(jsm.getStreamInfo("BYSEQ").getConfiguration())
                    .sources(Source.builder().sourceName("O").startSeq(3).build(),
                            Source.builder().sourceName("O2").build()).build());
            await().atMost(TIMEOUT).until(() -> jsm.getStreamInfo("BYSEQ").getSourceInfos().size() == 2
                    && jsm.getStreamInfo("BYSEQ").getSourceInfos().get(1).getActive().toNanos() >= 0);
            assertThat(jsm.getStreamInfo("BYSEQ").getStreamState().getMsgCount()).isEqualTo(3);
        }
    }

    @Test
    void sourcesResumeAfterARestartOnTheFileStoreWithoutDuplicatesOrGaps() throws Exception {
        int total = 600;
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            origin(jsm, "O", "o.>", StorageType.File);
            origin(jsm, "P", "p.>", StorageType.File);
            jsm.addStream(StreamConfiguration.builder().name("S").storageType(StorageType.File)
                    .sources(Source.builder().sourceName("O").build(),
                            Source.builder().sourceName("P").filterSubject("p.1").build()).build());
            publishAll(nc.jetStream(), "o.", total);
            publishAll(nc.jetStream(), "p.", 70);
            // Closed at once: the sources may be anywhere in their copying.
        }
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            nc.jetStream().publish("o.after", bytes("after"));
            long fromP = 10; // p.1 of 70 messages on p.0..p.6
            awaitCount(jsm, "S", total + 1 + fromP);
            List<Long> fromO = new ArrayList<>();
            List<Long> fromPSeqs = new ArrayList<>();
            for (long seq = 1; seq <= total + 1 + fromP; seq++) {
                String h = jsm.getMessage("S", seq).getHeaders().getFirst("Nats-Stream-Source");
                String[] f = h.split(" ");
                (f[0].equals("O") ? fromO : fromPSeqs).add(Long.parseLong(f[1]));
            }
            List<Long> expected = new ArrayList<>();
            for (long i = 1; i <= total + 1; i++) {
                expected.add(i);
            }
            assertThat(fromO).containsExactlyElementsOf(expected);
            assertThat(fromPSeqs).hasSize((int) fromP).isSorted().doesNotHaveDuplicates();
            assertThat(jsm.getStreamInfo("S").getSourceInfos()).allSatisfy(s -> assertThat(s.getLag()).isZero());
        }
    }

    @Test
    void aSourceThatCanNotStoreWaitsAndReportsItsLag() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            origin(jsm, "O", "o", StorageType.Memory);
            for (int i = 0; i < 10; i++) {
                nc.jetStream().publish("o", bytes("m" + i));
            }
            jsm.addStream(StreamConfiguration.builder().name("Q").storageType(StorageType.Memory).maxMessages(3)
                    .discardPolicy(DiscardPolicy.New).sources(Source.builder().sourceName("O").build()).build());
            awaitCount(jsm, "Q", 3);
            await().atMost(TIMEOUT).until(() -> jsm.getStreamInfo("Q").getSourceInfos().get(0).getLag() == 7);

            jsm.purgeStream("Q");
            awaitCount(jsm, "Q", 3);
            assertThat(text(jsm.getMessage("Q", 4).getData())).isEqualTo("m3");
            await().atMost(TIMEOUT).until(() -> jsm.getStreamInfo("Q").getSourceInfos().get(0).getLag() == 4);
        }
    }

    @Test
    void externalOriginsAreReadWhenTheyAreThisAccountsApiAndReportedOtherwise() throws Exception {
        Path conf = dir.resolve("hub.conf");
        Files.writeString(conf, "jetstream { store_dir: \"" + dir.resolve("js") + "\", domain: hub }\n");
        try (TestServer server = TestServer.fromConfig(conf); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            origin(jsm, "O", "o", StorageType.Memory);
            nc.jetStream().publish("o", bytes("x"));
            jsm.addStream(StreamConfiguration.builder().name("HERE").storageType(StorageType.Memory)
                    .sources(Source.builder().sourceName("O").external(External.builder().api("$JS.hub.API")
                            .deliver("").build()).build()).build());
            jsm.addStream(StreamConfiguration.builder().name("AWAY").storageType(StorageType.Memory)
                    .mirror(Mirror.builder().sourceName("O").external(External.builder().api("$JS.leaf.API")
                            .deliver("").build()).build()).build());
            awaitCount(jsm, "HERE", 1);
            String hash = SourceHeader.hash("$JS.hub.API");
            assertThat(jsm.getMessage("HERE", 1).getHeaders().getFirst("Nats-Stream-Source"))
                    .isEqualTo("O:" + hash + " 1 > >");
            assertThat(jsm.getStreamInfo("HERE").getSourceInfos().get(0).getExternal().getApi())
                    .isEqualTo("$JS.hub.API");

            await().atMost(TIMEOUT).until(() -> jsm.getStreamInfo("AWAY").getMirrorInfo().getError() != null);
            MirrorInfo away = jsm.getStreamInfo("AWAY").getMirrorInfo();
            assertThat(away.getError().getApiErrorCode()).isEqualTo(10029);
            assertThat(away.getActive()).isEqualTo(Duration.ofNanos(-1));
            assertThat(jsm.getStreamInfo("AWAY").getStreamState().getMsgCount()).isZero();
        }
    }

    // ---------------------------------------------------------------- hostile configurations

    @Test
    void configurationsNatsServerRefusesAreRefused() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertThatThrownBy(() -> jsm.addStream(StreamConfiguration.builder().name("SELF")
                    .storageType(StorageType.Memory).mirror(Mirror.builder().sourceName("SELF").build()).build()))
                    .satisfies(e -> assertThat(apiErrorCode(e)).isEqualTo(10052))
                    .hasMessageContaining("detected cycle");
            assertThatThrownBy(() -> jsm.addStream(StreamConfiguration.builder().name("SELF")
                    .storageType(StorageType.Memory).sources(Source.builder().sourceName("SELF").build()).build()))
                    .satisfies(e -> assertThat(apiErrorCode(e)).isEqualTo(10052))
                    .hasMessageContaining("detected cycle");

            origin(jsm, "O", "o", StorageType.Memory);
            assertThatThrownBy(() -> jsm.addStream(StreamConfiguration.builder().name("M").subjects("m")
                    .storageType(StorageType.Memory).mirror(Mirror.builder().sourceName("O").build()).build()))
                    .satisfies(e -> assertThat(apiErrorCode(e)).isEqualTo(10034));
            assertThatThrownBy(() -> jsm.addStream(StreamConfiguration.builder().name("M")
                    .storageType(StorageType.Memory).mirror(Mirror.builder().sourceName("O").build())
                    .sources(Source.builder().sourceName("O").build()).build()))
                    .satisfies(e -> assertThat(apiErrorCode(e)).isEqualTo(10031));

            // A cycle through sources: A takes from B, then B may not take A's subjects from A.
            jsm.addStream(StreamConfiguration.builder().name("A").subjects("a").storageType(StorageType.Memory)
                    .sources(Source.builder().sourceName("B").build()).build());
            assertThatThrownBy(() -> jsm.addStream(StreamConfiguration.builder().name("B").subjects("b")
                    .storageType(StorageType.Memory).sources(Source.builder().sourceName("A").build()).build()))
                    .satisfies(e -> assertThat(apiErrorCode(e)).isEqualTo(10052))
                    .hasMessageContaining("detected cycle");
            // Through a mirror as well.
            jsm.addStream(StreamConfiguration.builder().name("MA").storageType(StorageType.Memory)
                    .mirror(Mirror.builder().sourceName("A").build()).build());
            assertThatThrownBy(() -> jsm.addStream(StreamConfiguration.builder().name("B").subjects("b")
                    .storageType(StorageType.Memory).sources(Source.builder().sourceName("MA").build()).build()))
                    .satisfies(e -> assertThat(apiErrorCode(e)).isEqualTo(10052));

            // A mirror's origin can not change; a normal stream can not become a mirror.
            StreamConfiguration ma = jsm.getStreamInfo("MA").getConfiguration();
            assertThatThrownBy(() -> jsm.updateStream(StreamConfiguration.builder(ma)
                    .mirror(Mirror.builder().sourceName("O").build()).build()))
                    .satisfies(e -> assertThat(apiErrorCode(e)).isEqualTo(10055));
            StreamConfiguration o = jsm.getStreamInfo("O").getConfiguration();
            assertThatThrownBy(() -> jsm.updateStream(StreamConfiguration.builder(o).subjects()
                    .mirror(Mirror.builder().sourceName("A").build()).build()))
                    .satisfies(e -> assertThat(apiErrorCode(e)).isIn(10034L, 10055L));

            // Publishing to a mirror is not possible: it has no subjects, so nothing lands in it.
            nc.jetStream().publish("a", bytes("to A"));
            awaitLastSeq(jsm, "MA", 1);
            assertThat(jsm.getStreamInfo("MA").getStreamState().getMsgCount()).isEqualTo(1);
        }
    }

    @Test
    void aMirrorPromotedByRemovingItsMirrorTakesPublishes() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            origin(jsm, "O", "o", StorageType.Memory);
            nc.jetStream().publish("o", bytes("1"));
            jsm.addStream(StreamConfiguration.builder().name("M").storageType(StorageType.Memory)
                    .mirror(Mirror.builder().sourceName("O").build()).build());
            awaitLastSeq(jsm, "M", 1);
            jsm.deleteStream("O");
            StreamConfiguration promoted = StreamConfiguration.builder(jsm.getStreamInfo("M").getConfiguration())
                    .mirror(null).subjects("o").build();
            StreamInfo after = jsm.updateStream(promoted);
            assertThat(after.getMirrorInfo()).isNull();
            assertThat(nc.jetStream().publish("o", bytes("2")).getSeqno()).isEqualTo(2);
        }
    }
}
