package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams end to end with jnats: the JetStream management API and publishing with acknowledgements. */
class JetStreamStreamsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private TestServer server() {
        return jetStreamServer(dir.resolve("js"));
    }

    @Test
    void createPublishAndReadBack() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            StreamInfo created = jsm.addStream(StreamConfiguration.builder().name("ORDERS")
                    .subjects("orders.>").storageType(StorageType.File).build());
            assertThat(created.getConfiguration().getName()).isEqualTo("ORDERS");
            assertThat(created.getStreamState().getMsgCount()).isZero();

            JetStream js = nc.jetStream();
            PublishAck a1 = js.publish("orders.new", bytes("one"));
            PublishAck a2 = js.publish("orders.paid", bytes("two"));
            assertThat(a1.getStream()).isEqualTo("ORDERS");
            assertThat(a1.getSeqno()).isEqualTo(1);
            assertThat(a2.getSeqno()).isEqualTo(2);

            StreamInfo info = jsm.getStreamInfo("ORDERS");
            assertThat(info.getStreamState().getMsgCount()).isEqualTo(2);
            assertThat(info.getStreamState().getFirstSequence()).isEqualTo(1);
            assertThat(info.getStreamState().getLastSequence()).isEqualTo(2);

            MessageInfo m = jsm.getMessage("ORDERS", 2);
            assertThat(m.getSubject()).isEqualTo("orders.paid");
            assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("two");
            MessageInfo last = jsm.getLastMessage("ORDERS", "orders.new");
            assertThat(last.getSeq()).isEqualTo(1);
            assertThat(jsm.getStreamNames()).containsExactly("ORDERS");
            assertThat(jsm.getStreams()).hasSize(1);
        }
    }

    @Test
    void responsesCarryTheAnsweringServersVersionAndLevelWhichAreNeverStored() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            StreamInfo created = jsm.addStream(StreamConfiguration.builder().name("V").subjects("v")
                    .storageType(StorageType.Memory).build());
            for (StreamInfo info : List.of(created, jsm.getStreamInfo("V"),
                    jsm.updateStream(created.getConfiguration()))) {
                assertThat(info.getConfiguration().getMetadata()).containsEntry("_nats.ver", "2.11.0")
                        .containsEntry("_nats.level", "1").containsEntry("_nats.req.level", "0");
            }
            var consumer = jsm.addOrUpdateConsumer("V", io.nats.client.api.ConsumerConfiguration.builder()
                    .durable("C").build());
            assertThat(consumer.getConsumerConfiguration().getMetadata()).containsEntry("_nats.ver", "2.11.0")
                    .containsEntry("_nats.level", "1");
            assertThat(jsm.getConsumerInfo("V", "C").getConsumerConfiguration().getMetadata())
                    .containsEntry("_nats.ver", "2.11.0");
            // Listing shows the stored configuration, as nats-server's STREAM.LIST does.
            assertThat(jsm.getStreams().getFirst().getConfiguration().getMetadata())
                    .doesNotContainKey("_nats.ver").containsEntry("_nats.req.level", "0");
        }
    }

    @Test
    void duplicatesAreAcknowledgedWithoutStoringTwice() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("D").subjects("d")
                    .storageType(StorageType.Memory).build());
            JetStream js = nc.jetStream();
            PublishOptions id = PublishOptions.builder().messageId("abc").build();
            PublishAck first = js.publish("d", bytes("x"), id);
            PublishAck again = js.publish("d", bytes("x"), id);
            assertThat(first.isDuplicate()).isFalse();
            assertThat(again.isDuplicate()).isTrue();
            assertThat(again.getSeqno()).isEqualTo(first.getSeqno());
            assertThat(nc.jetStreamManagement().getStreamInfo("D").getStreamState().getMsgCount()).isEqualTo(1);
        }
    }

    @Test
    void duplicatesAreRecognisedAcrossARestart() throws Exception {
        // nats-server rebuilds a stream's duplicate window from its messages when it loads the stream: a publisher
        // retrying after a restart must not store its message twice.
        long firstSeq;
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("DR").subjects("dr.>")
                    .storageType(StorageType.File).duplicateWindow(Duration.ofMinutes(5)).build());
            JetStream js = nc.jetStream();
            firstSeq = js.publish("dr.a", bytes("x"), PublishOptions.builder().messageId("abc").build()).getSeqno();
            js.publish("dr.b", bytes("no id"));
            js.publish("dr.c", bytes("y"), PublishOptions.builder().messageId("def").build());
        }
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStream js = nc.jetStream();
            // A publish without an id first: the window is read from the store only when an id needs it.
            assertThat(js.publish("dr.p", bytes("plain")).getSeqno()).isEqualTo(4);
            PublishAck again = js.publish("dr.a", bytes("x"), PublishOptions.builder().messageId("abc").build());
            assertThat(again.isDuplicate()).isTrue();
            assertThat(again.getSeqno()).isEqualTo(firstSeq);
            // As in nats-server, the last id is the last message's: the plain one left none.
            assertThatThrownBy(() -> js.publish("dr.f", bytes("w"), PublishOptions.builder()
                    .expectedLastMsgId("def").build())).isInstanceOfSatisfying(JetStreamApiException.class,
                            e -> assertThat(e.getApiErrorCode()).isEqualTo(10070));
            assertThat(js.publish("dr.d", bytes("z"), PublishOptions.builder().messageId("ghi").build())
                    .getSeqno()).isEqualTo(5);
            assertThat(js.publish("dr.e", bytes("v"), PublishOptions.builder().expectedLastMsgId("ghi").build())
                    .getSeqno()).isEqualTo(6);
            assertThat(nc.jetStreamManagement().getStreamInfo("DR").getStreamState().getMsgCount()).isEqualTo(6);
        }
        // Ids stored in the previous run are known at the next start too.
        try (TestServer server = server(); Connection nc = connect(server)) {
            PublishAck dup = nc.jetStream().publish("dr.d", bytes("z"), PublishOptions.builder().messageId("ghi")
                    .build());
            assertThat(dup.isDuplicate()).isTrue();
            assertThat(dup.getSeqno()).isEqualTo(5);
        }
    }

    @Test
    void aRequestInfoHeaderIsNeverStored() throws Exception {
        // Nats-Request-Info says who sent a request across an import; nats-server removes it from what a stream
        // stores, so a client cannot plant a forged identity in the log either.
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("RI").subjects("ri.>").storageType(StorageType.File)
                    .build());
            JetStream js = nc.jetStream();
            js.publish(NatsMessage.builder().subject("ri.a").data(bytes("x")).headers(new Headers()
                    .add("Nats-Request-Info", "{\"acc\":\"SYS\",\"user\":\"admin\"}").add("X-Kept", "yes"))
                    .build());
            js.publish(NatsMessage.builder().subject("ri.b").data(bytes("y")).headers(new Headers()
                    .add("Nats-Request-Info", "{\"acc\":\"SYS\"}")).build());
            MessageInfo a = jsm.getMessage("RI", 1);
            assertThat(a.getHeaders().get("Nats-Request-Info")).isNull();
            assertThat(a.getHeaders().getFirst("X-Kept")).isEqualTo("yes");
            MessageInfo b = jsm.getMessage("RI", 2);
            assertThat(b.getHeaders() == null || b.getHeaders().get("Nats-Request-Info") == null).isTrue();
        }
    }

    @Test
    void expectationsAreEnforced() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("E").subjects("e.*")
                    .storageType(StorageType.Memory).build());
            JetStream js = nc.jetStream();
            js.publish("e.a", bytes("1"));
            assertThatThrownBy(() -> js.publish("e.a", bytes("2"),
                    PublishOptions.builder().expectedLastSequence(5).build()))
                    .isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10071));
            assertThatThrownBy(() -> js.publish("e.a", bytes("2"),
                    PublishOptions.builder().expectedStream("OTHER").build()))
                    .isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10060));
            PublishAck ok = js.publish("e.a", bytes("2"), PublishOptions.builder().expectedLastSequence(1).build());
            assertThat(ok.getSeqno()).isEqualTo(2);
        }
    }

    @Test
    void limitsDiscardOldOrRefuseNew() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("OLD").subjects("old").maxMessages(3)
                    .storageType(StorageType.Memory).build());
            jsm.addStream(StreamConfiguration.builder().name("NEW").subjects("new").maxMessages(2)
                    .discardPolicy(DiscardPolicy.New).storageType(StorageType.Memory).build());
            JetStream js = nc.jetStream();
            for (int i = 0; i < 5; i++) {
                js.publish("old", bytes("m" + i));
            }
            StreamInfo old = jsm.getStreamInfo("OLD");
            assertThat(old.getStreamState().getMsgCount()).isEqualTo(3);
            assertThat(old.getStreamState().getFirstSequence()).isEqualTo(3);
            js.publish("new", bytes("1"));
            js.publish("new", bytes("2"));
            assertThatThrownBy(() -> js.publish("new", bytes("3")))
                    .isInstanceOf(JetStreamApiException.class)
                    .hasMessageContaining("maximum messages exceeded");
        }
    }

    @Test
    void purgeAndDeleteMessagesAndStreams() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("P").subjects("p.*")
                    .storageType(StorageType.File).build());
            JetStream js = nc.jetStream();
            for (int i = 0; i < 6; i++) {
                js.publish(i % 2 == 0 ? "p.even" : "p.odd", bytes("m" + i));
            }
            assertThat(jsm.deleteMessage("P", 1)).isTrue();
            assertThatThrownBy(() -> jsm.getMessage("P", 1)).isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10037));
            assertThat(jsm.purgeStream("P", io.nats.client.PurgeOptions.subject("p.odd")).getPurged())
                    .isEqualTo(3);
            StreamInfo info = jsm.getStreamInfo("P", StreamInfoOptions.filterSubjects("p.*"));
            assertThat(info.getStreamState().getMsgCount()).isEqualTo(2);
            assertThat(jsm.deleteStream("P")).isTrue();
            assertThatThrownBy(() -> jsm.getStreamInfo("P")).isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10059));
        }
    }

    @Test
    void fileStreamsSurviveARestart() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("KEEP").subjects("keep.>")
                    .storageType(StorageType.File).build());
            JetStream js = nc.jetStream();
            for (int i = 0; i < 50; i++) {
                js.publish("keep." + i, bytes("m" + i));
            }
        }
        try (TestServer server = server(); Connection nc = connect(server)) {
            StreamInfo info = nc.jetStreamManagement().getStreamInfo("KEEP");
            assertThat(info.getStreamState().getMsgCount()).isEqualTo(50);
            assertThat(new String(nc.jetStreamManagement().getMessage("KEEP", 50).getData(),
                    StandardCharsets.UTF_8)).isEqualTo("m49");
            assertThat(nc.jetStream().publish("keep.x", bytes("after")).getSeqno()).isEqualTo(51);
        }
    }

    @Test
    void aNameInUseWithAnotherConfigurationIsRefusedAndOverlapsToo() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            StreamConfiguration c = StreamConfiguration.builder().name("A").subjects("a.>")
                    .storageType(StorageType.Memory).build();
            jsm.addStream(c);
            assertThat(jsm.addStream(c).getConfiguration().getName()).isEqualTo("A"); // same config: fine
            assertThatThrownBy(() -> jsm.addStream(StreamConfiguration.builder(c).subjects("other").build()))
                    .isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10058));
            assertThatThrownBy(() -> jsm.addStream(StreamConfiguration.builder().name("B").subjects("a.b")
                    .storageType(StorageType.Memory).build()))
                    .isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10065));
        }
    }

    @Test
    void headersAndDirectGet() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("H").subjects("h.*").allowDirect(true)
                    .storageType(StorageType.Memory).build());
            nc.jetStream().publish(NatsMessage.builder().subject("h.one")
                    .headers(new Headers().add("X-Key", "v")).data(bytes("payload")).build());
            MessageInfo direct = jsm.getLastMessage("H", "h.one");
            assertThat(direct.getHeaders().getFirst("X-Key")).isEqualTo("v");
            assertThat(new String(direct.getData(), StandardCharsets.UTF_8)).isEqualTo("payload");
            assertThat(direct.getSeq()).isEqualTo(1);
        }
    }

    @Test
    void accountInfoCountsStreams() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("I").subjects("i").storageType(StorageType.Memory)
                    .build());
            nc.jetStream().publish("i", bytes("abc"));
            var info = jsm.getAccountStatistics();
            assertThat(info.getStreams()).isEqualTo(1);
            assertThat(info.getMemory()).isGreaterThan(0);
        }
    }

    @Test
    void monitoringReportsStreamsAndMessages() throws Exception {
        try (TestServer server = TestServer.start(b -> {
            b.jetstream = true;
            b.storeDir = dir.resolve("js");
            b.httpHost = "127.0.0.1";
            b.httpPort = -1;
        }); Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("M").subjects("m")
                    .storageType(StorageType.File).build());
            for (int i = 0; i < 3; i++) {
                nc.jetStream().publish("m", bytes("x"));
            }
            var http = java.net.http.HttpClient.newHttpClient();
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + server.server().httpPort() + "/jsz?accounts=1&streams=1")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            var jsz = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
            assertThat(jsz.has("disabled")).isFalse();
            assertThat(jsz.path("streams").asInt()).isEqualTo(1);
            assertThat(jsz.path("messages").asInt()).isEqualTo(3);
            assertThat(jsz.path("storage").asLong()).isGreaterThan(0);
            assertThat(jsz.path("account_details").get(0).path("stream_detail").get(0).path("state")
                    .path("messages").asInt()).isEqualTo(3);
            var varz = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                            + server.server().httpPort() + "/varz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            assertThat(varz.path("jetstream").path("stats").path("accounts").asInt()).isEqualTo(1);
            assertThat(varz.path("jetstream").path("config").path("max_storage").asLong()).isGreaterThan(0);
            var health = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + server.server().httpPort() + "/healthz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void republishAndSubjectTransform() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("R").subjects("in.*")
                    .storageType(StorageType.Memory)
                    .subjectTransform(io.nats.client.api.SubjectTransform.builder().source("in.*")
                            .destination("stored.$1").build())
                    .republish(io.nats.client.api.Republish.builder().source("stored.>").destination("out.>")
                            .build())
                    .build());
            io.nats.client.Subscription out = nc.subscribe("out.>");
            nc.flush(TIMEOUT);
            PublishAck ack = nc.jetStream().publish("in.a", bytes("payload"));
            io.nats.client.Message m = out.nextMessage(TIMEOUT);
            assertThat(m).isNotNull();
            assertThat(m.getSubject()).isEqualTo("out.a"); // ">" carries the tokens after "stored."
            assertThat(m.getHeaders().getFirst("Nats-Stream")).isEqualTo("R");
            assertThat(m.getHeaders().getFirst("Nats-Subject")).isEqualTo("stored.a");
            assertThat(m.getHeaders().getFirst("Nats-Sequence")).isEqualTo(String.valueOf(ack.getSeqno()));
            assertThat(m.getHeaders().getFirst("Nats-Last-Sequence")).isEqualTo("0");
            assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("payload");
            assertThat(nc.jetStreamManagement().getMessage("R", ack.getSeqno()).getSubject()).isEqualTo("stored.a");
        }
    }

    @Test
    void directGetBatchesAndMultiLastEndWithEob() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("B").subjects("b.*")
                    .allowDirect(true).storageType(StorageType.Memory).build());
            JetStream js = nc.jetStream();
            for (String s : List.of("b.x", "b.y", "b.x", "b.z", "b.y")) {
                js.publish(s, bytes(s));
            }
            List<io.nats.client.Message> batch = directBatch(nc, "{\"seq\":2,\"batch\":3}");
            assertThat(batch).hasSize(4);
            assertThat(batch.subList(0, 3)).extracting(m -> m.getHeaders().getFirst("Nats-Sequence"))
                    .containsExactly("2", "3", "4");
            assertThat(batch.get(3).getHeaders().getFirst("Nats-Num-Pending")).isEqualTo("1");
            assertThat(batch.get(3).getStatus().getCode()).isEqualTo(204);
            List<io.nats.client.Message> last = directBatch(nc, "{\"multi_last\":[\"b.*\"]}");
            assertThat(last.subList(0, last.size() - 1)).extracting(m -> m.getHeaders().getFirst("Nats-Subject"))
                    .containsExactly("b.x", "b.z", "b.y");
        }
    }

    private static List<io.nats.client.Message> directBatch(Connection nc, String request) throws Exception {
        String inbox = nc.createInbox();
        io.nats.client.Subscription sub = nc.subscribe(inbox);
        nc.publish("$JS.API.DIRECT.GET.B", inbox, bytes(request));
        List<io.nats.client.Message> got = new java.util.ArrayList<>();
        while (true) {
            io.nats.client.Message m = sub.nextMessage(TIMEOUT);
            assertThat(m).as("a direct get answer").isNotNull();
            got.add(m);
            if (m.isStatusMessage()) {
                return got;
            }
        }
    }

    @Test
    void malformedApiRequestsGetJsonErrorsAndTheServerCarriesOn() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            String[][] cases = {
                {"$JS.API.STREAM.CREATE.X", "{not json"},
                {"$JS.API.STREAM.CREATE.X", "{\"name\":\"X\",\"subjects\":[\"x\"],\"bogus_field\":1}"},
                {"$JS.API.STREAM.CREATE.X", "{\"name\":\"Y\",\"subjects\":[\"x\"]}"},
                {"$JS.API.STREAM.CREATE.X", "{\"name\":\"X\",\"subjects\":[\"x..y\"]}"},
                {"$JS.API.STREAM.CREATE.X", "{\"name\":\"X\",\"num_replicas\":3}"},
                {"$JS.API.STREAM.INFO.NOPE", ""},
                {"$JS.API.STREAM.MSG.GET.NOPE", "{\"seq\":1}"},
                {"$JS.API.STREAM.PURGE.NOPE", "[1,2,3]"},
                {"$JS.API.CONSUMER.INFO.X.Y", ""},
                {"$JS.API.NOT.A.THING", "\u0000\u0001"},
            };
            for (String[] c : cases) {
                io.nats.client.Message answer = nc.request(c[0], bytes(c[1]), TIMEOUT);
                assertThat(answer).as("an answer to %s %s", c[0], c[1]).isNotNull();
                var error = json.readTree(answer.getData()).path("error");
                assertThat(error.path("code").asInt()).as("%s %s -> %s", c[0], c[1],
                        new String(answer.getData(), StandardCharsets.UTF_8)).isBetween(400, 599);
                assertThat(error.path("description").asText()).isNotEmpty();
            }
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("STILL").subjects("still")
                    .storageType(StorageType.Memory).build());
            assertThat(nc.jetStream().publish("still", bytes("ok")).getSeqno()).isEqualTo(1);
        }
    }

    @Test
    void streamActionsAreAdvised() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            io.nats.client.Subscription advisories = nc.subscribe("$JS.EVENT.ADVISORY.STREAM.>");
            nc.flush(TIMEOUT);
            JetStreamManagement jsm = nc.jetStreamManagement();
            StreamConfiguration c = StreamConfiguration.builder().name("ADV").subjects("adv")
                    .storageType(StorageType.Memory).build();
            jsm.addStream(c);
            jsm.updateStream(StreamConfiguration.builder(c).maxMessages(10).build());
            jsm.deleteStream("ADV");
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            for (String[] expected : new String[][]{{"CREATED", "create"}, {"UPDATED", "modify"},
                    {"DELETED", "delete"}}) {
                io.nats.client.Message m = advisories.nextMessage(TIMEOUT);
                assertThat(m.getSubject()).isEqualTo("$JS.EVENT.ADVISORY.STREAM." + expected[0] + ".ADV");
                var event = json.readTree(m.getData());
                assertThat(event.path("type").asText()).isEqualTo("io.nats.jetstream.advisory.v1.stream_action");
                assertThat(event.path("action").asText()).isEqualTo(expected[1]);
                assertThat(event.path("stream").asText()).isEqualTo("ADV");
            }
        }
    }

    @Test
    void accountsHaveJetStreamOnlyWhenEnabledAndWithinTheirLimits() throws Exception {
        Path config = dir.resolve("accounts.conf");
        Files.writeString(config, """
                jetstream { store_dir: "%s" }
                accounts {
                  A { users = [ { user: a, password: p } ], jetstream: { max_streams: 2, max_mem: 1K } }
                  B { users = [ { user: b, password: p } ] }
                }
                """.formatted(dir.resolve("js").toString().replace("\\", "/")));
        io.natrix.server.config.ServerOptions.Builder b = io.natrix.server.config.ConfigLoader.load(config);
        b.host = "127.0.0.1";
        b.port = io.natrix.server.config.ServerOptions.RANDOM_PORT;
        b.jetstream = true;
        io.natrix.server.NatsServer natrix = new io.natrix.server.NatsServer(b.build());
        natrix.start();
        try (natrix;
             // The connection timeout is also jnats' JetStream API timeout (2 s unless set): too short when busy.
             Connection a = Nats.connect(new Options.Builder().server(natrix.clientUrl()).userInfo("a", "p")
                     .connectionTimeout(TIMEOUT).maxReconnects(0).build());
             Connection bee = Nats.connect(new Options.Builder().server(natrix.clientUrl()).userInfo("b", "p")
                     .connectionTimeout(TIMEOUT).maxReconnects(0).build())) {
            JetStreamManagement jsm = a.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("S1").subjects("s1").storageType(StorageType.Memory)
                    .maxBytes(512).build());
            assertThatThrownBy(() -> jsm.addStream(StreamConfiguration.builder().name("S2").subjects("s2")
                    .storageType(StorageType.Memory).maxBytes(1024).build()))
                    .isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10023));
            jsm.addStream(StreamConfiguration.builder().name("S3").subjects("s3").storageType(StorageType.Memory)
                    .maxBytes(256).build());
            assertThatThrownBy(() -> jsm.addStream(StreamConfiguration.builder().name("S4").subjects("s4")
                    .storageType(StorageType.Memory).maxBytes(16).build()))
                    .isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10027));
            assertThatThrownBy(() -> bee.jetStreamManagement().getAccountStatistics())
                    .isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10039));
        }
    }

    @Test
    void withoutJetStreamClientsGetAClearError() throws Exception {
        try (TestServer server = TestServer.start(b -> { }); Connection nc = connect(server)) {
            assertThatThrownBy(() -> nc.jetStreamManagement().getAccountStatistics()).isNotNull();
        }
    }
}
