package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.External;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.Mirror;
import io.nats.client.api.MirrorInfo;
import io.nats.client.api.Source;
import io.nats.client.api.SourceInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mirrors and sources in one account of streams in another, through imports, as nats-server's
 * {@code TestJetStreamClusterCrossAccountMirrorsAndSources} configures them: account A exports its consumer API,
 * the deliver subjects and flow control; account B imports them ({@code $JS.API.CONSUMER.>} as
 * {@code JPFX.CONSUMER.>}, {@code DPFX.>} unchanged) and sets {@code external: {api: JPFX, deliver: DPFX}};
 * account C imports nothing.
 */
class CrossAccountSourcingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final External EXTERNAL = External.builder().api("JPFX").deliver("DPFX").build();

    @TempDir
    Path dir;

    private TestServer server() throws Exception {
        Path conf = dir.resolve("accounts.conf");
        Files.writeString(conf, """
                jetstream { store_dir: "%s" }
                accounts {
                  A {
                    jetstream: enabled
                    users: [ { user: a, password: a } ]
                    exports: [
                      { service: "$JS.API.CONSUMER.>" }
                      { stream: "DPFX.>" }
                      { service: "$JS.FC.>" }
                    ]
                  }
                  B {
                    jetstream: enabled
                    users: [ { user: b, password: b } ]
                    imports: [
                      { service: { account: A, subject: "$JS.API.CONSUMER.>" }, to: "JPFX.CONSUMER.>" }
                      { stream: { account: A, subject: "DPFX.>" } }
                      { service: { account: A, subject: "$JS.FC.>" } }
                    ]
                  }
                  C {
                    jetstream: enabled
                    users: [ { user: c, password: c } ]
                  }
                }
                """.formatted(dir.resolve("js").toString().replace("\\", "/")));
        return TestServer.fromConfig(conf);
    }

    private static void publish(JetStream js, String subject, int from, int to) throws Exception {
        for (int i = from; i <= to; i++) {
            js.publish(subject + "." + i, bytes("m" + i));
        }
    }

    private static void awaitCount(JetStreamManagement jsm, String stream, long count) {
        await().atMost(TIMEOUT).until(() -> jsm.getStreamInfo(stream).getStreamState().getMsgCount() == count);
    }

    private static String rawInfo(Connection nc, String stream) throws Exception {
        Message reply = nc.request("$JS.API.STREAM.INFO." + stream, null, TIMEOUT);
        return new String(reply.getData(), StandardCharsets.UTF_8);
    }

    @Test
    void mirrorAndSourcesReadAnotherAccountsStreamThroughItsImports() throws Exception {
        try (TestServer server = server(); Connection a = connect(server, "a"); Connection b = connect(server, "b")) {
            JetStreamManagement jsmA = a.jetStreamManagement();
            JetStream jsA = a.jetStream();
            jsmA.addStream(StreamConfiguration.builder().name("O").subjects("o.>").storageType(StorageType.Memory)
                    .build());
            publish(jsA, "o.x", 1, 3);
            publish(jsA, "o.y", 4, 5);
            jsmA.deleteMessage("O", 2);

            JetStreamManagement jsmB = b.jetStreamManagement();
            jsmB.addStream(StreamConfiguration.builder().name("M").storageType(StorageType.Memory)
                    .mirror(Mirror.builder().sourceName("O").external(EXTERNAL).build()).build());
            jsmB.addStream(StreamConfiguration.builder().name("S").storageType(StorageType.Memory)
                    .sources(Source.builder().sourceName("O").external(EXTERNAL).build()).build());
            jsmB.addStream(StreamConfiguration.builder().name("F").storageType(StorageType.Memory)
                    .sources(Source.builder().sourceName("O").external(EXTERNAL).filterSubject("o.y.>")
                            .startSeq(5).build()).build());
            awaitCount(jsmB, "M", 4);
            awaitCount(jsmB, "S", 4);
            awaitCount(jsmB, "F", 1);

            // The mirror keeps the origin's sequences (the deleted one is a gap), subjects, data and times.
            StreamInfo m = jsmB.getStreamInfo("M");
            assertThat(m.getStreamState().getLastSequence()).isEqualTo(5);
            for (long seq : new long[] {1, 3, 5}) {
                MessageInfo copy = jsmB.getMessage("M", seq);
                MessageInfo original = jsmA.getMessage("O", seq);
                assertThat(copy.getSubject()).isEqualTo(original.getSubject());
                assertThat(copy.getData()).isEqualTo(original.getData());
                assertThat(copy.getTime()).isEqualTo(original.getTime());
            }
            // Sources number their own and name the origin (with the hash of the API prefix) and its sequence.
            String origin = "O:" + SourceHeader.hash("JPFX");
            assertThat(jsmB.getMessage("S", 2).getHeaders().getFirst("Nats-Stream-Source"))
                    .isEqualTo(origin + " 3 > >");
            assertThat(jsmB.getMessage("S", 2).getData()).isEqualTo(bytes("m3"));
            assertThat(jsmB.getMessage("F", 1).getSubject()).isEqualTo("o.y.5");
            assertThat(jsmB.getMessage("F", 1).getHeaders().getFirst("Nats-Stream-Source"))
                    .isEqualTo(origin + " 5 o.y.> >");

            // What is published later follows.
            publish(jsA, "o.y", 6, 8);
            awaitCount(jsmB, "M", 7);
            awaitCount(jsmB, "S", 7);
            awaitCount(jsmB, "F", 4);
            assertThat(jsmB.getStreamInfo("M").getStreamState().getLastSequence()).isEqualTo(8);

            MirrorInfo mi = jsmB.getStreamInfo("M").getMirrorInfo();
            assertThat(mi.getName()).isEqualTo("O");
            assertThat(mi.getExternal().getApi()).isEqualTo("JPFX");
            assertThat(mi.getExternal().getDeliver()).isEqualTo("DPFX");
            assertThat(mi.getError()).isNull();
            assertThat(mi.getLag()).isZero();
            // Time since the origin was last heard from: recent, though a busy machine may stall a few seconds.
            assertThat(mi.getActive()).isBetween(Duration.ZERO, Duration.ofSeconds(10));
            SourceInfo si = jsmB.getStreamInfo("F").getSourceInfos().get(0);
            assertThat(si.getExternal().getApi()).isEqualTo("JPFX");
            assertThat(si.getError()).isNull();
            assertThat(rawInfo(b, "F")).contains("\"filter_subject\":\"o.y.\\u003e\"");
            assertThat(rawInfo(b, "M")).contains("\"mirror\":{\"name\":\"O\",\"external\":{\"api\":\"JPFX\","
                    + "\"deliver\":\"DPFX\"},\"lag\":0,\"active\":");

            // The origin's account does not see the direct consumers the copies read through, as in nats-server:
            // not in consumer names or lists, not in the stream's or the account's consumer counts.
            assertThat(jsmA.getConsumerNames("O")).isEmpty();
            assertThat(jsmA.getConsumers("O")).isEmpty();
            assertThat(jsmA.getStreamInfo("O").getStreamState().getConsumerCount()).isZero();
            assertThat(jsmA.getAccountStatistics().getConsumers()).isZero();
        }
    }

    @Test
    void backlogsLargerThanTheFlowControlWindowArriveWhole() throws Exception {
        int count = 3000;
        byte[] data = new byte[1024];
        try (TestServer server = server(); Connection a = connect(server, "a"); Connection b = connect(server, "b")) {
            a.jetStreamManagement().addStream(StreamConfiguration.builder().name("O").subjects("o.>")
                    .storageType(StorageType.Memory).build());
            JetStream jsA = a.jetStream();
            for (int i = 1; i <= count; i++) {
                jsA.publishAsync("o." + (i % 10), data);
            }
            a.flush(TIMEOUT);
            await().atMost(TIMEOUT).until(() ->
                    a.jetStreamManagement().getStreamInfo("O").getStreamState().getMsgCount() == count);
            JetStreamManagement jsmB = b.jetStreamManagement();
            jsmB.addStream(StreamConfiguration.builder().name("M").storageType(StorageType.Memory)
                    .mirror(Mirror.builder().sourceName("O").external(EXTERNAL).build()).build());
            jsmB.addStream(StreamConfiguration.builder().name("S").storageType(StorageType.Memory)
                    .sources(Source.builder().sourceName("O").external(EXTERNAL).build()).build());
            awaitCount(jsmB, "M", count);
            awaitCount(jsmB, "S", count);
            assertThat(jsmB.getStreamInfo("M").getMirrorInfo().getLag()).isZero();
            assertThat(jsmB.getStreamInfo("S").getSourceInfos().get(0).getError()).isNull();
        }
    }

    @Test
    void fileStreamsResumeAfterARestartWithoutCopyingTwice() throws Exception {
        StreamConfiguration o = StreamConfiguration.builder().name("O").subjects("o.>").storageType(StorageType.File)
                .build();
        try (TestServer server = server(); Connection a = connect(server, "a"); Connection b = connect(server, "b")) {
            a.jetStreamManagement().addStream(o);
            publish(a.jetStream(), "o", 1, 3);
            JetStreamManagement jsmB = b.jetStreamManagement();
            jsmB.addStream(StreamConfiguration.builder().name("M").storageType(StorageType.File)
                    .mirror(Mirror.builder().sourceName("O").external(EXTERNAL).build()).build());
            jsmB.addStream(StreamConfiguration.builder().name("S").storageType(StorageType.File)
                    .sources(Source.builder().sourceName("O").external(EXTERNAL).build()).build());
            awaitCount(jsmB, "M", 3);
            awaitCount(jsmB, "S", 3);
        }
        try (TestServer server = server(); Connection a = connect(server, "a"); Connection b = connect(server, "b")) {
            publish(a.jetStream(), "o", 4, 5);
            JetStreamManagement jsmB = b.jetStreamManagement();
            awaitCount(jsmB, "M", 5);
            awaitCount(jsmB, "S", 5);
            assertThat(jsmB.getMessage("S", 4).getHeaders().getFirst("Nats-Stream-Source"))
                    .isEqualTo("O:" + SourceHeader.hash("JPFX") + " 4 > >");
            assertThat(jsmB.getStreamInfo("M").getStreamState().getLastSequence()).isEqualTo(5);
        }
    }

    @Test
    void originDeletedReportsAnErrorAndIsReadAgainWhenCreatedAgain() throws Exception {
        try (TestServer server = server(); Connection a = connect(server, "a"); Connection b = connect(server, "b")) {
            JetStreamManagement jsmA = a.jetStreamManagement();
            JetStream jsA = a.jetStream();
            StreamConfiguration o = StreamConfiguration.builder().name("O").subjects("o.>")
                    .storageType(StorageType.Memory).build();
            jsmA.addStream(o);
            publish(jsA, "o", 1, 2);
            JetStreamManagement jsmB = b.jetStreamManagement();
            jsmB.addStream(StreamConfiguration.builder().name("M").storageType(StorageType.Memory)
                    .mirror(Mirror.builder().sourceName("O").external(EXTERNAL).build()).build());
            jsmB.addStream(StreamConfiguration.builder().name("S").storageType(StorageType.Memory)
                    .sources(Source.builder().sourceName("O").external(EXTERNAL).build()).build());
            awaitCount(jsmB, "M", 2);
            awaitCount(jsmB, "S", 2);

            jsmA.deleteStream("O");
            await().atMost(TIMEOUT).until(() -> jsmB.getStreamInfo("M").getMirrorInfo().getError() != null);
            assertThat(jsmB.getStreamInfo("M").getMirrorInfo().getError().getApiErrorCode()).isEqualTo(10059);
            await().atMost(TIMEOUT).until(() -> jsmB.getStreamInfo("S").getSourceInfos().get(0).getError() != null);

            // Created again: read from after the last sequence taken, as nats-server does.
            jsmA.addStream(o);
            publish(jsA, "o", 1, 4);
            await().atMost(TIMEOUT).until(() -> jsmB.getStreamInfo("M").getStreamState().getLastSequence() == 4);
            awaitCount(jsmB, "S", 4);
            assertThat(jsmB.getMessage("M", 4).getData()).isEqualTo(bytes("m4"));
            assertThat(jsmB.getStreamInfo("M").getMirrorInfo().getError()).isNull();
            assertThat(jsmB.getStreamInfo("S").getSourceInfos().get(0).getError()).isNull();
        }
    }

    @Test
    void missingImportsAreReportedInTheSourceInfo() throws Exception {
        try (TestServer server = server(); Connection a = connect(server, "a"); Connection b = connect(server, "b")) {
            a.jetStreamManagement().addStream(StreamConfiguration.builder().name("O").subjects("o.>")
                    .storageType(StorageType.Memory).build());
            publish(a.jetStream(), "o", 1, 1);
            JetStreamManagement jsmB = b.jetStreamManagement();
            // No import under this API prefix: nobody takes the create request.
            jsmB.addStream(StreamConfiguration.builder().name("NOAPI").storageType(StorageType.Memory)
                    .mirror(Mirror.builder().sourceName("O")
                            .external(External.builder().api("NOPE").deliver("DPFX").build()).build()).build());
            // The API is imported but the deliver subjects are not: the consumer's messages never arrive.
            jsmB.addStream(StreamConfiguration.builder().name("NODELIVER").storageType(StorageType.Memory)
                    .sources(Source.builder().sourceName("O")
                            .external(External.builder().api("JPFX").deliver("XPFX").build()).build()).build());

            await().atMost(TIMEOUT).until(() -> jsmB.getStreamInfo("NOAPI").getMirrorInfo().getError() != null);
            MirrorInfo noApi = jsmB.getStreamInfo("NOAPI").getMirrorInfo();
            assertThat(noApi.getError().getApiErrorCode()).isEqualTo(10029);
            assertThat(noApi.getError().getDescription()).contains("NOPE.CONSUMER.CREATE.O");
            assertThat(noApi.getActive()).isEqualTo(Duration.ofNanos(-1));

            await().atMost(TIMEOUT).until(() ->
                    jsmB.getStreamInfo("NODELIVER").getSourceInfos().get(0).getError() != null);
            SourceInfo noDeliver = jsmB.getStreamInfo("NODELIVER").getSourceInfos().get(0);
            assertThat(noDeliver.getError().getApiErrorCode()).isEqualTo(10045);
            assertThat(noDeliver.getError().getDescription()).contains("XPFX");
            assertThat(jsmB.getStreamInfo("NODELIVER").getStreamState().getMsgCount()).isZero();
            assertThat(jsmB.getStreamInfo("NOAPI").getStreamState().getMsgCount()).isZero();
        }
    }

    @Test
    void deliveriesReachOnlyTheImportingAccountUnderTheDeliverSubject() throws Exception {
        try (TestServer server = server(); Connection a = connect(server, "a"); Connection b = connect(server, "b");
             Connection c = connect(server, "c")) {
            a.jetStreamManagement().addStream(StreamConfiguration.builder().name("O").subjects("o.>")
                    .storageType(StorageType.Memory).build());
            Subscription others = c.subscribe(">");
            Subscription sameSubject = b.subscribe("o.>");
            Subscription delivered = b.subscribe("DPFX.>");
            c.flush(TIMEOUT);
            b.flush(TIMEOUT);
            JetStreamManagement jsmB = b.jetStreamManagement();
            jsmB.addStream(StreamConfiguration.builder().name("M").storageType(StorageType.Memory)
                    .mirror(Mirror.builder().sourceName("O").external(EXTERNAL).build()).build());
            publish(a.jetStream(), "o", 1, 3);
            awaitCount(jsmB, "M", 3);

            // In B the deliveries go to the deliver subject only, keeping the subject they were stored under.
            Message d;
            do {
                d = delivered.nextMessage(TIMEOUT);
                assertThat(d).isNotNull();
            } while (d.getData().length == 0); // heartbeats and flow control
            assertThat(d.getSubject()).isEqualTo("o.1");
            assertThat(d.getReplyTo()).startsWith("$JS.ACK.O.");
            assertThat(sameSubject.nextMessage(Duration.ofMillis(200))).isNull();
            // C imports nothing and sees nothing of them (its own API traffic aside).
            Message seen;
            while ((seen = others.nextMessage(Duration.ofMillis(200))) != null) {
                assertThat(seen.getSubject()).doesNotStartWith("o.").doesNotStartWith("DPFX");
            }
        }
    }
}
